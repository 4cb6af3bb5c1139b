"""Which token a use case calls Metrica with, and Metrica's errors as service errors.

A user's own commands (/token, /link) use their own token; everything about a linked counter
uses the chat's link: its credential, and nothing else, is the chat's access. Tokens are read
in a short transaction and the Metrica call runs outside of it, so a slow Metrica never holds
the database (SQLite serialises writers). Every call counts against the token's login as a
command, and (with `user`) against that user's COMMANDS_PER_MINUTE.
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot import access
from bot.clock import utc_now
from bot.container import Services
from bot.crypto import TokenCipher
from bot.errors import (
    CounterNotFound,
    LinkSuspended,
    MetricaBusy,
    MetricaRefused,
    NoAccess,
    NotLinked,
    NoToken,
    QuotaNearlySpent,
    QuotaUsedUp,
    TokenRejected,
    TokenRevoked,
    TooManyRequests,
)
from bot.metrica import (
    AccessDenied,
    AllowanceSpent,
    Caller,
    InvalidRequest,
    InvalidToken,
    NotFound,
    QuotaExceeded,
    RequestKind,
    Unavailable,
)
from bot.storage.credentials import CredentialRepository
from bot.storage.links import LinkRepository

T = TypeVar("T")
DEFAULT_BUSY_MINUTES = 2
MetricaCall = Callable[[str, Caller | None], Awaitable[T]]
"""A client call taking the token and whose quota it counts against."""


@dataclass(frozen=True, slots=True)
class TokenRef:
    """A decrypted token, its credential (None: not saved yet) and its quota key."""

    credential_id: int | None
    token: str = field(repr=False)
    quota_key: str | None = None
    owner_user_id: int | None = None
    chat_id: int | None = None  # the chat whose link this is, if it is one

    @property
    def caller(self) -> Caller | None:
        """Whose allowance the requests count against (a saved credential's login)."""
        return Caller(self.quota_key, RequestKind.COMMAND) if self.quota_key else None


async def user_token(session: AsyncSession, cipher: TokenCipher, user_id: int) -> TokenRef:
    """The user's own valid token."""
    credentials = CredentialRepository(session, cipher)
    credential = await credentials.for_user(user_id)
    if credential is None:
        raise NoToken
    if not credential.is_valid:
        raise TokenRevoked
    token = credentials.token(credential)
    return TokenRef(credential.id, token, credential.quota_key, credential.user_id)


async def link_token(
    session: AsyncSession, cipher: TokenCipher, chat_id: int, counter_id: int
) -> TokenRef:
    """The token of the chat's link to the counter: the chat's only access to it."""
    link = await LinkRepository(session).access(chat_id, counter_id)
    if link is None:
        raise NotLinked(counter_id)
    if not link.live or link.token_encrypted is None:
        raise LinkSuspended(counter_id)
    token = cipher.decrypt(link.token_encrypted)
    return TokenRef(link.credential_id, token, link.quota_key, link.owner_user_id, chat_id)


def spend(services: Services, user: int | None) -> None:
    """Count one Metrica request of a user's; TooManyRequests past COMMANDS_PER_MINUTE."""
    if user is None:
        return
    wait = services.budget.rate.take(user)
    if wait is not None:
        raise TooManyRequests(wait)


async def call_metrica(
    services: Services,
    ref: TokenRef,
    call: MetricaCall[T],
    *,
    counter_id: int = 0,
    asking: int | None = None,
) -> T:
    """Run one Metrica call with the token; a refused token or lost access is acted on."""
    try:
        return await call(ref.token, ref.caller)
    except InvalidToken:
        if ref.credential_id is None:
            raise TokenRejected from None
        await _revoked(services, ref)
        if ref.chat_id is not None and asking != ref.owner_user_id:
            raise LinkSuspended(counter_id) from None
        raise TokenRevoked from None
    except AccessDenied:
        if ref.chat_id is not None and ref.credential_id is not None:
            await _lost_access(services, ref, counter_id)
        raise NoAccess(counter_id) from None
    except NotFound:
        raise CounterNotFound(counter_id) from None
    except AllowanceSpent as exc:
        raise QuotaNearlySpent(exc.resets_at) from None
    except QuotaExceeded as exc:
        if exc.daily:
            raise QuotaUsedUp(exc.resets_at) from None
        raise MetricaBusy(busy_minutes(exc.retry_after)) from None
    except InvalidRequest as exc:
        raise MetricaRefused(exc.message) from None
    except Unavailable as exc:
        raise MetricaBusy(busy_minutes(exc.retry_after)) from None


def busy_minutes(retry_after: float | None) -> int:
    """Whole minutes to tell the user to wait (at least one)."""
    if retry_after is None:
        return DEFAULT_BUSY_MINUTES
    return max(1, math.ceil(retry_after / 60))


async def _revoked(services: Services, ref: TokenRef) -> None:
    """Metrica refused a saved token: mark it, suspend its links, tell (the asking chat knows)."""
    assert ref.credential_id is not None  # noqa: S101 - only saved tokens get here
    async with services.sessions.begin() as session:
        await access.revoke(session, ref.credential_id, utc_now(), skip_chat=ref.chat_id)


async def _lost_access(services: Services, ref: TokenRef, counter_id: int) -> None:
    """The link's token can no longer see the counter: suspend those links and tell."""
    assert ref.credential_id is not None  # noqa: S101 - checked by the caller
    async with services.sessions.begin() as session:
        await access.lose_access(
            session, ref.credential_id, counter_id, utc_now(), skip_chat=ref.chat_id
        )
