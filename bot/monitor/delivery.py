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
BUTTONS_PER_ROW = 3
MAX_PACKED_BUTTONS = 12  # rows packed into one message bring at most this many buttons
_SEPARATOR = "\n\n"

Button = tuple[str, str]  # label, callback data


@dataclass(frozen=True, slots=True)
class Queued:
    """One pending outbox row."""

    id: int
    text: str
    parse_mode: str | None
    attempts: int
    thread_id: int | None = None
    silent: bool = False
    buttons: tuple[Button, ...] = ()


@dataclass(frozen=True, slots=True)
class Delivery:
    """One Telegram message made of one or more outbox rows of one chat (and forum topic)."""

    chat_id: int
    chat_type: str
    ids: tuple[int, ...]
    text: str
    parse_mode: str | None
    attempts: int
    thread_id: int | None = None
    silent: bool = False
    buttons: tuple[Button, ...] = ()

    @property
    def keyboard(self) -> list[list[Button]]:
        """The buttons in rows: one alone, several BUTTONS_PER_ROW to a row."""
        step = BUTTONS_PER_ROW
        return [list(self.buttons[i : i + step]) for i in range(0, len(self.buttons), step)]


def pack(
    chat_id: int, chat_type: str, queued: Sequence[Queued], limit: int = MESSAGE_LIMIT
) -> Delivery:
    """The oldest rows that fit one message together, in order.

    Rows go together only with the same parse mode, topic and silence, while the text stays
    under the limit and their buttons (each names its uploading, so merged ones stay clear;
    the same button twice counts once) number at most MAX_PACKED_BUTTONS.
    """
    first = queued[0]
    ids, texts, buttons = [first.id], [first.text], _merged((), first.buttons)
    for row in queued[1:]:
        joined = _SEPARATOR.join([*texts, row.text])
        same = (row.parse_mode, row.thread_id, row.silent) == (
            first.parse_mode,
            first.thread_id,
            first.silent,
        )
        merged = _merged(buttons, row.buttons)
        if not same or not fits(joined, limit) or len(merged) > MAX_PACKED_BUTTONS:
            break
        ids.append(row.id)
        texts.append(row.text)
        buttons = merged
    attempts = max(row.attempts for row in queued[: len(ids)])
    return Delivery(
        chat_id,
        chat_type,
        tuple(ids),
        _SEPARATOR.join(texts),
        first.parse_mode,
        attempts,
        first.thread_id,
        first.silent,
        buttons,
    )


def _merged(buttons: tuple[Button, ...], more: tuple[Button, ...]) -> tuple[Button, ...]:
    """Both rows' buttons in order; a button for the same action is kept once."""
    seen = {data for _, data in buttons}
    return buttons + tuple(button for button in more if button[1] not in seen)


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


def is_topic_gone(message: str) -> bool:
    """A 400 that means the forum topic was deleted or closed to the bot."""
    lowered = message.lower()
    return any(
        sign in lowered for sign in ("message thread not found", "topic_closed", "topic_deleted")
    )


def send_backoff(attempts: int, rand: float) -> float:
    """Seconds before resending after a network error or a 5xx: doubling from 2 s, at most 5 min."""
    ceiling = min(300.0, 2.0 * 2.0 ** max(0, attempts - 1))
    return ceiling / 2 + ceiling / 2 * rand
