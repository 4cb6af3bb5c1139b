"""Polling a pending login and refreshing tokens, with a fake clock: interval, slow_down,
deadline."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from itertools import pairwise

from bot.oauth_schedule import (
    REFRESH_AT_LEAST_EVERY,
    REFRESH_RETRY,
    PollSchedule,
    refresh_at,
    retry_refresh_at,
)
from bot.yandex_oauth import missing_scopes


class FakeClock:
    """Time that moves only when the test says so."""

    def __init__(self) -> None:
        self.now = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)

    def advance(self, seconds: float) -> datetime:
        self.now += timedelta(seconds=seconds)
        return self.now


def seconds(a: datetime, b: datetime) -> float:
    return (a - b).total_seconds()


def test_the_first_poll_comes_one_interval_after_the_code_was_issued():
    clock = FakeClock()
    schedule = PollSchedule.start(clock.now, interval=5, expires_in=300)

    assert not schedule.due(clock.advance(4.9))
    assert schedule.due(clock.advance(0.1))


def test_while_pending_polls_are_never_closer_than_the_interval():
    clock = FakeClock()
    schedule = PollSchedule.start(clock.now, interval=5, expires_in=300)
    polls = []
    for _ in range(200):
        now = clock.advance(1)
        if schedule.due(now):
            polls.append(now)
            schedule = schedule.after_pending(now)

    gaps = [seconds(b, a) for a, b in pairwise(polls)]
    assert len(gaps) > 10
    assert min(gaps) >= 5


def test_slow_down_adds_five_seconds_for_good():
    clock = FakeClock()
    schedule = PollSchedule.start(clock.now, interval=5, expires_in=300)
    now = clock.advance(5)

    slowed = schedule.after_slow_down(now)
    assert slowed.interval == 10
    assert seconds(slowed.next_poll_at, now) == 10
    later = slowed.after_pending(clock.advance(10))
    assert seconds(later.next_poll_at, clock.now) == 10
    assert slowed.after_slow_down(clock.now).interval == 15


def test_nothing_is_due_at_or_after_the_deadline():
    clock = FakeClock()
    schedule = PollSchedule.start(clock.now, interval=5, expires_in=300)
    at_deadline = clock.advance(300)

    assert schedule.expired(at_deadline)
    assert not schedule.after_pending(at_deadline).due(clock.advance(60))


def test_a_failure_for_now_keeps_the_interval():
    clock = FakeClock()
    schedule = PollSchedule.start(clock.now, interval=7, expires_in=300)
    now = clock.advance(7)

    assert seconds(schedule.after_failure(now).next_poll_at, now) == 7


def test_a_year_long_token_is_refreshed_within_three_months():
    clock = FakeClock()

    assert refresh_at(clock.now, 31_536_000) - clock.now == REFRESH_AT_LEAST_EVERY
    assert refresh_at(clock.now, None) - clock.now == REFRESH_AT_LEAST_EVERY


def test_a_short_token_is_refreshed_at_half_its_life():
    clock = FakeClock()

    assert seconds(refresh_at(clock.now, 3600), clock.now) == 1800


def test_a_failed_refresh_is_retried_before_the_token_ends():
    clock = FakeClock()
    far = clock.now + timedelta(days=30)
    soon = clock.now + timedelta(minutes=4)

    assert retry_refresh_at(clock.now, far) - clock.now == REFRESH_RETRY
    assert retry_refresh_at(clock.now, soon) - clock.now == timedelta(minutes=2)
    assert retry_refresh_at(clock.now, clock.now) > clock.now  # never a busy loop
    assert retry_refresh_at(clock.now, None) - clock.now == REFRESH_RETRY


def test_missing_scopes_are_what_was_asked_and_not_granted():
    assert missing_scopes(None) == []
    assert missing_scopes(frozenset({"metrika:read"})) == ["metrika:offline_data"]
    assert missing_scopes(frozenset({"metrika:read", "metrika:write"})) == []
    assert missing_scopes(frozenset({"metrika:offline_data"})) == ["metrika:read"]
