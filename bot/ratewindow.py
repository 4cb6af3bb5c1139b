"""A rolling one-second window of starts: the 30/s caps of Metrica (per IP) and Telegram."""

from __future__ import annotations

import asyncio
import time
from collections import deque
from collections.abc import Awaitable, Callable

_WINDOW = 1.0


class RateWindow:
    """At most `per_second` starts in any rolling second; callers wait their turn."""

    def __init__(
        self,
        per_second: int,
        *,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
    ) -> None:
        if per_second < 1:
            raise ValueError("per_second must be positive")
        self._per_second = per_second
        self._clock = clock
        self._sleep = sleep
        self._starts: deque[float] = deque()

    async def acquire(self) -> None:
        """Wait until one more start fits in the window, then take it."""
        while True:
            now = self._clock()
            while self._starts and self._starts[0] <= now - _WINDOW:
                self._starts.popleft()
            if len(self._starts) < self._per_second:
                self._starts.append(now)
                return
            await self._sleep(self._starts[0] + _WINDOW - now)
