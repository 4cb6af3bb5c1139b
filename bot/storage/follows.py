"""Follows: a chat hearing each status of one uploading it made with /upload, until final.

A follow reaches its chat only through the chat's live link, like a subscription; it also
makes the counter worth polling (bot/storage/links.py, `listening`).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from bot.storage.links import listening, live_link
from bot.storage.models import Chat, ChatCounter, Counter, Credential, Follow
from bot.storage.upsert import upsert


@dataclass(frozen=True, slots=True)
class Followed:
    """One follow as the monitor reads it: where to tell, in which language, what was told."""

    chat_id: int
    language: str | None
    thread_id: int | None
    uploading_id: int
    status: str


class FollowRepository:
    """Reads and writes follows; never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def follow(
        self,
        chat_id: int,
        counter_id: int,
        uploading_id: int,
        *,
        status: str,
        thread_id: int | None,
        now: datetime,
    ) -> None:
        """Start following an uploading (told `status` already) and poll its counter soon.

        A counter nobody heard about gets a fresh baseline: its snapshot may be stale.
        """
        listened = await self._listened(counter_id)
        row = {
            "chat_id": chat_id,
            "counter_id": counter_id,
            "uploading_id": uploading_id,
            "thread_id": thread_id,
            "status": status,
            "created_at": now,
        }
        keys = ("chat_id", "counter_id", "uploading_id")
        await upsert(self._session, Follow, [row], keys=keys, update=("status", "thread_id"))
        soon: dict[str, object] = {"next_poll_at": None}
        if not listened:
            soon["has_baseline"] = False
        await self._session.execute(
            update(Counter)
            .where(Counter.id == counter_id, Counter.paused_reason.is_(None))
            .values(**soon)
        )

    async def of_counter(self, counter_id: int) -> list[Followed]:
        """The counter's follows of active chats through live links, oldest uploading first."""
        rows = await self._session.execute(
            select(Chat.id, Chat.language, Follow.thread_id, Follow.uploading_id, Follow.status)
            .select_from(Follow)
            .join(Chat, Chat.id == Follow.chat_id)
            .join(
                ChatCounter,
                (ChatCounter.chat_id == Follow.chat_id)
                & (ChatCounter.counter_id == Follow.counter_id),
            )
            .join(Credential, Credential.id == ChatCounter.credential_id)
            .where(Follow.counter_id == counter_id, Chat.is_active.is_(True), live_link())
            .order_by(Follow.uploading_id, Chat.id)
        )
        return [Followed(*row) for row in rows]

    async def told(self, chat_id: int, counter_id: int, uploading_id: int, status: str) -> None:
        """The chat was told this status."""
        await self._session.execute(
            update(Follow).where(*_key(chat_id, counter_id, uploading_id)).values(status=status)
        )

    async def stop(self, chat_id: int, counter_id: int, uploading_id: int) -> None:
        """The uploading is final: nothing more to follow."""
        await self._session.execute(delete(Follow).where(*_key(chat_id, counter_id, uploading_id)))

    async def expire(self, counter_id: int, before: datetime) -> int:
        """Drop the counter's follows begun before `before` (an uploading Metrica lost)."""
        result = await self._session.execute(
            delete(Follow).where(Follow.counter_id == counter_id, Follow.created_at < before)
        )
        return int(getattr(result, "rowcount", 0) or 0)

    async def _listened(self, counter_id: int) -> bool:
        """Whether some chat hears about the counter now (subscribed or following)."""
        return bool(await self._session.scalar(select(listening(counter_id))))


def _key(chat_id: int, counter_id: int, uploading_id: int) -> tuple[ColumnElement[bool], ...]:
    """The conditions naming one follow."""
    return (
        Follow.chat_id == chat_id,
        Follow.counter_id == counter_id,
        Follow.uploading_id == uploading_id,
    )
