"""Per-token quota bookkeeping: a request ledger per UTC day and a concurrency/rate limiter.

Metrica allows 5000 reads per login per day, 3 parallel requests per login and 30 requests
per second per IP. Tokens are keyed by a fingerprint so no table or log ever holds a token.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable, Iterable
from contextlib import asynccontextmanager
from datetime import date

from bot.ratewindow import RateWindow


def token_fingerprint(token: str) -> str:
    """A stable, non-reversible key for a token: the first 32 hex chars of its sha256."""
    return hashlib.sha256(token.encode()).hexdigest()[:32]


class RequestLedger:
    """Counts requests sent per (token fingerprint, UTC date); pure, the caller persists it."""

    def __init__(self) -> None:
        self._counts: dict[tuple[str, date], int] = {}
        self._dirty: set[tuple[str, date]] = set()

    def record(self, fingerprint: str, day: date) -> None:
        """Count one request sent with this token on this UTC day."""
        key = (fingerprint, day)
        self._counts[key] = self._counts.get(key, 0) + 1
        self._dirty.add(key)

    def used(self, fingerprint: str, day: date) -> int:
        """Requests counted for this token on this UTC day."""
        return self._counts.get((fingerprint, day), 0)

    def load(self, entries: Iterable[tuple[str, date, int]]) -> None:
        """Merge persisted counts, keeping the larger one so a late load never lowers a count."""
        for fingerprint, day, count in entries:
            key = (fingerprint, day)
            self._counts[key] = max(self._counts.get(key, 0), count)

    def drain_dirty(self) -> list[tuple[str, date, int]]:
        """Entries changed since the last drain, with their full current count."""
        dirty = sorted(self._dirty)
        self._dirty.clear()
        return [(fingerprint, day, self._counts[(fingerprint, day)]) for fingerprint, day in dirty]

    def forget_before(self, day: date) -> None:
        """Drop counts of days before this one (they no longer limit anything)."""
        for key in [key for key in self._counts if key[1] < day]:
            del self._counts[key]
            self._dirty.discard(key)


class RequestLimiter:
    """At most N requests in flight per token and M request starts per rolling second."""

    def __init__(
        self,
        *,
        per_token: int = 3,
        per_second: int = 30,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if per_token < 1 or per_second < 1:
            raise ValueError("limits must be positive")
        self._per_token = per_token
        self._rate = RateWindow(per_second, clock=clock, sleep=sleep)
        self._semaphores: dict[str, asyncio.Semaphore] = {}
        self._in_flight: dict[str, int] = {}

    @asynccontextmanager
    async def slot(self, fingerprint: str) -> AsyncIterator[None]:
        """Hold one of this token's parallel slots and one start of the per-second budget."""
        semaphore = self._semaphores.get(fingerprint)
        if semaphore is None:
            semaphore = self._semaphores[fingerprint] = asyncio.Semaphore(self._per_token)
        async with semaphore:
            await self._rate.acquire()
            self._in_flight[fingerprint] = self._in_flight.get(fingerprint, 0) + 1
            try:
                yield
            finally:
                self._in_flight[fingerprint] -= 1

    def in_flight(self, fingerprint: str) -> int:
        """Requests with this token running right now."""
        return self._in_flight.get(fingerprint, 0)
