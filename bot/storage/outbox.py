"""The outbox: messages to chats, written in the transaction that decided to send them.

Senders claim whole chats: a chat with due messages, none leased by anyone, and nothing sent to
it within its pace is locked (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite serializes writers)
and its messages leased. One chat is served by one process at a time, in order and paced.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import and_, delete, exists, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from bot.storage.models import Chat, OutboxMessage

_ERROR_LENGTH = 255

ButtonSpec = tuple[str, str]
"""An inline button of a queued message: its label and its callback data."""


def _pending() -> ColumnElement[bool]:
    return and_(OutboxMessage.sent_at.is_(None), OutboxMessage.dropped.is_(False))


class OutboxRepository:
    """Reads and writes outbox messages; never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enqueue(
        self,
        chat_id: int,
        text: str,
        *,
        now: datetime,
        parse_mode: str | None = "HTML",
        thread_id: int | None = None,
        silent: bool = False,
        buttons: Sequence[ButtonSpec] = (),
    ) -> OutboxMessage:
        """Queue a message (to a forum topic, silently, with buttons); sent after the commit."""
        message = OutboxMessage(
            chat_id=chat_id,
            text=text,
            parse_mode=parse_mode,
            thread_id=thread_id,
            silent=silent,
            buttons=encode_buttons(buttons),
            created_at=now,
            next_attempt_at=now,
            attempts=0,
            dropped=False,
        )
        self._session.add(message)
        await self._session.flush()
        return message

    async def claim_chats(
        self, *, now: datetime, private_since: datetime, group_since: datetime, limit: int
    ) -> list[tuple[int, str]]:
        """Lock up to `limit` chats (id, type) whose next message may go out now."""
        other = aliased(OutboxMessage)
        # Chats with a due message, found once from the outbox (not probed chat by chat).
        due = Chat.id.in_(
            select(OutboxMessage.chat_id).where(_pending(), OutboxMessage.next_attempt_at <= now)
        )
        leased = exists().where(
            other.chat_id == Chat.id,
            other.sent_at.is_(None),
            other.dropped.is_(False),
            other.lease_until >= now,
        )
        # Pace: nothing sent to a private chat in the last second, to a group in 3 seconds.
        recently_sent = exists().where(
            other.chat_id == Chat.id,
            or_(
                and_(Chat.type == "private", other.sent_at > private_since),
                and_(Chat.type != "private", other.sent_at > group_since),
            ),
        )
        rows = await self._session.execute(
            select(Chat.id, Chat.type)
            .where(Chat.is_active.is_(True), due, ~leased, ~recently_sent)
            .order_by(Chat.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return [(chat_id, chat_type) for chat_id, chat_type in rows]

    async def due_messages(self, chat_id: int, *, now: datetime, limit: int) -> list[OutboxMessage]:
        """The chat's due messages, oldest first."""
        rows = await self._session.scalars(
            select(OutboxMessage)
            .where(OutboxMessage.chat_id == chat_id, _pending())
            .where(OutboxMessage.next_attempt_at <= now)
            .order_by(OutboxMessage.id)
            .limit(limit)
        )
        return list(rows)

    async def lease(
        self, ids: Collection[int], owner: str, until: datetime, *, now: datetime
    ) -> set[int]:
        """Lease those of the messages still pending and free; returns the ids won.

        The condition is checked again on each row as it is updated, so of two processes that
        both saw the rows free only one wins them (PostgreSQL re-reads a row changed meanwhile).
        """
        result = await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(list(ids)), _pending())
            .where(or_(OutboxMessage.lease_until.is_(None), OutboxMessage.lease_until < now))
            .values(lease_owner=owner, lease_until=until)
            .returning(OutboxMessage.id)
        )
        return set(result.scalars())

    async def mark_sent(self, ids: Collection[int], now: datetime) -> None:
        """Telegram accepted these messages."""
        await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(list(ids)))
            .values(sent_at=now, lease_owner=None, lease_until=None)
        )

    async def keep_rest(
        self,
        ids: Collection[int],
        text: str,
        parse_mode: str | None,
        buttons: Sequence[ButtonSpec] = (),
        *,
        next_attempt_at: datetime,
        now: datetime,
    ) -> None:
        """The first part of a long message went out: the first row keeps the rest, in order.

        The rest keeps the buttons of every row packed into the message: they go on its last part.
        """
        first, *others = sorted(ids)
        await self.mark_sent(others, now)
        await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id == first)
            .values(
                text=text,
                parse_mode=parse_mode,
                buttons=encode_buttons(buttons),
                next_attempt_at=next_attempt_at,
                lease_owner=None,
                lease_until=None,
            )
        )

    async def postpone(
        self, chat_id: int, ids: Collection[int], *, until: datetime, error: str, failed: bool
    ) -> None:
        """Hold every pending message of the chat until `until`; count a failure on `ids`."""
        if failed:
            await self._session.execute(
                update(OutboxMessage)
                .where(OutboxMessage.id.in_(list(ids)))
                .values(attempts=OutboxMessage.attempts + 1)
            )
        await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.chat_id == chat_id, _pending())
            .values(
                next_attempt_at=until,
                last_error=error[:_ERROR_LENGTH],
                lease_owner=None,
                lease_until=None,
            )
        )

    async def drop(self, ids: Collection[int], error: str) -> None:
        """Give up on messages Telegram will never accept."""
        await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.id.in_(list(ids)))
            .values(dropped=True, last_error=error[:_ERROR_LENGTH], lease_owner=None)
        )

    async def drop_chat(self, chat_id: int, error: str) -> int:
        """Give up on every pending message of a chat the bot can no longer write to."""
        result = await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.chat_id == chat_id, _pending())
            .values(dropped=True, last_error=error[:_ERROR_LENGTH], lease_owner=None)
        )
        return int(getattr(result, "rowcount", 0))

    async def move_chat(self, old_id: int, new_id: int) -> None:
        """Send a migrated group's pending messages to its new id, at once."""
        # The chats row may have moved already, taking its messages along by ON UPDATE CASCADE.
        await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.chat_id.in_([old_id, new_id]), _pending())
            .values(chat_id=new_id, lease_owner=None, lease_until=None)
        )

    async def move_thread_to_general(self, chat_id: int, thread_id: int) -> None:
        """A forum topic is gone: the chat's pending messages for it go to General instead."""
        await self._session.execute(
            update(OutboxMessage)
            .where(
                OutboxMessage.chat_id == chat_id,
                OutboxMessage.thread_id == thread_id,
                _pending(),
            )
            .values(thread_id=None)
        )

    async def purge(self, before: datetime) -> None:
        """Forget delivered and dropped messages older than `before`; drop those of gone chats."""
        inactive = select(Chat.id).where(Chat.is_active.is_(False))
        await self._session.execute(
            update(OutboxMessage)
            .where(OutboxMessage.chat_id.in_(inactive), _pending())
            .values(dropped=True, last_error="chat inactive")
        )
        await self._session.execute(
            delete(OutboxMessage).where(
                or_(OutboxMessage.sent_at < before, OutboxMessage.dropped.is_(True)),
                OutboxMessage.created_at < before,
            )
        )


def encode_buttons(buttons: Sequence[ButtonSpec]) -> str | None:
    """The stored form of a message's buttons (None for none)."""
    return json.dumps([list(button) for button in buttons], ensure_ascii=False) if buttons else None


def decode_buttons(stored: str | None) -> tuple[ButtonSpec, ...]:
    """A message's buttons as stored; anything unreadable is no buttons (never lose the text)."""
    try:
        loaded = json.loads(stored) if stored else []
    except ValueError:
        return ()
    if not isinstance(loaded, list):
        return ()
    return tuple(
        (str(item[0]), str(item[1])) for item in loaded if isinstance(item, list) and len(item) == 2
    )
