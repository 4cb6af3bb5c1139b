"""Pure parts of delivery: what to send to a chat next, pacing, and how to read a refusal."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import timedelta

from bot.texts.markup import MESSAGE_LIMIT, fits

# Telegram's documented limits: about one message a second to a private chat, 20 a minute to
# a group or channel. Pacing between two messages to one chat keeps under both.
PRIVATE_PACE = timedelta(seconds=1)
GROUP_PACE = timedelta(seconds=3)
_SEPARATOR = "\n\n"


@dataclass(frozen=True, slots=True)
class Queued:
    """One pending outbox row."""

    id: int
    text: str
    parse_mode: str | None
    attempts: int


@dataclass(frozen=True, slots=True)
class Delivery:
    """One Telegram message made of one or more outbox rows of one chat."""

    chat_id: int
    chat_type: str
    ids: tuple[int, ...]
    text: str
    parse_mode: str | None
    attempts: int


def pack(
    chat_id: int, chat_type: str, queued: Sequence[Queued], limit: int = MESSAGE_LIMIT
) -> Delivery:
    """The oldest rows that fit one message together (same parse mode, under the limit)."""
    first = queued[0]
    ids, texts = [first.id], [first.text]
    for row in queued[1:]:
        joined = _SEPARATOR.join([*texts, row.text])
        if row.parse_mode != first.parse_mode or not fits(joined, limit):
            break
        ids.append(row.id)
        texts.append(row.text)
    attempts = max(row.attempts for row in queued[: len(ids)])
    return Delivery(
        chat_id, chat_type, tuple(ids), _SEPARATOR.join(texts), first.parse_mode, attempts
    )


def is_entity_error(message: str) -> bool:
    """Telegram refused the HTML markup of the message."""
    return "can't parse entities" in message.lower() or "unsupported start tag" in message.lower()


def is_too_long(message: str) -> bool:
    """Telegram counted the message as longer than it allows."""
    return "message is too long" in message.lower()


def pace(chat_type: str) -> timedelta:
    """The least time between two messages to a chat of this type."""
    return PRIVATE_PACE if chat_type == "private" else GROUP_PACE


def is_chat_gone(message: str) -> bool:
    """A 400 that means the chat no longer exists for the bot."""
    lowered = message.lower()
    return "chat not found" in lowered or "group chat was deactivated" in lowered


def send_backoff(attempts: int, rand: float) -> float:
    """Seconds before resending after a network error or a 5xx: doubling from 2 s, at most 5 min."""
    ceiling = min(300.0, 2.0 * 2.0 ** max(0, attempts - 1))
    return ceiling / 2 + ceiling / 2 * rand
