"""What use cases hand to the texts: plain frozen dataclasses of what a chat sees, and paging."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Generic, TypeVar

from bot.domain import Counter, Hears, Uploading
from bot.reports.daily import Day, Period, Summary

PAGE_SIZE = 10
T = TypeVar("T")


@dataclass(frozen=True, slots=True)
class CounterView:
    """A counter as a chat sees it."""

    id: int
    name: str = ""
    site: str = ""
    subscribed: bool = False
    suspended: bool = False  # the chat's link to it gives nothing (its token stopped working)

    @classmethod
    def of(cls, counter: Counter, *, subscribed: bool = False) -> CounterView:
        """From Metrica's description of the counter."""
        return cls(counter.id, counter.name, counter.site, subscribed)


@dataclass(frozen=True, slots=True)
class Page(Generic[T]):
    """One page of a longer list; `number` is 0-based."""

    items: tuple[T, ...]
    number: int
    pages: int
    total: int

    @property
    def first(self) -> int:
        """1-based position of the first item (0 for an empty list)."""
        return self.number * PAGE_SIZE + 1 if self.items else 0

    @property
    def last(self) -> int:
        """1-based position of the last item."""
        return self.number * PAGE_SIZE + len(self.items)


def paginate(items: Sequence[T], number: int, size: int = PAGE_SIZE) -> Page[T]:
    """The page `number` of items, clamped to the pages there are."""
    pages = max(1, -(-len(items) // size))
    number = min(max(number, 0), pages - 1)
    chunk = tuple(items[number * size : (number + 1) * size])
    return Page(chunk, number, pages, len(items))


@dataclass(frozen=True, slots=True)
class ListNote:
    """Why an answer comes from the stored list and not from Metrica just now."""

    kind: str  # "rate": the user's requests a minute; "quota": the commands' reserve
    seconds: int = 0
    limit: int = 0
    resets_at: datetime | None = None


@dataclass(frozen=True, slots=True)
class UploadingsView:
    """A page of a counter's uploadings, newest first, as of when they were fetched."""

    counter: CounterView
    page: Page[Uploading]
    as_of: datetime | None = None
    note: ListNote | None = None
    digest: str | None = None  # of the list the page is from (pages are cached by it)


@dataclass(frozen=True, slots=True)
class UploadingView:
    """One uploading of a counter, as of when it was fetched."""

    counter: CounterView
    uploading: Uploading
    as_of: datetime | None = None
    note: ListNote | None = None


@dataclass(frozen=True, slots=True)
class UploadedView:
    """An uploading /upload just made: the rows sent, and whether the chat follows it."""

    counter: CounterView
    uploading: Uploading
    rows: int
    following: bool


@dataclass(frozen=True, slots=True)
class Linked:
    """The result of /link: the counter, the chat it went to, and whether it is new there."""

    counter: CounterView
    chat_title: str | None
    created: bool


@dataclass(frozen=True, slots=True)
class TokenState:
    """What /token alone reports: never the token itself."""

    saved: bool
    valid: bool = False
    saved_at: datetime | None = None
    revoked_at: datetime | None = None
    readable: bool = True  # False: no configured key decrypts it; it must be saved again


@dataclass(frozen=True, slots=True)
class TokenDeleted:
    """The result of /token delete: which other chats were told."""

    deleted: bool
    chats_told: int = 0


@dataclass(frozen=True, slots=True)
class SubscriptionView:
    """A chat's subscription: the counter, what it hears, its silence and forum topic."""

    counter: CounterView
    hears: Hears = Hears.ALL
    silent: bool = False
    thread_id: int | None = None  # None: General (or a chat without topics)
    topic_name: str | None = None


@dataclass(frozen=True, slots=True)
class Subscribed:
    """The result of /subscribe or a settings button: the subscription now and before."""

    now: SubscriptionView
    before: SubscriptionView | None  # None: it is new


@dataclass(frozen=True, slots=True)
class ExportView:
    """/export: the CSV document of a counter's uploadings, as of when they were fetched."""

    counter: CounterView
    content: bytes
    file_name: str
    count: int
    as_of: datetime | None = None
    note: ListNote | None = None


@dataclass(frozen=True, slots=True)
class ChartView:
    """/chart: a counter's uploadings over a period, day by day, with the totals."""

    counter: CounterView
    period: Period
    days: tuple[Day, ...]
    summary: Summary
    as_of: datetime | None = None
    note: ListNote | None = None
