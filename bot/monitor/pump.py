"""A background loop that claims work and runs each item in its own task, boundedly.

One slow or failing item never holds up the others: items run concurrently (at most
`concurrency` at once), a failure is logged and the loop goes on, and a finished item wakes the
loop to claim more: once `batch` slots are free (claims come in batches), or else once
`interval` passed since the last claim. The loop sleeps what is left of `interval` after
claiming, and `wake()` ends the sleep early. `on_pass` is called after each claim that worked
(or when it waits for free slots): the loop is alive. CancelledError is never swallowed.
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import time
from collections.abc import Awaitable, Callable
from typing import Generic, TypeVar

log = logging.getLogger(__name__)

T = TypeVar("T")
CLEANUP_SECONDS = 1.0  # for a cancelled item's own cleanup at a stop (a write: milliseconds)


class Pump(Generic[T]):
    """claim(free slots) -> items; work(item) for each in its own task."""

    def __init__(
        self,
        name: str,
        *,
        claim: Callable[[int], Awaitable[list[T]]],
        work: Callable[[T], Awaitable[None]],
        concurrency: int,
        interval: float,
        batch: int = 1,
        on_pass: Callable[[], None] = lambda: None,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.name = name
        self._on_pass = on_pass
        self._claim = claim
        self._work = work
        self._concurrency = concurrency
        self._batch = max(1, min(batch, concurrency))
        self._interval = interval
        self._clock = clock
        self._wake = asyncio.Event()
        self._workers: set[asyncio.Task[None]] = set()
        self._loop: asyncio.Task[None] | None = None
        self._claimed_at = -float("inf")

    def start(self) -> None:
        """Run the loop as a background task."""
        if self._loop is None:
            self._loop = asyncio.create_task(self._run(), name=self.name)

    def wake(self) -> None:
        """Claim again now instead of at the end of the interval."""
        self._wake.set()

    async def stop(self, grace: float, *, cleanup: float = CLEANUP_SECONDS) -> None:
        """Stop claiming, give running items `grace` seconds to finish, then cancel them.

        A cancelled item's own cleanup (a parallel slot given back, say) gets `cleanup`
        seconds: a write there waits for a database lock held elsewhere as long as the busy
        timeout allows, past the stop's deadline, so it is cancelled too, and what it held
        expires by its lease.
        """
        loop, self._loop = self._loop, None
        if loop is not None:
            await _cancel(loop)
        if self._workers:
            await asyncio.wait(set(self._workers), timeout=grace)
        if self._workers:  # a stop that hangs past here is explained by this line
            log.warning(
                "%s: %d item(s) still running after %.0f s: cancelling them",
                self.name,
                len(self._workers),
                grace,
            )
        for _ in range(2):  # the item, then its cleanup if that outlasts `cleanup`
            workers = set(self._workers)
            if not workers:
                return
            for worker in workers:
                worker.cancel()
            await asyncio.wait(workers, timeout=cleanup)
        if self._workers:
            log.warning("%s: %d item(s) left to end on their own", self.name, len(self._workers))

    async def run_once(self) -> int:
        """Claim once and wait for the claimed items (tests and single passes); how many ran."""
        started = await self._fill()
        if self._workers:
            await asyncio.wait(set(self._workers))
        return started

    async def _run(self) -> None:
        while True:
            started = self._clock()
            await self._fill()
            await self._sleep(self._interval - (self._clock() - started))

    async def _fill(self) -> int:
        """Claim as many items as there are free slots and start them."""
        free = self._concurrency - len(self._workers)
        early = self._clock() - self._claimed_at < self._interval
        if free <= 0 or (self._workers and free < self._batch and early):
            # Busy is alive. A claim is a transaction: wait until `batch` slots are free
            # rather than claim for each slot that frees (one claim per item).
            self._on_pass()
            return 0
        self._claimed_at = self._clock()
        try:
            items = await self._claim(free)
        except Exception:
            # A database hiccup must not end the loop: try again next interval.
            log.exception("%s: claiming work failed", self.name)
            return 0
        self._on_pass()
        for item in items:
            worker = asyncio.create_task(self._guarded(item), name=f"{self.name}-item")
            self._workers.add(worker)
            worker.add_done_callback(self._workers.discard)
        return len(items)

    async def _guarded(self, item: T) -> None:
        try:
            await self._work(item)
        except Exception:
            log.exception("%s: one item failed; the others go on", self.name)
        finally:
            # The slot is free now, not when the done callback runs (after the woken loop).
            self._workers.discard(asyncio.current_task())
            self._wake.set()  # a slot is free: more may be claimed

    async def _sleep(self, seconds: float) -> None:
        if seconds > 0 and not self._wake.is_set():
            # asyncio.timeout, not wait_for: on 3.11 wait_for can swallow a cancellation that
            # arrives as the event is set, and stop() would wait for the loop forever.
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(seconds):
                    await self._wake.wait()
        self._wake.clear()


async def _cancel(task: asyncio.Task[None]) -> None:
    """Cancel a task and wait for it; re-raise if it is we who are being cancelled."""
    task.cancel()
    try:
        await task
    except asyncio.CancelledError:
        current = asyncio.current_task()
        if current is not None and current.cancelling():
            raise
    except Exception:
        log.exception("background task %s failed while stopping", task.get_name())


async def every(
    seconds: float,
    job: Callable[[], Awaitable[None]],
    *,
    name: str,
    clock: Callable[[], float] = time.monotonic,
) -> None:
    """Run `job` every `seconds` (work time subtracted) until cancelled; failures are logged."""
    while True:
        started = clock()
        try:
            await job()
        except Exception:
            log.exception("%s failed; trying again in %.0f s", name, seconds)
        await asyncio.sleep(max(0.0, seconds - (clock() - started)))


cancel_task = _cancel
