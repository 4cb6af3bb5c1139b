"""Telegram's flood limits and injected failures for the fake Bot API.

Limits (only when the fake's `enforce_limits` is on): 30 messages per rolling second overall,
20 per rolling minute per group, supergroup or channel, and one per second per private chat
with a burst of 3 (a token bucket). A refused request answers 429 with `retry_after`.
"""

from __future__ import annotations

import math
import time
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass

from fakes.telegram_world import ApiError

GLOBAL_PER_SECOND = 30
GROUP_PER_MINUTE = 20
PRIVATE_PER_SECOND = 1.0
PRIVATE_BURST = 3


class RateLimiter:
    """Sliding windows plus a per-private-chat token bucket; `check` records allowed sends."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self._clock = clock
        self._global: deque[float] = deque()
        self._groups: dict[int, deque[float]] = {}
        self._buckets: dict[int, tuple[float, float]] = {}  # chat -> (tokens, at)

    def check(self, chat_id: int, *, private: bool) -> int | None:
        """None if the send is allowed (and counted), else the seconds to wait."""
        now = self._clock()
        waits = [_window_wait(self._global, GLOBAL_PER_SECOND, 1.0, now)]
        if private:
            tokens, at = self._buckets.get(chat_id, (float(PRIVATE_BURST), now))
            tokens = min(float(PRIVATE_BURST), tokens + (now - at) * PRIVATE_PER_SECOND)
            waits.append(0.0 if tokens >= 1 else (1 - tokens) / PRIVATE_PER_SECOND)
        else:
            window = self._groups.setdefault(chat_id, deque())
            waits.append(_window_wait(window, GROUP_PER_MINUTE, 60.0, now))
        wait = max(waits)
        if wait > 0:
            return max(1, math.ceil(wait))
        self._global.append(now)
        if private:
            self._buckets[chat_id] = (tokens - 1, now)
        else:
            self._groups[chat_id].append(now)
        return None


def _window_wait(window: deque[float], limit: int, span: float, now: float) -> float:
    """Drop expired stamps; seconds until one more fits (0 when it fits now)."""
    while window and window[0] <= now - span:
        window.popleft()
    if len(window) < limit:
        return 0.0
    return window[0] + span - now


@dataclass
class InjectedFailure:
    """A failure `fail_next` queued for a method."""

    method: str
    status: int
    description: str
    retry_after: int | None
    remaining: int

    def error(self) -> ApiError:
        """The Bot API error to answer with."""
        parameters = {"retry_after": self.retry_after} if self.retry_after is not None else None
        return ApiError(self.status, self.description, parameters)


def take_failure(failures: list[InjectedFailure], method: str) -> ApiError | None:
    """Consume one injected failure for this method (case-insensitive), if any."""
    for failure in failures:
        if failure.method.lower() == method.lower():
            failure.remaining -= 1
            if failure.remaining <= 0:
                failures.remove(failure)
            return failure.error()
    return None
