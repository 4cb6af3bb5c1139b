"""Keeping /login tokens alive: refresh each well before it ends (bot.oauth_schedule).

A refresh Yandex refuses for good (`invalid_grant`: revoked, expired, password changed) is
handled like a token Metrica refuses: marked invalid, its links suspended, chats and owner told
once (bot.access.revoke). A failure for now is tried again later, before the token ends.
"""

from __future__ import annotations

import logging
from datetime import timedelta

from bot import access
from bot.clock import utc_now
from bot.container import Services
from bot.crypto import UnreadableToken
from bot.oauth_schedule import refresh_at, retry_refresh_at
from bot.services.login import OPERATOR
from bot.storage.credentials import CredentialRepository, Renewal
from bot.yandex_oauth import OAuthClientRefused, OAuthError, OAuthGrantFailed, TokenPair

log = logging.getLogger(__name__)

Due = tuple[int, bytes]
"""A credential due for a refresh: its id and its refresh token as stored."""


async def claim_refreshes(services: Services, limit: int) -> list[Due]:
    """Tokens due for a refresh, claimed by this process for one lease."""
    lease = timedelta(seconds=services.settings.lease_seconds)
    async with services.sessions.begin() as session:
        repository = CredentialRepository(session)
        return await repository.claim_refreshes(utc_now(), lease, limit)


async def refresh_token(services: Services, due: Due) -> int:
    """Refresh one token; how many notices were queued (a refused one tells its chats)."""
    credential_id, stored = due
    if services.oauth is None:
        return 0
    now = utc_now()
    try:
        refresh = services.cipher.decrypt(stored)
    except UnreadableToken:
        async with services.sessions.begin() as session:
            return await access.unreadable(session, credential_id, now)
    try:
        pair = await services.oauth.refresh(refresh)
    except OAuthGrantFailed:
        log.info("Yandex refused to refresh credential %s: handled as revoked", credential_id)
        async with services.sessions.begin() as session:
            return await access.revoke(session, credential_id, now)
    except OAuthError as exc:
        await _later(services, credential_id, exc)
        return 0
    await _store(services, due, pair, refresh)
    return 0


async def _store(services: Services, due: Due, pair: TokenPair, old_refresh: str) -> None:
    """The new pair (the old refresh token when Yandex sent none), scheduled anew."""
    now = utc_now()
    expires_at = now + timedelta(seconds=pair.expires_in) if pair.expires_in else None
    renewal = Renewal(
        pair.refresh_token or old_refresh, expires_at, refresh_at(now, pair.expires_in)
    )
    async with services.sessions.begin() as session:
        credentials = CredentialRepository(session, services.cipher)
        stored = await credentials.store_refreshed(due[0], due[1], pair.access_token, renewal)
    if not stored:
        log.info("credential %s changed while it was refreshed: the new one stays", due[0])


async def _later(services: Services, credential_id: int, error: OAuthError) -> None:
    """Try again later, before the token ends if it can."""
    if isinstance(error, OAuthClientRefused):
        OPERATOR.operator_error(error)
    else:
        log.warning("refreshing credential %s failed for now: %s", credential_id, error)
    now = utc_now()
    async with services.sessions.begin() as session:
        credentials = CredentialRepository(session)
        credential = await credentials.get(credential_id)
        expires_at = credential.expires_at if credential else None
        await credentials.postpone_refresh(credential_id, retry_refresh_at(now, expires_at))
