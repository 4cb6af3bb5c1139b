"""Pure scheduling math for the poller: hot/idle cadence, jitter, backoff, the per-token budget.

A token may spend `daily_quota * share` requests a day (the rest is for what users type). What
is left of that today, spread over the seconds until 00:00 UTC, is the rate the token can
afford; when its counters at their hot/idle cadence would ask for more, every interval of that
token is stretched by the same factor. With nothing left, the next poll is after the reset.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.clock import next_utc_midnight

Random = Callable[[], float]
"""A source of uniform numbers in [0, 1): random.random, or a fixed value in tests."""

JITTER = 0.1
BACKOFF_CAP_SECONDS = 1800.0
RESET_SPREAD_SECONDS = 300.0


@dataclass(frozen=True, slots=True)
class Cadence:
    """How often a counter is polled without budget pressure, in seconds."""

    hot: float
    idle: float

    def interval(self, *, hot: bool) -> float:
        """The base interval of a counter that is hot (unfinished uploadings) or idle."""
        return self.hot if hot else self.idle


@dataclass(frozen=True, slots=True)
class Budget:
    """One token's quota position: requests allowed and used today, counters it polls."""

    allowed: float
    used: int
    hot_counters: float
    idle_counters: float

    @property
    def remaining(self) -> float:
        """Requests the poller may still send with this token today."""
        return self.allowed - self.used


def stretch_factor(budget: Budget, cadence: Cadence, now: datetime) -> float | None:
    """How much to lengthen this token's intervals (>= 1); None when nothing is left today."""
    if budget.remaining < 1:
        return None
    seconds_left = max(1.0, (next_utc_midnight(now) - now).total_seconds())
    demand_per_second = budget.hot_counters / cadence.hot + budget.idle_counters / cadence.idle
    affordable_per_second = budget.remaining / seconds_left
    return max(1.0, demand_per_second / affordable_per_second)


def jittered(seconds: float, rand: Random) -> float:
    """The interval moved at random by up to ±10%, so counters drift apart instead of bunching."""
    return seconds * (1 - JITTER + 2 * JITTER * rand())


def next_poll_at(
    now: datetime, *, hot: bool, cadence: Cadence, budget: Budget, rand: Random
) -> datetime:
    """When a counter that was just polled successfully is due again."""
    factor = stretch_factor(budget, cadence, now)
    if factor is None:
        return after_reset(now, rand)
    return now + timedelta(seconds=jittered(cadence.interval(hot=hot) * factor, rand))


def after_reset(now: datetime, rand: Random, spread: float = RESET_SPREAD_SECONDS) -> datetime:
    """A moment shortly after the next reset, spread so paused counters do not resume at once."""
    return next_utc_midnight(now) + timedelta(seconds=spread * rand())


def backoff_delay(
    failures: int, *, base: float, cap: float = BACKOFF_CAP_SECONDS, rand: Random
) -> float:
    """Seconds before retrying after `failures` failures in a row: doubling, capped, jittered."""
    ceiling = min(cap, base * 2.0 ** max(0, failures - 1))
    # Equal jitter: never sooner than half the ceiling, so a failing counter really backs off.
    return ceiling / 2 + ceiling / 2 * rand()


def retry_at(
    now: datetime,
    failures: int,
    *,
    cadence: Cadence,
    retry_after: float | None = None,
    rand: Random,
) -> datetime:
    """When a counter whose poll failed is tried again; a server's Retry-After is a floor."""
    delay = backoff_delay(failures, base=cadence.hot, rand=rand)
    if retry_after is not None:
        delay = max(delay, retry_after)
    return now + timedelta(seconds=delay)
