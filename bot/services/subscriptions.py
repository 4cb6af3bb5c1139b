"""/subscribe, /unsubscribe, /subscriptions: which chat hears about which linked counter."""

from __future__ import annotations

from bot.container import Services
from bot.errors import LinkSuspended, NotLinked, NotSubscribed
from bot.services.counters import linked_counters
from bot.storage.counters import CounterRepository
from bot.storage.subscriptions import SubscriptionRepository
from bot.views import CounterView


async def subscribe(services: Services, chat_id: int, counter_id: int) -> tuple[CounterView, bool]:
    """Subscribe the chat to a counter linked to it; False when it already was."""
    async with services.sessions.begin() as session:
        counters = CounterRepository(session)
        stored = await counters.get(counter_id)
        link = await counters.link_of(chat_id, counter_id)
        if stored is None or link is None:
            raise NotLinked(counter_id)
        if link.suspended_at is not None or link.credential_id is None:
            raise LinkSuspended(counter_id)
        subscriptions = SubscriptionRepository(session)
        listening = await subscriptions.active_chats(counter_id)
        created = await subscriptions.subscribe(chat_id, counter_id)
        if created and all(chat.id == chat_id for chat in listening):
            # Nobody heard about this counter: its snapshot may be stale, so never flood.
            await counters.rebaseline(counter_id)
        return CounterView(stored.id, stored.name, stored.site, subscribed=True), created


async def unsubscribe(services: Services, chat_id: int, counter_id: int) -> CounterView:
    """Stop telling the chat about the counter."""
    async with services.sessions.begin() as session:
        stored = await CounterRepository(session).get(counter_id)
        removed = await SubscriptionRepository(session).unsubscribe(chat_id, counter_id)
        if stored is None or not removed:
            raise NotSubscribed(counter_id)
        return CounterView(stored.id, stored.name, stored.site, subscribed=False)


async def subscriptions(services: Services, chat_id: int) -> list[CounterView]:
    """The counters the chat is subscribed to."""
    return [counter for counter in await linked_counters(services, chat_id) if counter.subscribed]
