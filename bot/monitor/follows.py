"""A poll's news for chats following an uploading they made with /upload.

Each follow compares the uploading's status now with the last one its chat was told, so the
chat hears every change until a final status, subscribed or not, even on a baseline poll.
A chat whose subscription already told this change in this poll (its filter let it through)
is not told twice. Written in the poll's transaction, through the same outbox.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import Change, ChangeKind, Hears, Uploading, is_heard
from bot.monitor.notify import chat_language, details_buttons, send_to
from bot.storage.follows import Followed, FollowRepository
from bot.storage.subscriptions import Destination, SubscriptionRepository
from bot.texts.notifications import render_notices

FOLLOW_FOR = timedelta(days=3)  # Metrica finishes within a day; one it lost is let go


@dataclass(frozen=True, slots=True)
class FollowStep:
    """What a poll means for one follow: a change to tell (None: nothing, or told already),
    the status the chat now knows, and whether following is over."""

    tell: Change | None
    status: str
    done: bool


def follow_step(
    told: str, current: Uploading | None, hears: Hears | None, changes: Sequence[Change]
) -> FollowStep | None:
    """The step for a follow that told `told`; None when the uploading did not move (or is not
    listed). `hears`: the chat's subscription to the counter (None: not subscribed)."""
    if current is None or current.status == told:
        return None
    change = Change(ChangeKind.STATUS, current, old_status=told)
    told_by_subscription = hears is not None and any(
        seen.kind is not ChangeKind.STUCK
        and seen.uploading.id == current.id
        and seen.uploading.status == current.status
        and is_heard(hears, seen)
        for seen in changes
    )
    return FollowStep(None if told_by_subscription else change, current.status, current.is_final)


async def queue_follows(
    session: AsyncSession,
    counter_id: int,
    name: str,
    uploadings: Sequence[Uploading],
    changes: Sequence[Change],
    *,
    now: datetime,
) -> int:
    """Tell following chats what moved; stop following at a final status; the messages queued."""
    follows = FollowRepository(session)
    await follows.expire(counter_id, now - FOLLOW_FOR)
    followed = await follows.of_counter(counter_id)
    if not followed:
        return 0
    current = {uploading.id: uploading for uploading in uploadings}
    subscribers = await SubscriptionRepository(session).subscribers(counter_id)
    hears: Mapping[int, Hears] = {s.chat_id: s.hears for s in subscribers}
    queued = 0
    for follow in followed:
        uploading = current.get(follow.uploading_id)
        step = follow_step(follow.status, uploading, hears.get(follow.chat_id), changes)
        if step is None:
            continue
        if step.tell is not None:
            queued += await _tell(session, follow, (counter_id, name), step.tell, now=now)
        if step.done:
            await follows.stop(follow.chat_id, counter_id, follow.uploading_id)
        else:
            await follows.told(follow.chat_id, counter_id, follow.uploading_id, step.status)
    return queued


async def _tell(
    session: AsyncSession,
    follow: Followed,
    counter: tuple[int, str],
    change: Change,
    *,
    now: datetime,
) -> int:
    """Queue the change to where the upload was made, with its Details button."""
    counter_id, name = counter
    lang = chat_language(follow.language)
    destination = Destination(follow.chat_id, follow.language, follow.thread_id)
    notices = render_notices(lang, counter_id, name, [change])
    for notice in notices:
        buttons = details_buttons(lang, counter_id, notice.uploading_ids)
        await send_to(session, destination, notice.text, now=now, buttons=buttons)
    return len(notices)
