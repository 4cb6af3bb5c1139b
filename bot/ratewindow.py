"""A rolling one-second window of starts: the 30/s caps of Metrica (per IP) and Telegram."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

_WINDOW = 1.0
_EPSILON = 1e-6  # float noise: a wait this short is no wait (and may not move a clock)


class RateWindow:
    """At most `per_second` starts in any rolling second; callers wait their turn."""

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
        self._starts: deque[float] = deque()

    async def acquire(self) -> None:
        """Wait until one more start fits in the window, then take it."""
        while True:
            now = self._clock()
            while self._starts and self._starts[0] <= now - _WINDOW + _EPSILON:
                self._starts.popleft()
            gap_left = self._starts[-1] + self._gap - now if self._starts else 0.0
            if len(self._starts) < self._per_second and gap_left <= _EPSILON:
                self._starts.append(now)
                return
            full = len(self._starts) >= self._per_second
            await self._sleep(self._starts[0] + _WINDOW - now if full else gap_left)
