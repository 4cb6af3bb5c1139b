"""Pure parsing of command arguments and button callback data; no Telegram objects here."""

from __future__ import annotations

import re
from dataclasses import dataclass

from bot.domain import Hears
from bot.reports.daily import DEFAULT_DAYS, MAX_DAYS

MAX_ID = 2**63 - 1
CALLBACK_LIMIT = 64
TOKEN_DELETE_WORDS = frozenset({"delete", "remove", "удалить"})
SILENCE_WORDS = {"silent": True, "loud": False}  # `loud` undoes `silent`

ChatTarget = int | str  # a -100… chat id, or '@username'

_DIGITS = re.compile(r"\d{1,19}")
_NUMBER = re.compile(r"[+-]?[0-9]{1,19}")
_USERNAME = re.compile(r"@?([A-Za-z][A-Za-z0-9_]{3,31})")
_TME_LINK = re.compile(r"(?:https?://)?t(?:elegram)?\.me/([A-Za-z][A-Za-z0-9_]{3,31})/?")
_CHAT_ID = re.compile(r"-\d{1,19}")
_TOKEN = re.compile(r"[A-Za-z0-9_\-.~+/=]{4,1024}")


class ArgumentError(ValueError):
    """The arguments do not fit the command; the reply is the command's usage."""


@dataclass(frozen=True, slots=True)
class CounterArgs:
    """`[counter_id] [chat]`, in either order."""

    counter_id: int | None
    target: ChatTarget | None


@dataclass(frozen=True, slots=True)
class SubscribeArgs:
    """`[counter_id] [all|final|failures] [silent|loud] [chat]`, in any order; None: not given."""

    counter_id: int | None
    target: ChatTarget | None
    hears: Hears | None
    silent: bool | None


@dataclass(frozen=True, slots=True)
class UploadingArgs:
    """`<uploading_id> [counter_id]`."""

    uploading_id: int
    counter_id: int | None


def parse_positive_id(text: str) -> int | None:
    """A positive integer id (counter or uploading), or None."""
    if not _DIGITS.fullmatch(text):
        return None
    value = int(text)
    return value if 0 < value <= MAX_ID else None


def parse_chat_target(text: str) -> ChatTarget | None:
    """'@name', 't.me/name' or a negative chat id such as -1001234567890; None otherwise."""
    if _CHAT_ID.fullmatch(text):
        value = int(text)
        return value if value >= -MAX_ID else None
    link = _TME_LINK.fullmatch(text)
    if link:
        return f"@{link.group(1)}"
    if text.startswith("@") and (name := _USERNAME.fullmatch(text)):
        return f"@{name.group(1)}"
    return None


def parse_counter_args(args: list[str]) -> CounterArgs:
    """A counter id and a chat, both optional, in any order; ArgumentError on anything else."""
    counter_id: int | None = None
    target: ChatTarget | None = None
    for arg in args:
        if counter_id is None and (number := parse_positive_id(arg)) is not None:
            counter_id = number
        elif target is None and (chat := parse_chat_target(arg)) is not None:
            target = chat
        else:
            raise ArgumentError(arg)
    return CounterArgs(counter_id, target)


def parse_subscribe_args(args: list[str]) -> SubscribeArgs:
    """/subscribe's words (each at most once, any case, any order); ArgumentError otherwise."""
    hears: Hears | None = None
    silent: bool | None = None
    rest: list[str] = []
    for arg in args:
        word = arg.lower()
        if word in set(Hears):
            if hears is not None:
                raise ArgumentError("one filter at most")
            hears = Hears(word)
        elif word in SILENCE_WORDS:
            if silent is not None:
                raise ArgumentError("silent or loud, once")
            silent = SILENCE_WORDS[word]
        else:
            rest.append(arg)
    counter = parse_counter_args(rest)
    return SubscribeArgs(counter.counter_id, counter.target, hears, silent)


def required_counter(args: CounterArgs) -> int:
    """The counter id of commands that cannot do without one."""
    if args.counter_id is None:
        raise ArgumentError("a counter id is required")
    return args.counter_id


def parse_uploading_args(args: list[str]) -> UploadingArgs:
    """`<uploading_id> [counter_id]`."""
    ids = [parse_positive_id(arg) for arg in args]
    match ids:
        case [int(uploading_id)]:
            return UploadingArgs(uploading_id, None)
        case [int(uploading_id), int(counter_id)]:
            return UploadingArgs(uploading_id, counter_id)
    raise ArgumentError("one or two positive ids")


@dataclass(frozen=True, slots=True)
class ChartArgs:
    """`[counter_id] [days]`."""

    counter_id: int | None
    days: int


class DaysOutOfRange(ArgumentError):
    """/chart was given a number of days outside 1..MAX_DAYS."""

    def __init__(self, days: str) -> None:
        super().__init__(days)
        self.days = days


def parse_chart_args(args: list[str]) -> ChartArgs:
    """`[counter_id] [days]`: a lone number up to MAX_DAYS is the days (counter ids are longer).

    Metrica's counter ids have eight digits or more, so `/chart 7` can only mean a week.
    """
    match args:
        case []:
            return ChartArgs(None, DEFAULT_DAYS)
        case [single] if _NUMBER.fullmatch(single) and int(single) <= MAX_DAYS:
            return ChartArgs(None, _days(single))
        case [counter]:
            return ChartArgs(_counter(counter), DEFAULT_DAYS)
        case [counter, days]:
            return ChartArgs(_counter(counter), _days(days))
    raise ArgumentError("at most a counter id and a number of days")


def _counter(text: str) -> int:
    counter_id = parse_positive_id(text)
    if counter_id is None:
        raise ArgumentError(text)
    return counter_id


def _days(text: str) -> int:
    if not _NUMBER.fullmatch(text):
        raise ArgumentError(text)
    days = int(text)
    if not 1 <= days <= MAX_DAYS:
        raise DaysOutOfRange(text)
    return days


def looks_like_token(text: str) -> bool:
    """Whether the text could be an OAuth token (one word of token characters)."""
    return bool(_TOKEN.fullmatch(text))


def is_token_delete(args: list[str]) -> bool:
    """`/token delete`."""
    return len(args) == 1 and args[0].lower() in TOKEN_DELETE_WORDS
