"""Inline-button payloads: short (under 64 bytes), typed, and validated when they come back."""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass

from bot.domain import Hears
from bot.payloads import DETAILS_KIND, details_payload
from bot.reports.daily import MAX_DAYS
from bot.telegram.parsing import CALLBACK_LIMIT, MAX_ID

MAX_PAGE = 100_000
HEARS_ORDER: tuple[Hears, ...] = (Hears.ALL, Hears.FINAL, Hears.FAILURES)  # indexes in payloads


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
class Details:
    """A notification's Details button: one uploading in full, as a new message."""

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
class SubscribeWith:
    """Subscribe as Subscribe does, keeping the words /subscribe was given (0: not given)."""

    counter_id: int
    hears: int  # 1..3: HEARS_ORDER[hears - 1]
    silent: int  # 1: silent, 2: with sound
    chat_id: int | None = None

    @classmethod
    def of(
        cls, counter_id: int, hears: Hears | None, silent: bool | None, chat_id: int | None
    ) -> SubscribeWith:
        """The button for /subscribe's words."""
        hears_code = 0 if hears is None else HEARS_ORDER.index(hears) + 1
        silent_code = 0 if silent is None else (1 if silent else 2)
        return cls(counter_id, hears_code, silent_code, chat_id)

    @property
    def filter(self) -> Hears | None:
        """The filter asked for, if any."""
        return HEARS_ORDER[self.hears - 1] if self.hears else None

    @property
    def silence(self) -> bool | None:
        """Silent (True), with sound (False), or as it is (None)."""
        return None if not self.silent else self.silent == 1


@dataclass(frozen=True, slots=True)
class Unsubscribe:
    """Unsubscribe the chat of the button (or `chat_id`) from a counter."""

    counter_id: int
    chat_id: int | None = None


@dataclass(frozen=True, slots=True)
class SubscriptionHears:
    """Make a subscription hear HEARS_ORDER[hears] (in the chat of the button, or `chat_id`)."""

    counter_id: int
    hears: int
    chat_id: int | None = None

    @property
    def filter(self) -> Hears:
        """The filter the button sets."""
        return HEARS_ORDER[self.hears]


@dataclass(frozen=True, slots=True)
class SubscriptionSilence:
    """Make a subscription silent (1) or not (0)."""

    counter_id: int
    silent: int
    chat_id: int | None = None


@dataclass(frozen=True, slots=True)
class TokenCountersPage:
    """Show page `page` of the counters the presser's token can see."""

    page: int


@dataclass(frozen=True, slots=True)
class ExportCounter:
    """/export of the counter picked."""

    counter_id: int


@dataclass(frozen=True, slots=True)
class ChartCounter:
    """/chart of the counter picked, over `days` days."""

    counter_id: int
    days: int


class LoginAgain:
    """Start /login anew (on the message of a login that ended without a token)."""


@dataclass(frozen=True, slots=True)
class Noop:
    """A label button (such as the page number) that does nothing."""


Button = (
    UploadingsPage
    | UploadingsRefresh
    | UploadingDetail
    | Details
    | UploadingRefresh
    | LinkCounter
    | Subscribe
    | SubscribeWith
    | Unsubscribe
    | SubscriptionHears
    | SubscriptionSilence
    | TokenCountersPage
    | ExportCounter
    | ChartCounter
    | LoginAgain
    | Noop
)
CHANGING: tuple[type, ...] = (
    LinkCounter,
    Subscribe,
    SubscribeWith,
    Unsubscribe,
    SubscriptionHears,
    SubscriptionSilence,
)
MANAGING: tuple[type, ...] = (
    Subscribe,
    SubscribeWith,
    Unsubscribe,
    SubscriptionHears,
    SubscriptionSilence,
)
"""Buttons that may name another chat (managed from a private chat), checked when used."""
ANSWERED_AFTER: tuple[type, ...] = (UploadingsRefresh, UploadingRefresh)
"""↻: the press is answered when the fetch is done, so a refusal is an alert on it."""
REPLYING_SLOWLY: tuple[type, ...] = (Details, LinkCounter)
"""Buttons answered with a new message that waits for Metrica: "typing" goes out first.

Not ↻ (UploadingsRefresh, UploadingRefresh): it edits the message it is on, where "typing"
would linger after the edit."""

_SHAPE = re.compile(r"([a-z]{2,3})((?::\d{1,19}){0,4})")
_CHOICES: dict[type, dict[str, int]] = {
    SubscriptionHears: {"hears": len(HEARS_ORDER)},
    SubscriptionSilence: {"silent": 2},
    SubscribeWith: {"hears": len(HEARS_ORDER) + 1, "silent": 3},
    ChartCounter: {"days": MAX_DAYS + 1},
}
"""The small numbers a button carries: each below its bound."""


def encode(button: Button) -> str:  # noqa: PLR0912 - one case per kind of button
    """The callback_data string for a button."""
    match button:
        case UploadingsPage(counter_id, page):
            data = f"pg:{counter_id}:{page}"
        case UploadingsRefresh(counter_id, page):
            data = f"rf:{counter_id}:{page}"
        case UploadingDetail(counter_id, uploading_id):
            data = f"ud:{counter_id}:{uploading_id}"
        case Details(counter_id, uploading_id):
            data = details_payload(counter_id, uploading_id)
        case UploadingRefresh(counter_id, second) | ChartCounter(counter_id, second):
            kind = "ur" if isinstance(button, UploadingRefresh) else "ch"
            data = f"{kind}:{counter_id}:{second}"
        case LinkCounter(counter_id) | ExportCounter(counter_id):
            kind = "ln" if isinstance(button, LinkCounter) else "ex"
            data = f"{kind}:{counter_id}"
        case Subscribe(counter_id, chat_id) | Unsubscribe(counter_id, chat_id):
            kind = "sb" if isinstance(button, Subscribe) else "us"
            data = f"{kind}:{counter_id}" + ("" if chat_id is None else f":{-chat_id}")
        case SubscriptionHears(counter_id, choice, chat_id) | SubscriptionSilence(
            counter_id, choice, chat_id
        ):
            kind = "sf" if isinstance(button, SubscriptionHears) else "ss"
            data = f"{kind}:{counter_id}:{choice}" + ("" if chat_id is None else f":{-chat_id}")
        case SubscribeWith(counter_id, hears, silent, chat_id):
            data = f"sw:{counter_id}:{hears}:{silent}" + ("" if chat_id is None else f":{-chat_id}")
        case TokenCountersPage(page):
            data = f"tp:{page}"
        case LoginAgain():
            data = "lgn"
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
    bounds = _CHOICES.get(type(button), {})
    choices_ok = all(0 <= getattr(button, name) < bound for name, bound in bounds.items())
    ids_ok = all(0 < value <= MAX_ID for value in ids)
    days_ok = getattr(button, "days", 1) >= 1
    return chat_ok and choices_ok and ids_ok and days_ok and 0 <= page <= MAX_PAGE


def _managed(kind: type[Subscribe | Unsubscribe]) -> Callable[..., Button]:
    """A factory taking the counter and, optionally, the chat id without its minus sign."""
    return lambda counter_id, chat=None: kind(counter_id, None if chat is None else -chat)


def _setting(kind: type[SubscriptionHears | SubscriptionSilence]) -> Callable[..., Button]:
    """A factory taking the counter, the choice and, optionally, the chat id unsigned."""
    return lambda counter_id, choice, chat=None: kind(
        counter_id, choice, None if chat is None else -chat
    )


def _subscribe_with(counter_id: int, hears: int, silent: int, chat: int | None = None) -> Button:
    return SubscribeWith(counter_id, hears, silent, None if chat is None else -chat)


_KINDS: dict[str, tuple[tuple[int, ...], Callable[..., Button]]] = {
    "pg": ((2,), UploadingsPage),
    "rf": ((2,), UploadingsRefresh),
    "ud": ((2,), UploadingDetail),
    DETAILS_KIND: ((2,), Details),
    "ur": ((2,), UploadingRefresh),
    "ln": ((1,), LinkCounter),
    "sb": ((1, 2), _managed(Subscribe)),
    "us": ((1, 2), _managed(Unsubscribe)),
    "sw": ((3, 4), _subscribe_with),
    "sf": ((2, 3), _setting(SubscriptionHears)),
    "ss": ((2, 3), _setting(SubscriptionSilence)),
    "tp": ((1,), TokenCountersPage),
    "ex": ((1,), ExportCounter),
    "ch": ((2,), ChartCounter),
    "lgn": ((0,), LoginAgain),
    "nop": ((0,), Noop),
}
