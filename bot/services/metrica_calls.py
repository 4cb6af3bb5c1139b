"""Which token a use case calls Metrica with, and Metrica's errors as service errors.

Tokens are read in a short transaction and the Metrica call runs outside of it, so a slow
Metrica never holds the database (SQLite serialises writers).
"""

from __future__ import annotations

import math
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import TypeVar

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utc_now
from bot.container import Services
from bot.crypto import TokenCipher, UnreadableToken
from bot.errors import (
    CounterNotFound,
    MetricaBusy,
    MetricaRefused,
    NoAccess,
    NotLinked,
    NoToken,
    QuotaUsedUp,
    ServiceError,
    TokenRejected,
    TokenRevoked,
    TokenUnreadable,
)
from bot.metrica import (
    AccessDenied,
    InvalidRequest,
    InvalidToken,
    NotFound,
    QuotaExceeded,
    Unavailable,
)
from bot.storage.counters import CounterRepository
from bot.storage.credentials import CredentialRepository
from bot.storage.models import Credential

T = TypeVar("T")
DEFAULT_BUSY_MINUTES = 2


@dataclass(frozen=True, slots=True)
class TokenRef:
    """A decrypted token and the credential it belongs to (None: not saved yet)."""

    credential_id: int | None
    token: str = field(repr=False)


async def user_token(session: AsyncSession, cipher: TokenCipher, user_id: int) -> TokenRef:
    """The user's own valid token."""
    credentials = CredentialRepository(session, cipher)
    credential = await credentials.for_user(user_id)
    if credential is None:
        raise NoToken
    if not credential.is_valid:
        raise TokenUnreadable if not credentials.readable(credential) else TokenRevoked
    return TokenRef(credential.id, _token(credentials, credential))


async def link_token(
    session: AsyncSession, cipher: TokenCipher, chat_id: int, counter_id: int, user_id: int | None
) -> TokenRef:
    """The token of whoever linked the counter to the chat, else the asking user's own."""
    link = await CounterRepository(session).link_of(chat_id, counter_id)
    if link is None:
        raise NotLinked(counter_id)
    credentials = CredentialRepository(session, cipher)
    linked = await credentials.get(link.credential_id) if link.credential_id else None
    if linked is not None and linked.is_valid and credentials.readable(linked):
        return TokenRef(linked.id, credentials.token(linked))
    if user_id is not None:
        try:
            return await user_token(session, cipher, user_id)
        except ServiceError:
            pass
    if linked is None:
        raise NoToken
    raise TokenUnreadable if not credentials.readable(linked) else TokenRevoked


def _token(credentials: CredentialRepository, credential: Credential) -> str:
    """The plain token; TokenUnreadable when no configured key decrypts it."""
    try:
        return credentials.token(credential)
    except UnreadableToken:
        raise TokenUnreadable from None


async def call_metrica(
    services: Services,
    ref: TokenRef,
    call: Callable[[str], Awaitable[T]],
    *,
    counter_id: int = 0,
) -> T:
    """Run one Metrica call with the token; a refused saved token is marked invalid."""
    try:
        return await call(ref.token)
    except InvalidToken:
        if ref.credential_id is None:
            raise TokenRejected from None
        await _mark_invalid(services, ref.credential_id)
        raise TokenRevoked from None
    except AccessDenied:
        raise NoAccess(counter_id) from None
    except NotFound:
        raise CounterNotFound(counter_id) from None
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


async def _mark_invalid(services: Services, credential_id: int) -> None:
    """Remember that Metrica refused the credential."""
    async with services.sessions.begin() as session:
        credentials = CredentialRepository(session, services.cipher)
        await credentials.mark_invalid(credential_id, utc_now())
