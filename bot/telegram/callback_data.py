"""Inline-button payloads: short (under 64 bytes), typed, and validated when they come back."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.telegram.parsing import CALLBACK_LIMIT, MAX_ID

MAX_PAGE = 100_000


@dataclass(frozen=True, slots=True)
class UploadingsPage:
    """Show page `page` (0-based) of a counter's uploadings, editing the message."""

    counter_id: int
    page: int


@dataclass(frozen=True, slots=True)
class UploadingsRefresh:
    """↻: fetch a counter's uploadings anew and show page `page`, editing the message."""

    counter_id: int
    page: int


@dataclass(frozen=True, slots=True)
class UploadingDetail:
    """Show one uploading of a counter."""

    counter_id: int
    uploading_id: int


@dataclass(frozen=True, slots=True)
class UploadingRefresh:
    """↻: fetch one uploading of a counter anew."""

    counter_id: int
    uploading_id: int


@dataclass(frozen=True, slots=True)
class LinkCounter:
    """Link a counter to the chat of the button, with the presser's token."""

    counter_id: int


@dataclass(frozen=True, slots=True)
class Subscribe:
    """Subscribe the chat of the button (or `chat_id`, managed from here) to a counter."""

    counter_id: int
    chat_id: int | None = None


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    """Unsubscribe the chat of the button (or `chat_id`) from a counter."""

    counter_id: int
    chat_id: int | None = None


@dataclass(frozen=True, slots=True)
class TokenCountersPage:
    """Show page `page` of the counters the presser's token can see."""

    page: int


@dataclass(frozen=True, slots=True)
class Noop:
    """A label button (such as the page number) that does nothing."""


Button = (
    UploadingsPage
    | UploadingsRefresh
    | UploadingDetail
    | UploadingRefresh
    | LinkCounter
    | Subscribe
    | Unsubscribe
    | TokenCountersPage
    | Noop
)
CHANGING: tuple[type, ...] = (LinkCounter, Subscribe, Unsubscribe)

_SHAPE = re.compile(r"([a-z]{2,3})((?::\d{1,19}){0,2})")


def encode(button: Button) -> str:
    """The callback_data string for a button."""
    match button:
        case UploadingsPage(counter_id, page):
            data = f"pg:{counter_id}:{page}"
        case UploadingsRefresh(counter_id, page):
            data = f"rf:{counter_id}:{page}"
        case UploadingDetail(counter_id, uploading_id):
            data = f"ud:{counter_id}:{uploading_id}"
        case UploadingRefresh(counter_id, uploading_id):
            data = f"ur:{counter_id}:{uploading_id}"
        case LinkCounter(counter_id):
            data = f"ln:{counter_id}"
        case Subscribe(counter_id, chat_id) | Unsubscribe(counter_id, chat_id):
            kind = "sb" if isinstance(button, Subscribe) else "us"
            data = f"{kind}:{counter_id}" + ("" if chat_id is None else f":{-chat_id}")
        case TokenCountersPage(page):
            data = f"tp:{page}"
        case Noop():
            data = "nop"
    if len(data.encode()) > CALLBACK_LIMIT:
        raise ValueError("callback data too long")
    return data


def decode(data: str | None) -> Button | None:
    """The button a callback_data string stands for; None if it is not one of ours."""
    match = _SHAPE.fullmatch(data or "")
    if match is None:
        return None
    spec = _KINDS.get(match.group(1))
    numbers = [int(part) for part in match.group(2).split(":")[1:]]
    if spec is None or len(numbers) not in spec[0]:
        return None
    button = spec[1](*numbers)
    return button if _in_range(button) else None


def _in_range(button: Button) -> bool:
    """Ids are positive 64-bit numbers, chats negative ones, pages within reason."""
    ids = [getattr(button, name, 1) for name in ("counter_id", "uploading_id")]
    chat_id = getattr(button, "chat_id", None)
    page = getattr(button, "page", 0)
    chat_ok = chat_id is None or -MAX_ID <= chat_id < 0
    return chat_ok and all(0 < value <= MAX_ID for value in ids) and 0 <= page <= MAX_PAGE


def _managed(kind: type[Subscribe | Unsubscribe]) -> Callable[..., Button]:
    """A factory taking the counter and, optionally, the chat id without its minus sign."""
    return lambda counter_id, chat=None: kind(counter_id, None if chat is None else -chat)


_KINDS: dict[str, tuple[tuple[int, ...], Callable[..., Button]]] = {
    "pg": ((2,), UploadingsPage),
    "rf": ((2,), UploadingsRefresh),
    "ud": ((2,), UploadingDetail),
    "ur": ((2,), UploadingRefresh),
    "ln": ((1,), LinkCounter),
    "sb": ((1, 2), _managed(Subscribe)),
    "us": ((1, 2), _managed(Unsubscribe)),
    "tp": ((1,), TokenCountersPage),
    "nop": ((0,), Noop),
}
