"""What keeps commands inside the quota, in this process: per-user rate, one fetch per counter.

Commands run in the one process that receives updates, so this state lives in its memory.
Every structure forgets a key as soon as it no longer limits anything: a user's window once
their last request is a minute old, a fetch once it is done, a list beyond the newest few.
"""

from __future__ import annotations

import asyncio
import math
import time
from collections import OrderedDict, deque
from collections.abc import Awaitable, Callable, Hashable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Generic, TypeVar

from bot.domain import Uploading, newest_first

K = TypeVar("K", bound=Hashable)
V = TypeVar("V")
WINDOW_SECONDS = 60.0
LIST_CACHE_SIZE = 128


def payer(user_id: int | None, chat_id: int) -> int:
    """Whose budget a request comes from: the user's, or the chat's when posted as the chat."""
    return user_id if user_id is not None else chat_id


class UserRate:
    """At most `per_minute` requests per user in any rolling minute."""

    def __init__(self, per_minute: int, *, clock: Callable[[], float] = time.monotonic) -> None:
        self._per_minute = per_minute
        self._clock = clock
        self._starts: dict[int, deque[float]] = {}
        self._sweep_at = 64
        self._next_sweep = clock() + WINDOW_SECONDS

    def take(self, user: int) -> int | None:
        """Count one request for the user; None if allowed, else whole seconds to wait."""
        now = self._clock()
        self._sweep(now)
        starts = self._starts.get(user)
        if starts is None:
            starts = self._starts[user] = deque()
        _expire(starts, now)
        if len(starts) >= self._per_minute:
            return max(1, math.ceil(starts[0] + WINDOW_SECONDS - now))
        starts.append(now)
        return None

    def __len__(self) -> int:
        """Users remembered right now."""
        return len(self._starts)

    def _sweep(self, now: float) -> None:
        """Forget users with an empty window: once a minute, or when many (O(1) amortised)."""
        if len(self._starts) < self._sweep_at and now < self._next_sweep:
            return
        for user in [user for user, starts in self._starts.items() if not _expire(starts, now)]:
            del self._starts[user]
        self._sweep_at = max(64, 2 * len(self._starts))
        self._next_sweep = now + WINDOW_SECONDS


def _expire(starts: deque[float], now: float) -> int:
    """Drop starts older than the window; how many are left."""
    while starts and starts[0] <= now - WINDOW_SECONDS:
        starts.popleft()
    return len(starts)


class SingleFlight(Generic[K, V]):
    """One running fetch per key; whoever asks meanwhile waits for its result."""

    def __init__(self) -> None:
        self._running: dict[K, asyncio.Future[V]] = {}

    def running(self, key: K) -> asyncio.Future[V] | None:
        """The fetch running for this key, if any."""
        return self._running.get(key)

    async def run(self, key: K, fetch: Callable[[], Awaitable[V]]) -> V:
        """Start the fetch, or join the one running; the result (or error) is shared."""
        running = self._running.get(key)
        if running is not None:
            return await asyncio.shield(running)
        future: asyncio.Future[V] = asyncio.get_running_loop().create_future()
        self._running[key] = future
        try:
            value = await fetch()
        except BaseException as exc:
            future.set_exception(exc)
            future.exception()  # retrieved: nobody may be waiting
            raise
        else:
            future.set_result(value)
            return value
        finally:
            del self._running[key]

    def __len__(self) -> int:
        """Fetches running."""
        return len(self._running)


@dataclass(frozen=True, slots=True)
class FetchedList:
    """A counter's list as read from Metrica (or the database), with its digest and time."""

    uploadings: list[Uploading]
    digest: str
    at: datetime
    stored_at: datetime | None = None  # when a fetch of this process committed it


@dataclass
class ListCache:
    """The newest parsed lists by counter, each with the digest it was stored under."""

    size: int = LIST_CACHE_SIZE
    _lists: OrderedDict[int, FetchedList] = field(default_factory=OrderedDict)
    _newest: dict[int, tuple[str, list[Uploading]]] = field(default_factory=dict)

    def get(self, counter_id: int, digest: str | None) -> FetchedList | None:
        """The parsed list if the cached one is the stored one."""
        cached = self._lists.get(counter_id)
        if cached is None or cached.digest != digest:
            return None
        self._lists.move_to_end(counter_id)
        return cached

    def fetched_since(self, counter_id: int, since: datetime) -> FetchedList | None:
        """A list fetched from Metrica, or stored by a fetch of ours, at or after `since`.

        Stored counts too: a reader that began before the fetch committed did not see it.
        """
        cached = self._lists.get(counter_id)
        if cached is None:
            return None
        stored = cached.stored_at is not None and cached.stored_at >= since
        return cached if cached.at >= since or stored else None

    def put(self, counter_id: int, fetched: FetchedList) -> None:
        """Remember a list; the least recently used goes beyond `size`."""
        self._lists[counter_id] = fetched
        self._lists.move_to_end(counter_id)
        while len(self._lists) > self.size:
            gone, _ = self._lists.popitem(last=False)
            self._newest.pop(gone, None)

    def newest(self, counter_id: int, found: FetchedList) -> list[Uploading]:
        """The list newest first, sorted once per cached list (a digest is one list)."""
        cached = self._lists.get(counter_id)
        if cached is None or cached.digest != found.digest:
            return newest_first(found.uploadings)
        known = self._newest.get(counter_id)
        if known is not None and known[0] == found.digest:
            return known[1]
        ordered = newest_first(found.uploadings)
        self._newest[counter_id] = (found.digest, ordered)
        return ordered

    def __len__(self) -> int:
        """Lists cached."""
        return len(self._lists)


@dataclass
class CommandBudget:
    """The in-process parts of the commands' budget."""

    rate: UserRate
    fetches: SingleFlight[int, FetchedList] = field(default_factory=SingleFlight)
    lists: ListCache = field(default_factory=ListCache)

    def tracked(self) -> dict[str, int]:
        """How many keys each structure holds (memory checks)."""
        return {"users": len(self.rate), "fetches": len(self.fetches), "lists": len(self.lists)}
