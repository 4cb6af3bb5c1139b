"""When to poll a pending login and when to refresh a token (pure: times in, times out).

Polling follows /work/shared/yandex/OAUTH.md §2 and RFC 8628: the first poll one `interval`
after the code was issued, then never more often than every `interval` seconds; `slow_down`
adds 5 s to the interval for good; nothing after the code's deadline. A token is refreshed at
half its life, and at least every three months (Yandex's advice for long-lived tokens).
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

SLOW_DOWN_STEP = 5  # seconds, RFC 8628 §3.5
REFRESH_AT_LEAST_EVERY = timedelta(days=90)
REFRESH_AT_SHARE = 0.5  # of the token's life: well before it ends, with room for retries
REFRESH_RETRY = timedelta(minutes=10)  # after Yandex OAuth failed for now
REFRESH_RETRY_MIN = timedelta(seconds=30)


@dataclass(frozen=True, slots=True)
class PollSchedule:
    """A pending login's timing: the current interval, the next poll, the code's deadline."""

    interval: int
    next_poll_at: datetime
    deadline: datetime

    @classmethod
    def start(cls, issued_at: datetime, interval: int, expires_in: int) -> PollSchedule:
        """A code just issued: first poll one interval later."""
        return cls(
            interval,
            issued_at + timedelta(seconds=interval),
            issued_at + timedelta(seconds=expires_in),
        )

    def after_pending(self, polled_at: datetime) -> PollSchedule:
        """Not confirmed yet: the next poll one interval after this one."""
        return replace(self, next_poll_at=polled_at + timedelta(seconds=self.interval))

    def after_slow_down(self, polled_at: datetime) -> PollSchedule:
        """Too fast: a longer interval from now on."""
        interval = self.interval + SLOW_DOWN_STEP
        return replace(
            self, interval=interval, next_poll_at=polled_at + timedelta(seconds=interval)
        )

    def after_failure(self, polled_at: datetime) -> PollSchedule:
        """Yandex OAuth failed for now: like pending (the interval is our only pace)."""
        return self.after_pending(polled_at)

    def expired(self, now: datetime) -> bool:
        """Whether the code is past its lifetime: no poll can succeed any more."""
        return now >= self.deadline

    def due(self, now: datetime) -> bool:
        """Whether a poll may be made now."""
        return now >= self.next_poll_at and not self.expired(now)


def refresh_at(obtained_at: datetime, expires_in: int | None) -> datetime:
    """When a token obtained at `obtained_at` living `expires_in` seconds should be refreshed."""
    if expires_in is None:
        return obtained_at + REFRESH_AT_LEAST_EVERY
    half_life = timedelta(seconds=expires_in * REFRESH_AT_SHARE)
    return obtained_at + min(half_life, REFRESH_AT_LEAST_EVERY)


def retry_refresh_at(failed_at: datetime, expires_at: datetime | None) -> datetime:
    """After a failed refresh: again in ten minutes, sooner if the token dies before."""
    if expires_at is None:
        return failed_at + REFRESH_RETRY
    halfway = (expires_at - failed_at) / 2
    return failed_at + min(REFRESH_RETRY, max(halfway, REFRESH_RETRY_MIN))
