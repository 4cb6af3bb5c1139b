"""A period of uploadings, day by day (UTC): outcomes and rows, and the period's totals (pure).

An uploading counts on the UTC day it was created; one without a creation time is left out.
Outcomes: PROCESSED, LINKAGE_FAILURE, and unfinished (every other status, unknown ones too).
Shares are whole percents rounded down, so "100%" means all of them.
"""

from __future__ import annotations

import enum
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, replace
from datetime import UTC, date, timedelta

from bot.domain import Status, Uploading

DEFAULT_DAYS = 30
MAX_DAYS = 365


class Outcome(enum.StrEnum):
    """How an uploading ended, or that it has not yet."""

    PROCESSED = "processed"
    LINKAGE_FAILURE = "linkage_failure"
    UNFINISHED = "unfinished"


def outcome(status: str) -> Outcome:
    """The outcome a status stands for."""
    if status == Status.PROCESSED:
        return Outcome.PROCESSED
    if status == Status.LINKAGE_FAILURE:
        return Outcome.LINKAGE_FAILURE
    return Outcome.UNFINISHED


@dataclass(frozen=True, slots=True)
class Period:
    """The days from `first` to `last`, both included."""

    first: date
    last: date

    @classmethod
    def ending(cls, last: date, days: int) -> Period:
        """The `days` days that end with `last`."""
        if not 1 <= days <= MAX_DAYS:
            raise ValueError(f"days must be 1..{MAX_DAYS}, not {days}")
        return cls(last - timedelta(days=days - 1), last)

    @property
    def days(self) -> int:
        """How many days it has."""
        return (self.last - self.first).days + 1

    def dates(self) -> list[date]:
        """Each of its days, oldest first."""
        return [self.first + timedelta(days=offset) for offset in range(self.days)]


@dataclass(frozen=True, slots=True)
class Day:
    """One day's uploadings by outcome, and their rows: sent and passed validation."""

    day: date
    processed: int = 0
    failed: int = 0
    unfinished: int = 0
    rows_total: int = 0
    rows_valid: int = 0

    @property
    def uploadings(self) -> int:
        """How many were created that day."""
        return self.processed + self.failed + self.unfinished


@dataclass(frozen=True, slots=True)
class Summary:
    """A period's totals, as the chart's caption tells them."""

    uploadings: int
    processed: int
    failed: int
    unfinished: int
    rows_total: int
    rows_valid: int

    @property
    def valid_percent(self) -> int | None:
        """Rows that passed validation, of the rows sent; None when no rows were sent."""
        return percent(self.rows_valid, self.rows_total)

    @property
    def linked_percent(self) -> int | None:
        """Processed uploadings, of the finished ones; None when none has finished."""
        return percent(self.processed, self.processed + self.failed)


def percent(part: int, whole: int) -> int | None:
    """Whole percent rounded down (99 until it is all); None for an empty whole."""
    return None if whole <= 0 else 100 * part // whole


def daily(uploadings: Iterable[Uploading], period: Period) -> list[Day]:
    """One Day for each day of the period, oldest first, empty days included."""
    days = {day: Day(day) for day in period.dates()}
    for uploading in uploadings:
        if uploading.create_time is None:
            continue
        created = uploading.create_time
        day = (created if created.tzinfo else created.replace(tzinfo=UTC)).astimezone(UTC).date()
        if day in days:
            days[day] = _add(days[day], uploading)
    return list(days.values())


def _add(day: Day, uploading: Uploading) -> Day:
    """The day with one more uploading."""
    kind = outcome(uploading.status)
    return replace(
        day,
        processed=day.processed + (kind is Outcome.PROCESSED),
        failed=day.failed + (kind is Outcome.LINKAGE_FAILURE),
        unfinished=day.unfinished + (kind is Outcome.UNFINISHED),
        rows_total=day.rows_total + (uploading.source_quantity or 0),
        rows_valid=day.rows_valid + (uploading.line_quantity or 0),
    )


def summarize(days: Sequence[Day]) -> Summary:
    """The totals of the days."""
    return Summary(
        uploadings=sum(day.uploadings for day in days),
        processed=sum(day.processed for day in days),
        failed=sum(day.failed for day in days),
        unfinished=sum(day.unfinished for day in days),
        rows_total=sum(day.rows_total for day in days),
        rows_valid=sum(day.rows_valid for day in days),
    )
