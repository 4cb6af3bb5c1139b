"""A poll's changes as outbox messages to the subscribed chats, inside the caller's transaction.

Each subscription hears what its filter lets through (bot.domain.is_heard), in its forum topic,
with or without sound; every message carries a Details button per uploading it tells about.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import Change, Hears, is_heard
from bot.payloads import details_payload
from bot.storage.outbox import ButtonSpec, OutboxRepository
from bot.storage.subscriptions import Destination, SubscriptionRepository
from bot.texts import Language, language_for, parse_language, t
from bot.texts.notifications import Notice, render_notices

MAX_DETAIL_BUTTONS = 6  # a notice about more uploadings offers the first ones; /uploadings has all


def chat_language(stored: str | None) -> Language:
    """The language a chat reads notifications in."""
    return parse_language(stored) or language_for(None)


def details_buttons(lang: str, counter_id: int, ids: Sequence[int]) -> list[ButtonSpec]:
    """'Details #id' for one uploading; '#id' for each of several (up to MAX_DETAIL_BUTTONS).

    Every label names its uploading, so buttons of notices packed into one message stay clear.
    """
    shown = list(ids[:MAX_DETAIL_BUTTONS])
    if len(shown) == 1:
        label = t(lang, "button_details", id=shown[0])
        return [(str(label), details_payload(counter_id, shown[0]))]
    return [
        (
            str(t(lang, "button_details_of", id=uploading_id)),
            details_payload(counter_id, uploading_id),
        )
        for uploading_id in shown
    ]


async def send_to(
    session: AsyncSession,
    destination: Destination,
    text: str,
    *,
    now: datetime,
    buttons: Sequence[ButtonSpec] = (),
) -> None:
    """Queue a message to where a subscription listens: its chat, its topic, its silence."""
    await OutboxRepository(session).enqueue(
        destination.chat_id,
        text,
        now=now,
        thread_id=destination.thread_id,
        silent=destination.silent,
        buttons=buttons,
    )


async def queue_changes(
    session: AsyncSession, counter_id: int, name: str, changes: Sequence[Change], now: datetime
) -> int:
    """One message per subscription (split if long) about the changes it hears of this poll."""
    if not changes:
        return 0
    rendered: dict[tuple[Language, Hears], list[Notice]] = {}
    queued = 0
    for subscriber in await SubscriptionRepository(session).subscribers(counter_id):
        lang = chat_language(subscriber.language)
        key = (lang, subscriber.hears)
        if key not in rendered:
            wanted = [change for change in changes if is_heard(subscriber.hears, change)]
            rendered[key] = render_notices(lang, counter_id, name, wanted) if wanted else []
        for notice in rendered[key]:
            buttons = details_buttons(lang, counter_id, notice.uploading_ids)
            await send_to(session, subscriber.destination, notice.text, now=now, buttons=buttons)
            queued += 1
    return queued
