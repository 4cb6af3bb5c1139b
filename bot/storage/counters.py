"""Counters and their links to chats: which chat may see which counter, through whose token.

Suspending and resuming links, and which links' tokens may poll a counter: storage/links.py.
"""

from __future__ import annotations

from collections.abc import Collection

from sqlalchemy import delete, exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import Counter as CounterInfo
from bot.domain import PauseReason
from bot.storage.models import ChatCounter, Counter, Subscription
from bot.storage.upsert import upsert


class CounterRepository:
    """Reads and writes counters and chat links; never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, counter_id: int) -> Counter | None:
        """The counter, if some chat linked it."""
        return await self._session.get(Counter, counter_id)

    async def remember(self, info: CounterInfo) -> Counter:
        """Store the counter's name and site; linking it again resumes a paused one."""
        row = {"id": info.id, "failures": 0, "has_baseline": False, "is_hot": False}
        await upsert(self._session, Counter, [row], keys=("id",), update=())
        counter = await self._session.get(Counter, info.id, populate_existing=True)
        assert counter is not None  # noqa: S101 - inserted or existing just above
        counter.name, counter.site = info.name, info.site
        if counter.paused_reason is not None:
            counter.paused_reason, counter.failures, counter.next_poll_at = None, 0, None
        await self._session.flush()
        return counter

    async def link(self, chat_id: int, counter_id: int, user_id: int, credential_id: int) -> bool:
        """Link the counter to the chat; False when it was linked already (then refreshed).

        The linking user's credential becomes the chat's access; a suspended link resumes.
        """
        row = {"chat_id": chat_id, "counter_id": counter_id}
        row |= {"linked_by": user_id, "credential_id": credential_id}
        keys = ("chat_id", "counter_id")
        inserted = await upsert(self._session, ChatCounter, [row], keys=keys, update=())
        if not inserted:
            await self._session.execute(
                update(ChatCounter)
                .where(ChatCounter.chat_id == chat_id, ChatCounter.counter_id == counter_id)
                .values(
                    linked_by=user_id,
                    credential_id=credential_id,
                    suspended_at=None,
                    suspended_reason=None,
                )
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
        return [(counter, subscribed) for counter, subscribed, _ in await self.links(chat_id)]

    async def links(self, chat_id: int) -> list[tuple[Counter, bool, str | None]]:
        """The chat's counters, each with whether the chat is subscribed and why it is paused."""
        subscribed = exists().where(
            Subscription.chat_id == ChatCounter.chat_id,
            Subscription.counter_id == ChatCounter.counter_id,
        )
        rows = await self._session.execute(
            select(Counter, subscribed, ChatCounter.suspended_reason)
            .join(ChatCounter, ChatCounter.counter_id == Counter.id)
            .where(ChatCounter.chat_id == chat_id)
            .order_by(Counter.id)
        )
        return [(counter, bool(is_subscribed), reason) for counter, is_subscribed, reason in rows]

    async def names(self, counter_ids: Collection[int]) -> dict[int, str]:
        """The stored names of these counters."""
        rows = await self._session.execute(
            select(Counter.id, Counter.name).where(Counter.id.in_(list(counter_ids)))
        )
        return {int(counter_id): str(name) for counter_id, name in rows}

    async def unpause(self, counter_ids: Collection[int]) -> None:
        """Poll these counters again at once, unless they wait for a quota to reset."""
        await self._session.execute(
            update(Counter)
            .where(
                Counter.id.in_(list(counter_ids)),
                Counter.paused_reason.is_not(None),
                Counter.paused_reason != PauseReason.QUOTA,
            )
            .values(paused_reason=None, failures=0, next_poll_at=None)
        )

    async def rebaseline(self, counter_id: int) -> None:
        """Nobody was listening: the next poll records what exists without telling anyone."""
        await self._session.execute(
            update(Counter)
            .where(Counter.id == counter_id)
            .values(has_baseline=False, next_poll_at=None)
        )
