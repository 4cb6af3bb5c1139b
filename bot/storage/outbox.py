"""The outbox: messages to chats, written in the transaction that decided to send them."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import OutboxMessage


class OutboxRepository:
    """Reads and writes outbox messages; never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def enqueue(
        self, chat_id: int, text: str, *, now: datetime, parse_mode: str | None = "HTML"
    ) -> OutboxMessage:
        """Queue a message; the sender delivers it after the transaction commits."""
        message = OutboxMessage(
            chat_id=chat_id,
            text=text,
            parse_mode=parse_mode,
            created_at=now,
            next_attempt_at=now,
            attempts=0,
            dropped=False,
        )
        self._session.add(message)
        await self._session.flush()
        return message
