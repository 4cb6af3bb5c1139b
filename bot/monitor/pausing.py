"""Pausing counters and telling their chats, once, inside the caller's transaction.

Each notice is tied to the state change made in the same transaction (a counter paused, a
token's counters paused): only the transaction that changed the state queues the notice, so
concurrent processes and repeated errors never repeat it. Notices reach every subscription
whatever it hears, in its forum topic and with its silence. Why a counter is paused is a
`PauseReason`; the schedule itself is written by PollingRepository.reschedule.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import PauseReason
from bot.monitor.notify import chat_language, send_to
from bot.storage.chats import ChatRepository
from bot.storage.outbox import OutboxRepository
from bot.storage.polling import PollingRepository
from bot.storage.subscriptions import SubscriptionRepository
from bot.texts.notifications import (
    render_counter_paused,
    render_quota,
    render_token_chat,
    render_token_owner,
    render_token_unreadable,
)

_CounterNotice = Callable[[str, Sequence[tuple[int, str]]], Sequence[str]]
"""Renders a notice about some counters in a language, as messages that each fit."""


async def pause_counter(
    session: AsyncSession,
    counter_id: int,
    name: str,
    reason: PauseReason,
    *,
    owner: str,
    now: datetime,
) -> int:
    """The counter vanished (GONE) or is out of reach (ACCESS): stop polling it, tell its chats."""
    if not await PollingRepository(session).pause(counter_id, owner, reason):
        return 0
    subscribers = await SubscriptionRepository(session).subscribers(counter_id)
    for subscriber in subscribers:
        text = render_counter_paused(chat_language(subscriber.language), counter_id, name, reason)
        await send_to(session, subscriber.destination, text, now=now)
    return len(subscribers)


async def pause_for_quota(
    session: AsyncSession,
    credential_id: int,
    *,
    until: datetime,
    resets_at: datetime,
    now: datetime,
) -> int:
    """Pause the token's counters until `until`; the chats of newly paused ones are told."""
    paused = await PollingRepository(session).pause_credential(
        credential_id, PauseReason.QUOTA, until=until
    )
    return await _tell_chats(
        session, paused, now, lambda lang, counters: render_quota(lang, counters, resets_at)
    )


async def pause_for_revoked_token(
    session: AsyncSession, credential_id: int, owner_user_id: int, login: str | None, now: datetime
) -> int:
    """Stop polling with a refused token; its owner and the chats are told, once."""
    return await _pause_token(
        session,
        credential_id,
        owner_user_id,
        PauseReason.REVOKED,
        lambda lang: render_token_owner(lang, login),
        now=now,
    )


async def pause_for_unreadable_token(
    session: AsyncSession, credential_id: int, owner_user_id: int, now: datetime
) -> int:
    """Stop polling with a token no key decrypts; its owner and the chats are told, once."""
    return await _pause_token(
        session,
        credential_id,
        owner_user_id,
        PauseReason.UNREADABLE,
        render_token_unreadable,
        now=now,
    )


async def _pause_token(
    session: AsyncSession,
    credential_id: int,
    owner_user_id: int,
    reason: PauseReason,
    owner_notice: Callable[[str], str],
    *,
    now: datetime,
) -> int:
    """Pause the token's counters; if this call paused any, tell its owner and their chats."""
    paused = await PollingRepository(session).pause_credential(credential_id, reason)
    if not paused:
        return 0
    owner_chat = await ChatRepository(session).get(owner_user_id)
    told = await _tell_chats(session, paused, now, render_token_chat, skip=owner_user_id)
    if owner_chat is not None and owner_chat.is_active:
        text = owner_notice(chat_language(owner_chat.language))
        await OutboxRepository(session).enqueue(owner_user_id, text, now=now)
        told += 1
    return told


async def _tell_chats(
    session: AsyncSession,
    paused: Sequence[tuple[int, str]],
    now: datetime,
    render: _CounterNotice,
    *,
    skip: int | None = None,
) -> int:
    """One message per chat and topic listing which of its counters the notice is about."""
    if not paused:
        return 0
    names = dict(paused)
    places = await SubscriptionRepository(session).subscribers_of(names)
    told: set[int] = set()
    for destination, counter_ids in places.items():
        if destination.chat_id == skip:
            continue
        counters = [(counter_id, names[counter_id]) for counter_id in counter_ids]
        for text in render(chat_language(destination.language), counters):
            await send_to(session, destination, text, now=now)
        told.add(destination.chat_id)
    return len(told)
