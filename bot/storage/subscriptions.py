"""Subscriptions: which chat (and which of its forum topics) hears about which linked counter.

Notifications reach a subscription only through a live link (bot/storage/links.py).
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, TypeVarTuple

from sqlalchemy import Select, delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import Hears
from bot.storage.links import Link, live_link
from bot.storage.models import Chat, ChatCounter, Counter, Credential, Subscription
from bot.storage.upsert import upsert

Ts = TypeVarTuple("Ts")


@dataclass(frozen=True, slots=True)
class Destination:
    """Where a message goes: a chat, a forum topic of it (None: General), with sound or not."""

    chat_id: int
    language: str | None
    thread_id: int | None = None
    silent: bool = False


@dataclass(frozen=True, slots=True)
class Subscriber:
    """An active chat subscribed to a counter: its language, what it hears, where and how."""

    chat_id: int
    language: str | None
    hears: Hears = Hears.ALL
    silent: bool = False
    thread_id: int | None = None

    @property
    def destination(self) -> Destination:
        """Where its messages go."""
        return Destination(self.chat_id, self.language, self.thread_id, self.silent)


class SubscriptionRepository:
    """Reads and writes subscriptions; never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def subscribe(self, chat_id: int, counter_id: int, **settings: Any) -> bool:
        """Subscribe a chat to a counter it has linked; False when it already was (unchanged).

        `settings` are the new subscription's columns (hears, silent, thread_id, topic_name).
        """
        row = {"chat_id": chat_id, "counter_id": counter_id, **settings}
        keys = ("chat_id", "counter_id")
        return bool(await upsert(self._session, Subscription, [row], keys=keys, update=()))

    async def get(self, chat_id: int, counter_id: int) -> Subscription | None:
        """The chat's subscription to the counter, read afresh."""
        return await self._session.get(Subscription, (chat_id, counter_id), populate_existing=True)

    async def change(self, chat_id: int, counter_id: int, **values: Any) -> None:
        """Set columns of one subscription (hears, silent, thread_id, topic_name)."""
        if not values:
            return
        await self._session.execute(
            update(Subscription)
            .where(Subscription.chat_id == chat_id, Subscription.counter_id == counter_id)
            .values(**values)
        )

    async def move_to_general(self, chat_id: int, thread_id: int) -> list[str | None]:
        """A forum topic is gone: its subscriptions move to General; the topic's known names."""
        names = await self._session.scalars(
            select(Subscription.topic_name).where(
                Subscription.chat_id == chat_id, Subscription.thread_id == thread_id
            )
        )
        found = list(names)
        await self._session.execute(
            update(Subscription)
            .where(Subscription.chat_id == chat_id, Subscription.thread_id == thread_id)
            .values(thread_id=None, topic_name=None)
        )
        return found

    async def unsubscribe(self, chat_id: int, counter_id: int) -> bool:
        """Remove the subscription; False when there was none."""
        result = await self._session.execute(
            delete(Subscription).where(
                Subscription.chat_id == chat_id, Subscription.counter_id == counter_id
            )
        )
        return bool(getattr(result, "rowcount", 0))

    async def of_chat(self, chat_id: int) -> list[int]:
        """Counter ids the chat is subscribed to."""
        return [subscription.counter_id for subscription in await self.in_chat(chat_id)]

    async def in_chat(self, chat_id: int) -> list[Subscription]:
        """The chat's subscriptions, by counter id."""
        rows = await self._session.scalars(
            select(Subscription)
            .where(Subscription.chat_id == chat_id)
            .order_by(Subscription.counter_id)
        )
        return list(rows)

    async def with_counters(self, chat_id: int) -> list[tuple[Subscription, Counter]]:
        """The chat's subscriptions with their counters, by counter id."""
        rows = await self._session.execute(
            select(Subscription, Counter)
            .join(Counter, Counter.id == Subscription.counter_id)
            .where(Subscription.chat_id == chat_id)
            .order_by(Subscription.counter_id)
        )
        return [(subscription, counter) for subscription, counter in rows]

    async def active_chats(self, counter_id: int) -> list[Chat]:
        """Active chats subscribed to the counter through a live link."""
        rows = await self._session.scalars(
            _live(select(Chat))
            .where(Subscription.counter_id == counter_id, Chat.is_active.is_(True))
            .order_by(Chat.id)
        )
        return list(rows)

    async def subscribers(self, counter_id: int) -> list[Subscriber]:
        """Active chats subscribed to the counter through a live link: what each hears, where."""
        rows = await self._session.execute(
            _live(
                select(
                    Chat.id,
                    Chat.language,
                    Subscription.hears,
                    Subscription.silent,
                    Subscription.thread_id,
                )
            )
            .where(Subscription.counter_id == counter_id, Chat.is_active.is_(True))
            .order_by(Chat.id)
        )
        return [
            Subscriber(chat_id, language, _hears(hears), silent, thread_id)
            for chat_id, language, hears, silent, thread_id in rows
        ]

    async def subscribers_of(self, counter_ids: Iterable[int]) -> dict[Destination, list[int]]:
        """Where live subscriptions to any of the counters go, each with which of the counters.

        Account-level notices use it: they reach every subscription whatever it hears, so
        subscriptions of one chat in one topic (with the same silence) share one message.
        """
        rows = await self._session.execute(
            _live(
                select(
                    Chat.id,
                    Chat.language,
                    Subscription.thread_id,
                    Subscription.silent,
                    Subscription.counter_id,
                )
            )
            .where(Subscription.counter_id.in_(list(counter_ids)), Chat.is_active.is_(True))
            .order_by(Chat.id, Subscription.counter_id)
        )
        found: dict[Destination, list[int]] = {}
        for chat_id, language, thread_id, silent, counter_id in rows:
            key = Destination(chat_id, language, thread_id, silent)
            found.setdefault(key, []).append(counter_id)
        return found

    async def destinations_of(self, links: Iterable[Link]) -> dict[Destination, list[int]]:
        """Where notices about these links go, live or not, each with which of the counters.

        A subscribed link's notice goes to its subscription's topic (with its silence); a
        link nobody subscribed to, to the chat's General. Inactive chats are left out.
        """
        wanted = set(links)
        if not wanted:
            return {}
        rows = await self._session.execute(
            select(
                Chat.id,
                Chat.language,
                Subscription.thread_id,
                Subscription.silent,
                ChatCounter.counter_id,
            )
            .select_from(ChatCounter)
            .join(Chat, Chat.id == ChatCounter.chat_id)
            .outerjoin(
                Subscription,
                (Subscription.chat_id == ChatCounter.chat_id)
                & (Subscription.counter_id == ChatCounter.counter_id),
            )
            .where(
                ChatCounter.chat_id.in_({chat_id for chat_id, _ in wanted}),
                ChatCounter.counter_id.in_({counter_id for _, counter_id in wanted}),
                Chat.is_active.is_(True),
            )
            .order_by(Chat.id, ChatCounter.counter_id)
        )
        found: dict[Destination, list[int]] = {}
        for chat_id, language, thread_id, silent, counter_id in rows:
            if (chat_id, counter_id) in wanted:
                key = Destination(chat_id, language, thread_id, bool(silent))
                found.setdefault(key, []).append(counter_id)
        return found


def _hears(stored: str) -> Hears:
    """A stored filter; an unknown value (a newer version's) hears everything."""
    try:
        return Hears(stored)
    except ValueError:
        return Hears.ALL


def _live(query: Select[*Ts]) -> Select[*Ts]:
    """Subscriptions joined to their chats, links and credentials, live links only."""
    return (
        query.select_from(Chat)
        .join(Subscription, Subscription.chat_id == Chat.id)
        .join(
            ChatCounter,
            (ChatCounter.chat_id == Subscription.chat_id)
            & (ChatCounter.counter_id == Subscription.counter_id),
        )
        .join(Credential, Credential.id == ChatCounter.credential_id)
        .where(live_link())
    )
