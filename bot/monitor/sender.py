"""Delivers the outbox to Telegram: paced per chat, every refusal handled per chat.

A message is marked sent right after Telegram confirms it; one too long for a message goes out
in parts, in order, each paced like a message of its own. 429 holds only that chat until
retry_after; a chat that blocked or removed the bot becomes inactive and its pending messages
are dropped; a migrated group gets its messages at the new id; HTML Telegram refuses goes out
again as plain text; network errors and 5xx are retried with backoff. A message for a forum
topic that was deleted or closed goes to General with a line saying so, and the topic's
subscriptions move to General. The pace overall (Telegram's ~30 a second, shared with command
replies) is the Bot's own: bot.telegram.pace.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from telegram import Bot, InlineKeyboardButton, InlineKeyboardMarkup, LinkPreviewOptions
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

from bot import metrics
from bot.clock import utc_now
from bot.flood import flood_wait_seconds
from bot.monitor.delivery import (
    GROUP_PACE,
    PRIVATE_PACE,
    Delivery,
    Queued,
    is_chat_gone,
    is_entity_error,
    is_too_long,
    is_topic_gone,
    pace,
    pack,
    send_backoff,
)
from bot.monitor.notify import chat_language
from bot.storage.chats import ChatRepository
from bot.storage.db import SessionFactory
from bot.storage.outbox import OutboxRepository, decode_buttons
from bot.storage.subscriptions import SubscriptionRepository
from bot.texts.markup import MESSAGE_LIMIT, fits, plain_text, split_message, telegram_length
from bot.texts.notifications import render_topic_gone

log = logging.getLogger(__name__)

ROWS_PER_CLAIM = 20
_SHORTEST_SPLIT = 256  # below this a "too long" answer is not about length: give up
_NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


class Sender:
    """Claims chats with due messages and sends each chat its next message."""

    def __init__(
        self,
        sessions: SessionFactory,
        bot: Bot,
        *,
        owner: str,
        lease: timedelta,
        now: Callable[[], datetime] = utc_now,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self._sessions = sessions
        self._bot = bot
        self._owner = owner
        self._lease = lease
        self._now = now
        self._rand = rand

    async def claim(self, limit: int) -> list[Delivery]:
        """Lease the next message of up to `limit` chats that may be written to now."""
        now = self._now()
        deliveries: list[Delivery] = []
        async with self._sessions.begin() as session:
            outbox = OutboxRepository(session)
            chats = await outbox.claim_chats(
                now=now,
                private_since=now - PRIVATE_PACE,
                group_since=now - GROUP_PACE,
                limit=limit,
            )
            for chat_id, chat_type in chats:
                rows = await outbox.due_messages(chat_id, now=now, limit=ROWS_PER_CLAIM)
                if not rows:
                    continue
                queued = [
                    Queued(
                        r.id,
                        r.text,
                        r.parse_mode,
                        r.attempts,
                        r.thread_id,
                        r.silent,
                        decode_buttons(r.buttons),
                    )
                    for r in rows
                ]
                delivery = pack(chat_id, chat_type, queued)
                won = await outbox.lease(delivery.ids, self._owner, now + self._lease, now=now)
                if len(won) < len(delivery.ids):  # another process took some: send only ours
                    kept = [queued_row for queued_row in queued if queued_row.id in won]
                    if not kept:
                        continue
                    delivery = pack(chat_id, chat_type, kept)
                deliveries.append(delivery)
        return deliveries

    async def deliver(self, delivery: Delivery, limit: int = MESSAGE_LIMIT) -> None:
        """Send one message (the first part of one too long) and record what Telegram said."""
        parts = (
            [delivery.text] if fits(delivery.text, limit) else split_message(delivery.text, limit)
        )
        try:
            await self._bot.send_message(
                delivery.chat_id,
                parts[0],
                parse_mode=delivery.parse_mode,
                link_preview_options=_NO_PREVIEW,
                message_thread_id=delivery.thread_id,
                disable_notification=delivery.silent,
                reply_markup=None if parts[1:] else _markup(delivery),  # buttons on the last
            )
        except ChatMigrated as exc:
            await self._migrated(delivery, exc.new_chat_id)
        except RetryAfter as exc:
            metrics.flood_wait("notification")
            await self._postpone(delivery, flood_wait_seconds(exc), str(exc), failed=False)
        except Forbidden as exc:
            await self._chat_gone(delivery, exc.message)
        except BadRequest as exc:
            await self._refused(delivery, exc.message, limit)
        except TelegramError as exc:  # network errors, timeouts, 5xx, garbage answers
            delay = send_backoff(delivery.attempts + 1, self._rand())
            await self._postpone(delivery, delay, str(exc), failed=True)
        else:
            await (self._sent_part(delivery, parts[1:]) if parts[1:] else self._sent(delivery))

    async def _sent(self, delivery: Delivery) -> None:
        async with self._sessions.begin() as session:
            await OutboxRepository(session).mark_sent(delivery.ids, self._now())
        metrics.notifications_sent(len(delivery.ids))
        log.info(
            "sent %d notification(s) to chat %s",
            len(delivery.ids),
            delivery.chat_id,
            extra={"chat_id": delivery.chat_id},
        )

    async def _sent_part(self, delivery: Delivery, rest: list[str]) -> None:
        """A long message's first part is out; the rest waits its turn (paced, in order)."""
        now = self._now()
        async with self._sessions.begin() as session:
            await OutboxRepository(session).keep_rest(
                delivery.ids,
                "\n".join(rest),
                delivery.parse_mode,
                delivery.buttons,
                next_attempt_at=now + pace(delivery.chat_type),
                now=now,
            )
        log.info(
            "sent part of a long message to chat %s; %d more",
            delivery.chat_id,
            len(rest),
            extra={"chat_id": delivery.chat_id},
        )

    async def _postpone(
        self, delivery: Delivery, seconds: float, error: str, *, failed: bool
    ) -> None:
        until = self._now() + timedelta(seconds=seconds)
        async with self._sessions.begin() as session:
            await OutboxRepository(session).postpone(
                delivery.chat_id, delivery.ids, until=until, error=error, failed=failed
            )
        log.warning(
            "chat %s: %s; next try in %.1f s",
            delivery.chat_id,
            error,
            seconds,
            extra={"chat_id": delivery.chat_id},
        )

    async def _chat_gone(self, delivery: Delivery, error: str) -> None:
        async with self._sessions.begin() as session:
            await ChatRepository(session).set_active(delivery.chat_id, active=False)
            dropped = await OutboxRepository(session).drop_chat(delivery.chat_id, error)
        log.info(
            "chat %s is gone (%s): inactive, %d dropped",
            delivery.chat_id,
            error,
            dropped,
            extra={"chat_id": delivery.chat_id},
        )

    async def _migrated(self, delivery: Delivery, new_id: int) -> None:
        async with self._sessions.begin() as session:
            await ChatRepository(session).migrate(delivery.chat_id, new_id)
            await OutboxRepository(session).move_chat(delivery.chat_id, new_id)
        log.info(
            "chat %s became supergroup %s: resending there",
            delivery.chat_id,
            new_id,
            extra={"chat_id": delivery.chat_id},
        )

    async def _refused(self, delivery: Delivery, error: str, limit: int) -> None:
        if delivery.parse_mode is not None and is_entity_error(error):
            log.warning(
                "chat %s: HTML refused (%s); sending plain text",
                delivery.chat_id,
                error,
                extra={"chat_id": delivery.chat_id},
            )
            plain = replace(delivery, text=plain_text(delivery.text), parse_mode=None)
            await self.deliver(plain, limit)
        elif delivery.thread_id is not None and is_topic_gone(error):
            await self._topic_gone(delivery, delivery.thread_id, error)
        elif is_too_long(error) and limit > _SHORTEST_SPLIT:
            # Telegram counted more than we did: send it in halves instead of dropping it.
            log.warning(
                "chat %s: %s; sending it in shorter parts",
                delivery.chat_id,
                error,
                extra={"chat_id": delivery.chat_id},
            )
            await self.deliver(delivery, min(limit, telegram_length(delivery.text)) // 2)
        elif is_chat_gone(error):
            await self._chat_gone(delivery, error)
        else:
            async with self._sessions.begin() as session:
                await OutboxRepository(session).drop(delivery.ids, error)
            log.error(
                "chat %s refused a message for good: %s",
                delivery.chat_id,
                error,
                extra={"chat_id": delivery.chat_id},
            )

    async def _topic_gone(self, delivery: Delivery, thread_id: int, error: str) -> None:
        """Move the topic's subscriptions and pending messages to General; say so there."""
        async with self._sessions.begin() as session:
            names = await SubscriptionRepository(session).move_to_general(
                delivery.chat_id, thread_id
            )
            await OutboxRepository(session).move_thread_to_general(delivery.chat_id, thread_id)
            chat = await ChatRepository(session).get(delivery.chat_id)
        name = next((found for found in names if found), None)
        notice: str = render_topic_gone(
            chat_language(chat.language if chat else None), thread_id, name
        )
        if delivery.parse_mode is None:
            notice = plain_text(notice)
        log.warning(
            "chat %s: topic %s is gone (%s); to General",
            delivery.chat_id,
            thread_id,
            error,
            extra={"chat_id": delivery.chat_id},
        )
        text = f"{notice}\n\n{delivery.text}"
        if not fits(text):  # the notice goes alone first, the message as it was after it
            await self.deliver(replace(delivery, ids=(), text=notice, thread_id=None, buttons=()))
            text = delivery.text
        await self.deliver(replace(delivery, text=text, thread_id=None))


def _markup(delivery: Delivery) -> InlineKeyboardMarkup | None:
    """The message's buttons, if it has any."""
    if not delivery.buttons:
        return None
    rows = [
        [InlineKeyboardButton(label, callback_data=data) for label, data in row]
        for row in delivery.keyboard
    ]
    return InlineKeyboardMarkup(rows)
