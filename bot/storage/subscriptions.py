"""Subscriptions: which chat hears about which linked counter (only through a live link)."""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import TypeVarTuple

from sqlalchemy import Select, delete, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.links import live_link
from bot.storage.models import Chat, ChatCounter, Credential, Subscription
from bot.storage.upsert import upsert

Ts = TypeVarTuple("Ts")


@dataclass(frozen=True, slots=True)
class Subscriber:
    """An active chat subscribed to a counter, with what it wants to hear and in which language."""

    chat_id: int
    language: str | None
    final_only: bool


class SubscriptionRepository:
    """Reads and writes subscriptions; never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def subscribe(self, chat_id: int, counter_id: int) -> bool:
        """Subscribe a chat to a counter it has linked; False when it already was."""
        row = {"chat_id": chat_id, "counter_id": counter_id, "final_only": False}
        keys = ("chat_id", "counter_id")
        return bool(await upsert(self._session, Subscription, [row], keys=keys, update=()))

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
        rows = await self._session.scalars(
            select(Subscription.counter_id)
            .where(Subscription.chat_id == chat_id)
            .order_by(Subscription.counter_id)
        )
        return list(rows)

    async def active_chats(self, counter_id: int) -> list[Chat]:
        """Active chats subscribed to the counter through a live link."""
        rows = await self._session.scalars(
            _live(select(Chat))
            .where(Subscription.counter_id == counter_id, Chat.is_active.is_(True))
            .order_by(Chat.id)
        )
        return list(rows)

    async def subscribers(self, counter_id: int) -> list[Subscriber]:
        """Active chats subscribed to the counter through a live link."""
        rows = await self._session.execute(
            _live(select(Chat.id, Chat.language, Subscription.final_only))
            .where(Subscription.counter_id == counter_id, Chat.is_active.is_(True))
            .order_by(Chat.id)
        )
        return [Subscriber(*row) for row in rows]

    async def subscribers_of(self, counter_ids: Iterable[int]) -> dict[Subscriber, list[int]]:
        """Active chats subscribed through live links to any of the counters, with which."""
        rows = await self._session.execute(
            _live(select(Chat.id, Chat.language, Subscription.counter_id))
            .where(Subscription.counter_id.in_(list(counter_ids)), Chat.is_active.is_(True))
            .order_by(Chat.id, Subscription.counter_id)
        )
        found: dict[Subscriber, list[int]] = {}
        for chat_id, language, counter_id in rows:
            found.setdefault(Subscriber(chat_id, language, False), []).append(counter_id)
        return found


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
