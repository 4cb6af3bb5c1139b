"""Quota keys and this process's request limiter.

Metrica allows 5000 reads per login per day, 3 parallel requests per login and 30 requests
per second per IP. Quotas are keyed by the token's Yandex login, else by a fingerprint of the
token, so no table or log ever holds a token. The day's counts and the parallel slots shared
by every process live behind a RequestGate (gate.py); the limiter here keeps this process's
own requests in line first (3 per key, METRICA_REQUESTS_PER_SECOND) and forgets a key as soon
as it is idle. Metrica counts 30 a second per IP: N processes behind one IP share them.
"""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from dataclasses import dataclass

from bot.ratewindow import RateWindow

FINGERPRINT_PREFIX = "fp:"


def token_fingerprint(token: str) -> str:
    """A stable, non-reversible key for a token: the first 32 hex chars of its sha256."""
    return hashlib.sha256(token.encode()).hexdigest()[:32]


def quota_key(login: str | None, fingerprint: str) -> str:
    """What Metrica counts a token's requests against: its login (case-folded), else itself."""
    if login:
        return login.strip().lower()
    return FINGERPRINT_PREFIX + fingerprint


@dataclass(slots=True)
class _KeyState:
    """The slots of one key and who is using or waiting for them."""

    semaphore: asyncio.Semaphore
    users: int = 0
    in_flight: int = 0


class RequestLimiter:
    """At most N requests in flight per key and M per rolling second (start to answer + 1 s)."""

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
        self._keys: dict[str, _KeyState] = {}

    @asynccontextmanager
    async def slot(self, key: str) -> AsyncIterator[None]:
        """Hold one of this key's parallel slots and one start of the per-second budget."""
        state = self._keys.get(key)
        if state is None:
            state = self._keys[key] = _KeyState(asyncio.Semaphore(self._per_token))
        state.users += 1
        try:
            async with state.semaphore, self._rate.slot():
                state.in_flight += 1
                try:
                    yield
                finally:
                    state.in_flight -= 1
        finally:
            state.users -= 1
            if state.users == 0:
                # Nobody holds or awaits it: a key seen once (a junk token) costs nothing after.
                del self._keys[key]

    def in_flight(self, key: str) -> int:
        """Requests with this key running right now."""
        state = self._keys.get(key)
        return state.in_flight if state else 0

    def tracked(self) -> int:
        """Keys with a request running or waiting (the only ones kept in memory)."""
        return len(self._keys)
