"""One at a time, the earliest first: the reads of a burst of answers, in the updates' order.

With many updates handled at once, each database read yields to the other handlers, so a
burst's answers were all ready together, when the last one was (BENCHMARKS.md §9, 15d/15e).
A `Lane` lets one reader in at a time and, when it is free, the waiter with the smallest
`order` (the update id) goes next, whenever it came. An answer reads in two steps (the chat's
language, then the link and the list): by order, the first update's second step comes before
the later updates' first steps, so reply k leaves after about k answers' reads, not after all.

The turn is handed on at the next pass of the event loop, not at once, so that a reader
coming straight back for its next step (no wait in between) is among the waiters then. Only
database reads belong in a turn: never a Metrica request, a message or a write that may wait
for a lock. The price: answers from memory are at most one per two read transactions. In the
benchmark (SQLite, replies being sent meanwhile) an answer's two turns take 15-23 ms, 40-65
answers a second; a database so far away that they took over 33 ms would keep answers under
Telegram's 30 a second.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import math
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager

LAST = math.inf  # the order of a reader that is not answering an update: after them all


class Lane:
    """An asyncio lock whose waiters go in by `order` (then in the order they came)."""

    def __init__(self) -> None:
        self._busy = False
        self._handing_on = False
        self._waiting: list[tuple[float, int, asyncio.Future[None]]] = []
        self._arrivals = itertools.count()

    @asynccontextmanager
    async def turn(self, order: float | None = None) -> AsyncIterator[None]:
        """Wait for this reader's turn (None: after every update) and hold it in the block."""
        await self._enter(LAST if order is None else order)
        try:
            yield
        finally:
            self._leave()

    @property
    def busy(self) -> bool:
        """Whether a reader holds the lane (for tests)."""
        return self._busy

    def waiting(self) -> int:
        """Readers waiting for their turn (for tests)."""
        return sum(not future.done() for _, _, future in self._waiting)

    async def _enter(self, order: float) -> None:
        if not self._busy and not self._waiting:
            self._busy = True
            return
        future = asyncio.get_running_loop().create_future()
        heapq.heappush(self._waiting, (order, next(self._arrivals), future))
        self._hand_on_soon()
        try:
            await future
        except asyncio.CancelledError:
            if future.done() and not future.cancelled():
                self._leave()  # given the turn, then cancelled before it ran: pass it on
            raise

    def _leave(self) -> None:
        self._busy = False
        self._hand_on_soon()

    def _hand_on_soon(self) -> None:
        if not self._busy and self._waiting and not self._handing_on:
            self._handing_on = True
            asyncio.get_running_loop().call_soon(self._hand_on)

    def _hand_on(self) -> None:
        self._handing_on = False
        while not self._busy and self._waiting:
            _, _, future = heapq.heappop(self._waiting)
            if not future.done():  # a waiter cancelled meanwhile is skipped
                future.set_result(None)
                self._busy = True
