"""A poll's changes as outbox messages to the subscribed chats, inside the caller's transaction."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import Change, ChangeKind
from bot.storage.outbox import OutboxRepository
from bot.storage.subscriptions import Subscriber, SubscriptionRepository
from bot.texts import Language, language_for, parse_language
from bot.texts.notifications import render_changes


def chat_language(stored: str | None) -> Language:
    """The language a chat reads notifications in."""
    return parse_language(stored) or language_for(None)


def _wanted(subscriber: Subscriber, changes: Sequence[Change]) -> list[Change]:
    """All changes, or for a final-only subscription the arrivals at a final status."""
    if not subscriber.final_only:
        return list(changes)
    return [c for c in changes if c.kind is not ChangeKind.STUCK and c.uploading.is_final]


async def queue_changes(
    session: AsyncSession, counter_id: int, name: str, changes: Sequence[Change], now: datetime
) -> int:
    """One message per subscribed chat (split if long) about this poll's changes."""
    if not changes:
        return 0
    outbox = OutboxRepository(session)
    queued = 0
    for subscriber in await SubscriptionRepository(session).subscribers(counter_id):
        wanted = _wanted(subscriber, changes)
        if not wanted:
            continue
        lang = chat_language(subscriber.language)
        for text in render_changes(lang, counter_id, name, wanted):
            await outbox.enqueue(subscriber.chat_id, text, now=now)
            queued += 1
    return queued
