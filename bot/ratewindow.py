"""A rolling one-second window of requests: the 30/s caps of Metrica (per IP) and Telegram.

The server counts a request when it arrives, which is some time after we start it and
before we see its answer. Counting starts alone is not enough: a request held up on the way
(a new connection, a busy event loop) arrives together with later ones, and the server sees
31 in its second. So a request held in a `slot` counts from its start until one second after
its answer: then no second of arrivals can hold more than `per_second` of them, whatever the
delays, at the price of `per_second / (1 + latency)` requests a second at most.
"""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager

_WINDOW = 1.0
_EPSILON = 1e-6  # float noise: a wait this short is no wait (and may not move a clock)


class RateWindow:
    """At most `per_second` requests in any rolling second; callers wait their turn."""

    def __init__(
        self,
        per_second: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        spread: bool = False,
    ) -> None:
        if per_second < 1:
            raise ValueError("per_second must be positive")
        self._per_second = per_second
        # Spread: at least 1/per_second between starts, no burst at the window's edge. A server
        # that counts arrivals sees a burst's late requests in its next second (Telegram: 429).
        self._gap = _WINDOW / per_second if spread else 0.0
        self._clock = clock
        self._sleep = sleep
        self._ended: deque[float] = deque()  # when requests of the last second ended, in order
        self._running = 0
        self._last_start: float | None = None
        self._freed = asyncio.Event()

    @asynccontextmanager
    async def slot(self) -> AsyncIterator[None]:
        """Hold a place in the window from now until a second after the block ends."""
        await self._admit()
        try:
            yield
        finally:
            self._running -= 1
            self._ended.append(self._clock())
            self._freed.set()

    async def acquire(self) -> None:
        """Take a place for a request that counts only at its start (ends at once)."""
        async with self.slot():
            pass

    def counted(self) -> int:
        """Requests running or ended within the last second (for tests and metrics)."""
        self._expire(self._clock())
        return self._running + len(self._ended)

    async def _admit(self) -> None:
        """Wait until one more request fits in the window and the spread, then count it."""
        while True:
            now = self._clock()
            self._expire(now)
            full = self._running + len(self._ended) >= self._per_second
            gap_left = self._last_start + self._gap - now if self._last_start is not None else 0.0
            if not full and gap_left <= _EPSILON:
                self._running += 1
                self._last_start = now
                return
            if not full:
                await self._sleep(gap_left)
            elif self._ended:
                await self._sleep(self._ended[0] + _WINDOW - now)
            else:  # every place is held by a running request: wait for one to end
                self._freed.clear()
                await self._freed.wait()

    def _expire(self, now: float) -> None:
        while self._ended and self._ended[0] <= now - _WINDOW + _EPSILON:
            self._ended.popleft()
