"""Counters and their links to chats: which chat may see which counter, through whose token."""

from __future__ import annotations

from sqlalchemy import delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import Counter as CounterInfo
from bot.storage.models import ChatCounter, Counter, Credential, Subscription
from bot.storage.upsert import upsert


class CounterRepository:
    """Reads and writes counters and chat links; never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, counter_id: int) -> Counter | None:
        """The counter, if some chat linked it."""
        return await self._session.get(Counter, counter_id)

    async def remember(self, info: CounterInfo, credential_id: int) -> Counter:
        """Store the counter's name and site; a valid credential becomes its poller."""
        row = {"id": info.id, "failures": 0, "has_baseline": False, "is_hot": False}
        await upsert(self._session, Counter, [row], keys=("id",), update=())
        counter = await self._session.get(Counter, info.id, populate_existing=True)
        assert counter is not None  # noqa: S101 - inserted or existing just above
        counter.name, counter.site = info.name, info.site
        counter.credential_id = credential_id
        if counter.paused_reason is not None:
            counter.paused_reason, counter.failures, counter.next_poll_at = None, 0, None
        await self._session.flush()
        return counter

    async def link(self, chat_id: int, counter_id: int, user_id: int, credential_id: int) -> bool:
        """Link the counter to the chat; False when it was linked already (then refreshed)."""
        row = {"chat_id": chat_id, "counter_id": counter_id}
        row |= {"linked_by": user_id, "credential_id": credential_id}
        keys = ("chat_id", "counter_id")
        inserted = await upsert(self._session, ChatCounter, [row], keys=keys, update=())
        if not inserted:
            await self._session.execute(
                update(ChatCounter)
                .where(ChatCounter.chat_id == chat_id, ChatCounter.counter_id == counter_id)
                .values(linked_by=user_id, credential_id=credential_id)
            )
        return bool(inserted)

    async def unlink(self, chat_id: int, counter_id: int) -> bool:
        """Remove the link and its subscription; False when it was not linked."""
        await self._session.execute(
            delete(Subscription).where(
                Subscription.chat_id == chat_id, Subscription.counter_id == counter_id
            )
        )
        result = await self._session.execute(
            delete(ChatCounter).where(
                ChatCounter.chat_id == chat_id, ChatCounter.counter_id == counter_id
            )
        )
        return bool(getattr(result, "rowcount", 0))

    async def link_of(self, chat_id: int, counter_id: int) -> ChatCounter | None:
        """The link of this counter to this chat, if any."""
        return await self._session.get(ChatCounter, (chat_id, counter_id))

    async def linked(self, chat_id: int) -> list[tuple[Counter, bool]]:
        """The chat's counters, each with whether the chat is subscribed to it."""
        subscribed = exists().where(
            Subscription.chat_id == ChatCounter.chat_id,
            Subscription.counter_id == ChatCounter.counter_id,
        )
        rows = await self._session.execute(
            select(Counter, subscribed)
            .join(ChatCounter, ChatCounter.counter_id == Counter.id)
            .where(ChatCounter.chat_id == chat_id)
            .order_by(Counter.id)
        )
        return [(counter, bool(is_subscribed)) for counter, is_subscribed in rows.all()]

    async def chats_using_credential(self, credential_id: int) -> list[int]:
        """Chats with a counter linked through this credential."""
        rows = await self._session.scalars(
            select(ChatCounter.chat_id).where(ChatCounter.credential_id == credential_id).distinct()
        )
        return list(rows)

    async def hand_over(self, counter_id: int, credential_id: int | None) -> None:
        """Make another credential (or none) the one that polls the counter."""
        await self._session.execute(
            update(Counter).where(Counter.id == counter_id).values(credential_id=credential_id)
        )

    async def resume_for_credential(self, credential_id: int) -> None:
        """A new token was saved: counters it polls are polled again at once."""
        await self._session.execute(
            update(Counter)
            .where(Counter.credential_id == credential_id)
            .values(paused_reason=None, failures=0, next_poll_at=None)
        )

    async def links_by_credential(self, credential_id: int) -> list[tuple[int, int]]:
        """(chat id, counter id) of every link made with this credential."""
        rows = await self._session.execute(
            select(ChatCounter.chat_id, ChatCounter.counter_id)
            .where(ChatCounter.credential_id == credential_id)
            .order_by(ChatCounter.chat_id, ChatCounter.counter_id)
        )
        return [(chat_id, counter_id) for chat_id, counter_id in rows]

    async def polled_by(self, credential_id: int) -> list[int]:
        """Counters this credential polls."""
        rows = await self._session.scalars(
            select(Counter.id).where(Counter.credential_id == credential_id).order_by(Counter.id)
        )
        return list(rows)

    async def rehome(self, counter_id: int, *, excluding: int | None = None) -> int | None:
        """Make a valid credential of one of the counter's links its poller (or none)."""
        counter = await self.get(counter_id)
        if counter is None:
            return None
        query = (
            select(ChatCounter.credential_id)
            .join(Credential, Credential.id == ChatCounter.credential_id)
            .where(ChatCounter.counter_id == counter_id, Credential.is_valid.is_(True))
            .distinct()
        )
        if excluding is not None:
            query = query.where(ChatCounter.credential_id != excluding)
        candidates = sorted(cid for cid in await self._session.scalars(query) if cid is not None)
        if counter.credential_id not in candidates:
            counter.credential_id = candidates[0] if candidates else None
            await self._session.flush()
        return counter.credential_id

    async def rebaseline(self, counter_id: int) -> None:
        """Nobody was listening: the next poll records what exists without telling anyone."""
        await self._session.execute(
            update(Counter)
            .where(Counter.id == counter_id)
            .values(has_baseline=False, next_poll_at=None)
        )
