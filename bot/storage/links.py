"""Links as access: each chat's link carries the credential that proved it may see the counter.

A link is live while its credential is saved, valid and not suspended; only live links give
their chat anything (command answers, notifications), and only live links of active chats that
are subscribed or follow an uploading (`heard`) lend their tokens to the monitor
(`listening`). Suspending returns exactly the links it changed, so the notice about them is
queued once, in the same transaction.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import datetime

from sqlalchemy import exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute
from sqlalchemy.sql.elements import ColumnElement

from bot.domain import SuspendReason
from bot.storage.models import Chat, ChatCounter, Credential, Follow, Subscription

Link = tuple[int, int]
"""(chat id, counter id)."""


@dataclass(frozen=True, slots=True)
class LinkAccess:
    """A chat's link to a counter and the credential behind it (the token stays encrypted)."""

    counter_id: int
    owner_user_id: int
    credential_id: int | None
    suspended_reason: str | None
    valid: bool
    quota_key: str | None
    token_encrypted: bytes | None = field(repr=False)

    @property
    def live(self) -> bool:
        """Whether the chat may get the counter's data through this link."""
        return self.suspended_reason is None and self.valid and self.token_encrypted is not None


def live_link() -> ColumnElement[bool]:
    """Conditions on ChatCounter and Credential (both in the FROM) of a live link."""
    return (
        ChatCounter.suspended_at.is_(None)
        & (Credential.id == ChatCounter.credential_id)
        & Credential.is_valid.is_(True)
    )


def heard() -> ColumnElement[bool]:
    """The chat of the ChatCounter (in the FROM) is subscribed to its counter or follows one of
    its uploadings."""
    return or_(
        exists().where(
            Subscription.chat_id == ChatCounter.chat_id,
            Subscription.counter_id == ChatCounter.counter_id,
        ),
        exists().where(
            Follow.chat_id == ChatCounter.chat_id, Follow.counter_id == ChatCounter.counter_id
        ),
    )


def listening(
    counter_id: ColumnElement[int] | InstrumentedAttribute[int] | int,
) -> ColumnElement[bool]:
    """Some active chat hears about the counter (subscribed, or following) through a live link."""
    return (
        exists()
        .where(
            ChatCounter.counter_id == counter_id,
            Chat.id == ChatCounter.chat_id,
            Chat.is_active.is_(True),
            live_link(),
            heard(),
        )
        .correlate_except(ChatCounter, Chat, Credential)
    )


class LinkRepository:
    """Reads, suspends and resumes links; never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def access(self, chat_id: int, counter_id: int) -> LinkAccess | None:
        """The chat's link to the counter with its credential, if linked."""
        row = (
            await self._session.execute(
                select(ChatCounter, Credential)
                .outerjoin(Credential, Credential.id == ChatCounter.credential_id)
                .where(ChatCounter.chat_id == chat_id, ChatCounter.counter_id == counter_id)
            )
        ).first()
        if row is None:
            return None
        link, credential = row
        return LinkAccess(
            counter_id=counter_id,
            owner_user_id=link.linked_by,
            credential_id=link.credential_id,
            suspended_reason=link.suspended_reason,
            valid=credential is not None and credential.is_valid,
            quota_key=credential.quota_key if credential else None,
            token_encrypted=credential.token_encrypted if credential else None,
        )

    async def suspend(
        self,
        credential_id: int,
        reason: SuspendReason,
        now: datetime,
        *,
        counter_id: int | None = None,
    ) -> list[Link]:
        """Suspend the live links made with a credential (of one counter); those changed."""
        statement = update(ChatCounter).where(
            ChatCounter.credential_id == credential_id, ChatCounter.suspended_at.is_(None)
        )
        if counter_id is not None:
            statement = statement.where(ChatCounter.counter_id == counter_id)
        rows = await self._session.execute(
            statement.values(suspended_at=now, suspended_reason=reason).returning(
                ChatCounter.chat_id, ChatCounter.counter_id
            )
        )
        return sorted((chat_id, counter) for chat_id, counter in rows)

    async def resume(
        self, user_id: int, credential_id: int, counter_ids: Collection[int]
    ) -> list[Link]:
        """The user's suspended (or orphaned) links to these counters live again, on this token."""
        if not counter_ids:
            return []
        rows = await self._session.execute(
            update(ChatCounter)
            .where(
                ChatCounter.linked_by == user_id,
                ChatCounter.counter_id.in_(list(counter_ids)),
                or_(ChatCounter.suspended_at.is_not(None), ChatCounter.credential_id.is_(None)),
            )
            .values(credential_id=credential_id, suspended_at=None, suspended_reason=None)
            .returning(ChatCounter.chat_id, ChatCounter.counter_id)
        )
        return sorted((chat_id, counter) for chat_id, counter in rows)

    async def listened_elsewhere(self, counter_id: int, chat_ids: Collection[int]) -> bool:
        """Whether a chat other than these listens to the counter through a live link."""
        found = await self._session.scalar(
            select(
                exists().where(
                    Subscription.counter_id == counter_id,
                    Subscription.chat_id.not_in(list(chat_ids)),
                    ChatCounter.chat_id == Subscription.chat_id,
                    ChatCounter.counter_id == counter_id,
                    Chat.id == Subscription.chat_id,
                    Chat.is_active.is_(True),
                    live_link(),
                )
            )
        )
        return bool(found)

    async def revoked_in_use(self) -> list[tuple[int, int, str | None]]:
        """(credential id, owner, login) of refused credentials whose links are not suspended."""
        in_use = exists().where(
            ChatCounter.credential_id == Credential.id, ChatCounter.suspended_at.is_(None)
        )
        rows = await self._session.execute(
            select(Credential.id, Credential.user_id, Credential.login)
            .where(Credential.is_valid.is_(False), in_use)
            .order_by(Credential.id)
        )
        return [(credential_id, user_id, login) for credential_id, user_id, login in rows]
