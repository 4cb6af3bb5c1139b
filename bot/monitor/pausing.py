"""Pausing counters and telling their chats, once, inside the caller's transaction.

Each notice is tied to the state change made in the same transaction (a counter paused, the
counters no login can afford paused): only the transaction that changed the state queues the
notice, so concurrent processes and repeated errors never repeat it. Notices reach every
subscription whatever it hears, in its forum topic and with its silence. Why a counter is
paused is a `PauseReason`; the schedule itself is written by PollingRepository.reschedule. A
token refused, unreadable or out of reach suspends links instead (bot/access.py).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import date, datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import next_utc_midnight
from bot.domain import PauseReason
from bot.monitor.notify import chat_language, send_to
from bot.storage.polling import PollingRepository
from bot.storage.pool import PoolRepository
from bot.storage.subscriptions import SubscriptionRepository
from bot.texts.notifications import render_counter_paused, render_quota

_CounterNotice = Callable[[str, Sequence[tuple[int, str]]], Sequence[str]]
"""Renders a notice about some counters in a language, as messages that each fit."""


async def pause_counter(
    session: AsyncSession,
    counter_id: int,
    name: str,
    reason: PauseReason,
    *,
    owner: str,
    generation: int,
    now: datetime,
) -> int:
    """The counter vanished (GONE): stop polling it, tell its chats."""
    if not await PollingRepository(session).pause(counter_id, owner, generation, reason):
        return 0
    subscribers = await SubscriptionRepository(session).subscribers(counter_id)
    for subscriber in subscribers:
        text = render_counter_paused(chat_language(subscriber.language), counter_id, name, reason)
        await send_to(session, subscriber.destination, text, now=now)
    return len(subscribers)


async def pause_for_quota(
    session: AsyncSession,
    owner: str,
    *,
    day: date,
    allowance: int,
    until: datetime,
    now: datetime,
) -> tuple[list[int], int]:
    """Pause until `until` the counters no login with budget left can poll; tell their chats.

    One message per chat and topic lists its counters paused by this call. (Counters paused,
    chats told.)
    """
    paused = await PoolRepository(session).pause_exhausted(
        owner, day=day, allowance=allowance, until=until
    )
    resets_at = next_utc_midnight(now)
    told = await _tell_chats(
        session, paused, now, lambda lang, counters: render_quota(lang, counters, resets_at)
    )
    return [counter_id for counter_id, _ in paused], told


async def _tell_chats(
    session: AsyncSession,
    paused: Sequence[tuple[int, str]],
    now: datetime,
    render: _CounterNotice,
) -> int:
    """One message per chat and topic listing which of its counters the notice is about."""
    if not paused:
        return 0
    names = dict(paused)
    places = await SubscriptionRepository(session).subscribers_of(names)
    for destination, counter_ids in places.items():
        counters = [(counter_id, names[counter_id]) for counter_id in counter_ids]
        for text in render(chat_language(destination.language), counters):
            await send_to(session, destination, text, now=now)
    return len({destination.chat_id for destination in places})
