"""/token: save a user's Yandex token (checked first), report on it, delete it.

Saving learns the token's Yandex login (Yandex ID's /info), which Metrica's quotas count
against; if it cannot be learned the token's fingerprint stands in for it (logged once, here).
A valid token saved again resumes the user's suspended links to the counters it can see.
"""

from __future__ import annotations

import logging

from bot import access
from bot.clock import utc_now
from bot.container import Services
from bot.domain import Counter
from bot.errors import TokenRejected
from bot.metrica import Caller, quota_key, token_fingerprint
from bot.services.metrica_calls import TokenRef, call_metrica, spend, user_token
from bot.storage.counters import CounterRepository
from bot.storage.credentials import CredentialRepository, Renewal
from bot.views import CounterView, TokenDeleted, TokenState
from bot.yandex_login import LoginTokenRejected, LoginUnavailable, YandexAccount

log = logging.getLogger(__name__)


async def save_token(services: Services, user_id: int, token: str) -> list[CounterView]:
    """Learn the token's login, check it against Metrica, store it; the counters it can see."""
    _, counters = await store_token(services, user_id, token)
    return counters


async def store_token(
    services: Services, user_id: int, token: str, renewal: Renewal | None = None
) -> tuple[str | None, list[CounterView]]:
    """save_token for /token and /login alike: the token's login (if learned) and counters."""
    account = await _account(services, token)
    fingerprint = token_fingerprint(token)
    login = account.login if account else None
    # An unknown login is not counted: the token may be junk and is not saved yet.
    ref = TokenRef(None, token, quota_key(login, fingerprint) if account else None)
    spend(services, user_id)

    async def fetch(token: str, caller: Caller | None) -> list[Counter]:
        return await services.metrica.counters(token, caller=caller)

    counters = await call_metrica(services, ref, fetch)
    async with services.sessions.begin() as session:
        credential = await CredentialRepository(session, services.cipher).save(
            user_id, token, fingerprint, login, account.uid if account else None, renewal=renewal
        )
        visible = [counter.id for counter in counters]
        await access.resume(session, user_id, credential.id, visible, utc_now())
        # The token sees them: none is gone or out of reach any more.
        await CounterRepository(session).unpause(visible)
    if account is None:
        # Once per saved token (junk that Metrica refuses is not worth a line).
        log.warning(
            "could not learn the Yandex login of user %s's token: its quotas are counted per "
            "token until it is saved again",
            user_id,
        )
    return login, _views(counters)


async def _account(services: Services, token: str) -> YandexAccount | None:
    """The token's Yandex account; None when Yandex ID cannot tell now."""
    try:
        return await services.login.account(token)
    except LoginTokenRejected:
        raise TokenRejected from None
    except LoginUnavailable as exc:
        log.debug("Yandex ID could not tell a new token's login: %s", exc)
        return None


async def token_counters(services: Services, user_id: int) -> list[CounterView]:
    """The counters the user's saved token can see."""
    async with services.sessions.begin() as session:
        ref = await user_token(session, services.cipher, user_id)
    spend(services, user_id)

    async def fetch(token: str, caller: Caller | None) -> list[Counter]:
        return await services.metrica.counters(token, caller=caller)

    return _views(await call_metrica(services, ref, fetch))


async def token_state(services: Services, user_id: int) -> TokenState:
    """Whether a token is saved and whether Metrica still accepts it."""
    async with services.sessions.begin() as session:
        credentials = CredentialRepository(session, services.cipher)
        credential = await credentials.for_user(user_id)
        if credential is None:
            return TokenState(saved=False)
        return TokenState(
            True,
            credential.is_valid,
            credential.created_at,
            credential.revoked_at,
            readable=credentials.readable(credential),
        )


async def delete_token(services: Services, user_id: int, user_name: str) -> TokenDeleted:
    """Forget the token; chats whose links used it are told (and their links suspended)."""
    async with services.sessions.begin() as session:
        credential = await CredentialRepository(session, services.cipher).for_user(user_id)
        if credential is None:
            return TokenDeleted(deleted=False)
        told = await access.forget(session, credential, user_name, utc_now())
    return TokenDeleted(deleted=True, chats_told=told)


def _views(counters: list[Counter]) -> list[CounterView]:
    """Counters sorted by name, then id."""
    ordered = sorted(counters, key=lambda counter: (counter.name.casefold(), counter.id))
    return [CounterView.of(counter) for counter in ordered]
