"""Delivers the outbox to Telegram: paced per chat and overall, every refusal handled per chat.

A message is marked sent right after Telegram confirms it; one too long for a message goes out
in parts, in order, each paced like a message of its own. 429 holds only that chat until
retry_after; a chat that blocked or removed the bot becomes inactive and its pending messages
are dropped; a migrated group gets its messages at the new id; HTML Telegram refuses goes out
again as plain text; network errors and 5xx are retried with backoff.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta

from telegram import Bot, LinkPreviewOptions
from telegram.error import BadRequest, ChatMigrated, Forbidden, RetryAfter, TelegramError

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
    pace,
    pack,
    send_backoff,
)
from bot.ratewindow import RateWindow
from bot.storage.chats import ChatRepository
from bot.storage.db import SessionFactory
from bot.storage.outbox import OutboxRepository
from bot.texts.markup import MESSAGE_LIMIT, fits, plain_text, split_message, telegram_length

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
        rate: RateWindow,
        now: Callable[[], datetime] = utc_now,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self._sessions = sessions
        self._bot = bot
        self._owner = owner
        self._lease = lease
        self._rate = rate
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
                queued = [Queued(r.id, r.text, r.parse_mode, r.attempts) for r in rows]
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
            await self._rate.acquire()
            await self._bot.send_message(
                delivery.chat_id,
                parts[0],
                parse_mode=delivery.parse_mode,
                link_preview_options=_NO_PREVIEW,
            )
        except ChatMigrated as exc:
            await self._migrated(delivery, exc.new_chat_id)
        except RetryAfter as exc:
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
        log.info("sent %d notification(s) to chat %s", len(delivery.ids), delivery.chat_id)

    async def _sent_part(self, delivery: Delivery, rest: list[str]) -> None:
        """A long message's first part is out; the rest waits its turn (paced, in order)."""
        now = self._now()
        async with self._sessions.begin() as session:
            await OutboxRepository(session).keep_rest(
                delivery.ids,
                "\n".join(rest),
                delivery.parse_mode,
                next_attempt_at=now + pace(delivery.chat_type),
                now=now,
            )
        log.info("sent part of a long message to chat %s; %d more", delivery.chat_id, len(rest))

    async def _postpone(
        self, delivery: Delivery, seconds: float, error: str, *, failed: bool
    ) -> None:
        until = self._now() + timedelta(seconds=seconds)
        async with self._sessions.begin() as session:
            await OutboxRepository(session).postpone(
                delivery.chat_id, delivery.ids, until=until, error=error, failed=failed
            )
        log.warning("chat %s: %s; next try in %.1f s", delivery.chat_id, error, seconds)

    async def _chat_gone(self, delivery: Delivery, error: str) -> None:
        async with self._sessions.begin() as session:
            await ChatRepository(session).set_active(delivery.chat_id, active=False)
            dropped = await OutboxRepository(session).drop_chat(delivery.chat_id, error)
        log.info("chat %s is gone (%s): inactive, %d dropped", delivery.chat_id, error, dropped)

    async def _migrated(self, delivery: Delivery, new_id: int) -> None:
        async with self._sessions.begin() as session:
            await ChatRepository(session).migrate(delivery.chat_id, new_id)
            await OutboxRepository(session).move_chat(delivery.chat_id, new_id)
        log.info("chat %s became supergroup %s: resending there", delivery.chat_id, new_id)

    async def _refused(self, delivery: Delivery, error: str, limit: int) -> None:
        if delivery.parse_mode is not None and is_entity_error(error):
            log.warning("chat %s: HTML refused (%s); sending plain text", delivery.chat_id, error)
            plain = replace(delivery, text=plain_text(delivery.text), parse_mode=None)
            await self.deliver(plain, limit)
        elif is_too_long(error) and limit > _SHORTEST_SPLIT:
            # Telegram counted more than we did: send it in halves instead of dropping it.
            log.warning("chat %s: %s; sending it in shorter parts", delivery.chat_id, error)
            await self.deliver(delivery, min(limit, telegram_length(delivery.text)) // 2)
        elif is_chat_gone(error):
            await self._chat_gone(delivery, error)
        else:
            async with self._sessions.begin() as session:
                await OutboxRepository(session).drop(delivery.ids, error)
            log.error("chat %s refused a message for good: %s", delivery.chat_id, error)
