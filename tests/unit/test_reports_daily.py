"""/chart's numbers: uploadings per UTC day by outcome, rows, and the period's totals."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest

from bot.domain import Uploading
from bot.reports.daily import (
    MAX_DAYS,
    Day,
    Outcome,
    Period,
    Summary,
    daily,
    outcome,
    percent,
    summarize,
)

TODAY = date(2026, 11, 30)


def at(day: date, hour: int = 12) -> datetime:
    return datetime(day.year, day.month, day.day, hour, tzinfo=UTC)


def test_a_period_ends_today_and_counts_today_in() -> None:
    period = Period.ending(TODAY, 30)
    assert (period.first, period.last, period.days) == (date(2026, 11, 1), TODAY, 30)
    assert Period.ending(TODAY, 1).dates() == [TODAY]


@pytest.mark.parametrize("days", [0, -1, MAX_DAYS + 1])
def test_a_period_of_no_days_or_too_many_is_refused(days: int) -> None:
    with pytest.raises(ValueError, match="days"):
        Period.ending(TODAY, days)


def test_statuses_fall_into_three_outcomes_unknown_ones_unfinished() -> None:
    assert outcome("PROCESSED") is Outcome.PROCESSED
    assert outcome("LINKAGE_FAILURE") is Outcome.LINKAGE_FAILURE
    for status in ("PREPARED", "UPLOADED", "EXPORTED", "MATCHED", "SOMETHING_NEW"):
        assert outcome(status) is Outcome.UNFINISHED


def test_every_day_of_the_period_is_there_empty_ones_too() -> None:
    days = daily([], Period.ending(TODAY, 3))
    assert days == [Day(TODAY - timedelta(days=2)), Day(TODAY - timedelta(days=1)), Day(TODAY)]


def test_uploadings_count_on_their_utc_day_by_outcome_with_their_rows() -> None:
    yesterday = TODAY - timedelta(days=1)
    items = [
        Uploading(1, "PROCESSED", at(TODAY), 100, 90),
        Uploading(2, "LINKAGE_FAILURE", at(TODAY, 0), 40, 0),
        Uploading(3, "MATCHED", at(yesterday, 23), 10, None),
        Uploading(4, "PROCESSED", at(yesterday), None, 5),
    ]
    days = daily(items, Period.ending(TODAY, 2))
    assert days == [
        Day(yesterday, processed=1, unfinished=1, rows_total=10, rows_valid=5),
        Day(TODAY, processed=1, failed=1, rows_total=140, rows_valid=90),
    ]
    assert days[1].uploadings == 2


def test_the_day_is_the_utc_day_whatever_zone_metrica_wrote() -> None:
    late_in_moscow = datetime(2026, 12, 1, 1, 30, tzinfo=timezone(timedelta(hours=3)))
    days = daily([Uploading(1, "PROCESSED", late_in_moscow)], Period.ending(TODAY, 1))
    assert days[0].processed == 1  # 22:30 UTC on the 30th


def test_uploadings_outside_the_period_or_without_a_time_are_left_out() -> None:
    items = [
        Uploading(1, "PROCESSED", at(TODAY - timedelta(days=7))),
        Uploading(2, "PROCESSED", at(TODAY + timedelta(days=1))),
        Uploading(3, "PROCESSED", None),
    ]
    assert summarize(daily(items, Period.ending(TODAY, 7))).uploadings == 0


def test_the_totals_add_up_the_days() -> None:
    days = [
        Day(TODAY, processed=2, failed=1, unfinished=1, rows_total=200, rows_valid=150),
        Day(TODAY, processed=1, rows_total=100, rows_valid=100),
    ]
    assert summarize(days) == Summary(
        uploadings=5, processed=3, failed=1, unfinished=1, rows_total=300, rows_valid=250
    )


def test_shares_are_whole_percents_rounded_down_and_unknown_without_a_whole() -> None:
    summary = Summary(5, processed=2, failed=1, unfinished=2, rows_total=3, rows_valid=2)
    assert summary.valid_percent == 66
    assert summary.linked_percent == 66
    assert percent(999, 1000) == 99
    assert percent(5, 5) == 100
    nothing_finished = Summary(2, processed=0, failed=0, unfinished=2, rows_total=0, rows_valid=0)
    assert nothing_finished.valid_percent is None
    assert nothing_finished.linked_percent is None
