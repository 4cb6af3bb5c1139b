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
from bot.crypto import TokenCipher, UnreadableToken
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
    TokenUnreadable,
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
from bot.storage.links import LinkAccess, LinkRepository

T = TypeVar("T")
DEFAULT_BUSY_MINUTES = 2
MetricaCall = Callable[[str, Caller | None], Awaitable[T]]
"""A client call taking the token and whose quota it counts against."""


@dataclass(frozen=True, slots=True)
class TokenRef:
    """A token, its credential (None: not saved yet) and its quota key.

    A saved token stays encrypted until the call: one no key decrypts is acted on there.
    """

    credential_id: int | None
    token: str | bytes = field(repr=False)  # plain (not saved yet), else as stored
    quota_key: str | None = None
    owner_user_id: int | None = None
    chat_id: int | None = None  # the chat whose link this is, if it is one

    @property
    def caller(self) -> Caller | None:
        """Whose allowance the requests count against (a saved credential's login)."""
        return Caller(self.quota_key, RequestKind.COMMAND) if self.quota_key else None

    def plain(self, cipher: TokenCipher) -> str:
        """The token itself; UnreadableToken when no configured key decrypts it."""
        return self.token if isinstance(self.token, str) else cipher.decrypt(self.token)


async def user_token(session: AsyncSession, cipher: TokenCipher, user_id: int) -> TokenRef:
    """The user's own valid token."""
    credentials = CredentialRepository(session, cipher)
    credential = await credentials.for_user(user_id)
    if credential is None:
        raise NoToken
    if not credential.is_valid:
        raise TokenUnreadable if not credentials.readable(credential) else TokenRevoked
    return TokenRef(
        credential.id, credential.token_encrypted, credential.quota_key, credential.user_id
    )


async def link_token(
    session: AsyncSession, cipher: TokenCipher, chat_id: int, counter_id: int
) -> TokenRef:
    """The token of the chat's link to the counter: the chat's only access to it."""
    link = await LinkRepository(session).access(chat_id, counter_id)
    return linked_token(link, chat_id, counter_id)


def linked_token(link: LinkAccess | None, chat_id: int, counter_id: int) -> TokenRef:
    """The access check on a chat's link as read (None: there is none): its token, or why not."""
    if link is None:
        raise NotLinked(counter_id)
    if not link.live or link.token_encrypted is None:
        raise LinkSuspended(counter_id)
    return TokenRef(
        link.credential_id, link.token_encrypted, link.quota_key, link.owner_user_id, chat_id
    )


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
    """Run one Metrica call with the token; a refused or unreadable token, or lost access, is
    acted on (its links suspended, their chats told)."""
    try:
        token = ref.plain(services.cipher)
    except UnreadableToken:
        await _unusable(services, ref, access.unreadable)
        raise _unusable_error(ref, counter_id, asking, TokenUnreadable()) from None
    try:
        return await call(token, ref.caller)
    except InvalidToken:
        if ref.credential_id is None:
            raise TokenRejected from None
        await _unusable(services, ref, access.revoke)
        raise _unusable_error(ref, counter_id, asking, TokenRevoked()) from None
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


def _unusable_error(
    ref: TokenRef, counter_id: int, asking: int | None, own: TokenRevoked | TokenUnreadable
) -> LinkSuspended | TokenRevoked | TokenUnreadable:
    """What the asker hears: their own token's trouble, or that the chat's link is suspended."""
    if ref.chat_id is not None and asking != ref.owner_user_id:
        return LinkSuspended(counter_id)
    return own


async def _unusable(services: Services, ref: TokenRef, act: access.Unusable) -> None:
    """A saved token refused or unreadable: mark it, suspend its links, tell (but the asker)."""
    assert ref.credential_id is not None  # noqa: S101 - only saved tokens get here
    async with services.sessions.begin() as session:
        await act(session, ref.credential_id, utc_now(), skip_chat=ref.chat_id)


async def _lost_access(services: Services, ref: TokenRef, counter_id: int) -> None:
    """The link's token can no longer see the counter: suspend those links and tell."""
    assert ref.credential_id is not None  # noqa: S101 - checked by the caller
    async with services.sessions.begin() as session:
        await access.lose_access(
            session, ref.credential_id, counter_id, utc_now(), skip_chat=ref.chat_id
        )
