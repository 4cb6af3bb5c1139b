"""Time as the bot reckons it: aware UTC, and Metrica's daily reset at 00:00 UTC (pure)."""

from __future__ import annotations

from datetime import UTC, date, datetime, time, timedelta


def utc_now() -> datetime:
    """The current time, aware, in UTC."""
    return datetime.now(UTC)


def next_utc_midnight(now: datetime) -> datetime:
    """The next 00:00 UTC strictly after now, when Metrica's daily quotas reset."""
    day = now.astimezone(UTC).date() + timedelta(days=1)
    return datetime.combine(day, time.min, tzinfo=UTC)


def next_day_start(day: date) -> datetime:
    """00:00 UTC of the day after `day`: when that day's quotas are over."""
    return datetime.combine(day + timedelta(days=1), time.min, tzinfo=UTC)
