"""Scheduling math with a fixed clock: cadence, jitter, the per-token budget and backoff."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from bot.clock import next_utc_midnight
from bot.monitor.schedule import (
    Budget,
    Cadence,
    after_reset,
    backoff_delay,
    next_poll_at,
    retry_at,
    stretch_factor,
)

CADENCE = Cadence(hot=60, idle=600)
NOON = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)  # 12 hours until the reset
ALLOWANCE = 4000.0  # 5000 a day, 80% for the poller


def middle() -> float:
    return 0.5  # no jitter


def budget(hot: int = 1, idle: int = 0, used: int = 0) -> Budget:
    return Budget(allowed=ALLOWANCE, used=used, hot_counters=hot, idle_counters=idle)


def seconds_until(moment: datetime, now: datetime = NOON) -> float:
    return (moment - now).total_seconds()


def test_a_hot_counter_is_polled_every_poll_interval():
    due = next_poll_at(NOON, hot=True, cadence=CADENCE, budget=budget(), rand=middle)

    assert seconds_until(due) == 60


def test_an_idle_counter_is_polled_every_idle_interval():
    due = next_poll_at(NOON, hot=False, cadence=CADENCE, budget=budget(0, 1), rand=middle)

    assert seconds_until(due) == 600


@pytest.mark.parametrize(("rand", "seconds"), [(0.0, 54.0), (0.999999, 66.0)])
def test_jitter_spreads_polls_by_up_to_ten_percent(rand: float, seconds: float):
    due = next_poll_at(NOON, hot=True, cadence=CADENCE, budget=budget(), rand=lambda: rand)

    assert seconds_until(due) == pytest.approx(seconds, abs=0.001)


def test_a_token_with_few_counters_is_not_stretched():
    # 5 hot counters for 12 h at 1/min = 3600 requests, under the 4000 left.
    assert stretch_factor(budget(hot=5), CADENCE, NOON) == 1.0


def test_a_token_with_many_counters_gets_longer_intervals_to_stay_in_budget():
    # 20 hot counters for 12 h at 1/min would be 14400 requests; 4000 are left.
    factor = stretch_factor(budget(hot=20), CADENCE, NOON)

    assert factor == pytest.approx(14400 / 4000)
    due = next_poll_at(NOON, hot=True, cadence=CADENCE, budget=budget(hot=20), rand=middle)
    assert seconds_until(due) == pytest.approx(60 * 14400 / 4000)


def test_the_stretched_schedule_spends_no_more_than_what_is_left_until_the_reset():
    tokens_budget = budget(hot=10, idle=30, used=2500)
    factor = stretch_factor(tokens_budget, CADENCE, NOON)
    assert factor is not None
    left = seconds_until(next_utc_midnight(NOON))

    planned = left * (10 / (CADENCE.hot * factor) + 30 / (CADENCE.idle * factor))

    assert planned == pytest.approx(ALLOWANCE - 2500)


def test_requests_already_used_today_shrink_the_budget():
    fresh = stretch_factor(budget(hot=10), CADENCE, NOON)
    spent = stretch_factor(budget(hot=10, used=3000), CADENCE, NOON)

    assert fresh is not None
    assert spent is not None
    assert spent > fresh


def test_a_spent_budget_waits_for_the_reset_at_midnight_utc():
    due = next_poll_at(NOON, hot=True, cadence=CADENCE, budget=budget(used=4000), rand=middle)

    assert due >= datetime(2026, 11, 21, 0, 0, tzinfo=UTC)
    assert due <= datetime(2026, 11, 21, 0, 5, tzinfo=UTC)


def test_the_reset_is_the_next_midnight_utc_even_from_another_zone():
    moscow = NOON.astimezone(ZoneInfo("Europe/Moscow"))

    assert next_utc_midnight(moscow) == datetime(2026, 11, 21, tzinfo=UTC)
    assert next_utc_midnight(datetime(2026, 11, 21, tzinfo=UTC)) == datetime(
        2026, 11, 22, tzinfo=UTC
    )


def test_resuming_after_the_reset_is_spread_over_a_few_minutes():
    early = after_reset(NOON, lambda: 0.0)
    late = after_reset(NOON, lambda: 0.99)

    assert early == datetime(2026, 11, 21, tzinfo=UTC)
    assert timedelta(minutes=4) < late - early < timedelta(minutes=5)


def test_backoff_doubles_with_each_failure():
    delays = [backoff_delay(n, base=60, rand=lambda: 1.0) for n in (1, 2, 3, 4)]

    assert delays == [60, 120, 240, 480]


def test_backoff_is_capped():
    assert backoff_delay(30, base=60, rand=lambda: 1.0) == 1800


def test_backoff_never_retries_sooner_than_half_its_ceiling():
    assert backoff_delay(3, base=60, rand=lambda: 0.0) == 120


def test_a_servers_retry_after_is_a_floor_for_the_retry():
    due = retry_at(NOON, 1, cadence=CADENCE, retry_after=900, rand=middle)

    assert seconds_until(due) == 900


def test_after_a_failure_the_retry_comes_at_the_backoff():
    due = retry_at(NOON, 2, cadence=CADENCE, rand=lambda: 1.0)

    assert seconds_until(due) == 120
