"""/subscribe, /unsubscribe, /subscriptions: which chat hears about which linked counter.

One subscription per chat and counter; subscribing again changes it (what it hears, its
silence, its forum topic) instead of adding a second one.
"""

from __future__ import annotations

from dataclasses import dataclass

from bot.container import Services
from bot.domain import Hears
from bot.errors import LinkSuspended, NotLinked, NotSubscribed
from bot.storage.counters import CounterRepository
from bot.storage.models import Counter, Subscription
from bot.storage.subscriptions import SubscriptionRepository
from bot.views import CounterView, Subscribed, SubscriptionView


@dataclass(frozen=True, slots=True)
class Topic:
    """A place in a forum: a topic (with its name when Telegram said it), or General (None)."""

    thread_id: int | None
    name: str | None = None


@dataclass(frozen=True, slots=True)
class SubscriptionChange:
    """What /subscribe asks for; None keeps what the subscription has (new ones: defaults)."""

    hears: Hears | None = None
    silent: bool | None = None
    topic: Topic | None = None  # None: where it is (a new one: General)


async def subscribe(
    services: Services,
    chat_id: int,
    counter_id: int,
    change: SubscriptionChange | None = None,
    *,
    create: bool = True,  # False: only change a subscription that exists
) -> Subscribed:
    """Subscribe the chat to a linked counter, or change the subscription it has already."""
    change = change or SubscriptionChange()
    async with services.sessions.begin() as session:
        counters = CounterRepository(session)
        stored = await counters.get(counter_id)
        link = await counters.link_of(chat_id, counter_id)
        if stored is None or link is None:
            raise NotLinked(counter_id)
        if link.suspended_at is not None or link.credential_id is None:
            raise LinkSuspended(counter_id)
        subscriptions = SubscriptionRepository(session)
        existing = await subscriptions.get(chat_id, counter_id)
        if existing is None and not create:
            raise NotSubscribed(counter_id)
        before = _Settings.of(existing) if existing is not None else None
        after = _changed(before or _NEW, change)
        listening = await subscriptions.active_chats(counter_id)
        columns = after.columns()
        created = before is None and await subscriptions.subscribe(chat_id, counter_id, **columns)
        if not created:  # it existed, or a concurrent /subscribe made it a moment ago
            await subscriptions.change(chat_id, counter_id, **columns)
        elif all(chat.id == chat_id for chat in listening):
            # Nobody heard about this counter: its snapshot may be stale, so never flood.
            await counters.rebaseline(counter_id)
        return Subscribed(after.view(stored), before.view(stored) if before else None)


async def unsubscribe(services: Services, chat_id: int, counter_id: int) -> CounterView:
    """Stop telling the chat about the counter."""
    async with services.sessions.begin() as session:
        stored = await CounterRepository(session).get(counter_id)
        removed = await SubscriptionRepository(session).unsubscribe(chat_id, counter_id)
        if stored is None or not removed:
            raise NotSubscribed(counter_id)
        return CounterView(stored.id, stored.name, stored.site, subscribed=False)


async def subscriptions(services: Services, chat_id: int) -> list[SubscriptionView]:
    """The chat's subscriptions, by counter id, with what each hears and where."""
    async with services.sessions.begin() as session:
        rows = await SubscriptionRepository(session).with_counters(chat_id)
    return [_Settings.of(subscription).view(counter) for subscription, counter in rows]


@dataclass(frozen=True, slots=True)
class _Settings:
    """A subscription's columns."""

    hears: Hears
    silent: bool
    thread_id: int | None
    topic_name: str | None

    @classmethod
    def of(cls, subscription: Subscription) -> _Settings:
        """As stored (an unknown filter, a newer version's, reads as all)."""
        stored = subscription.hears
        hears = Hears(stored) if stored in set(Hears) else Hears.ALL
        return cls(hears, subscription.silent, subscription.thread_id, subscription.topic_name)

    def columns(self) -> dict[str, object]:
        """For the repository."""
        return {
            "hears": str(self.hears),
            "silent": self.silent,
            "thread_id": self.thread_id,
            "topic_name": self.topic_name,
        }

    def view(self, counter: Counter) -> SubscriptionView:
        """As the chat sees it."""
        shown = CounterView(counter.id, counter.name, counter.site, subscribed=True)
        return SubscriptionView(shown, self.hears, self.silent, self.thread_id, self.topic_name)


_NEW = _Settings(Hears.ALL, silent=False, thread_id=None, topic_name=None)


def _changed(current: _Settings, change: SubscriptionChange) -> _Settings:
    """The settings after the change; a topic keeps its known name unless a new one is given."""
    thread_id, name = current.thread_id, current.topic_name
    if change.topic is not None:
        known = name if change.topic.thread_id == thread_id else None
        thread_id, name = change.topic.thread_id, change.topic.name or known
    return _Settings(
        change.hears or current.hears,
        current.silent if change.silent is None else change.silent,
        thread_id,
        name if thread_id is not None else None,
    )
