"""Quiet polls: the list is the one seen last, so only the schedule is written, many at once.

A poll whose answer has the digest of the list recorded last (and that was recorded as a
baseline) cannot hold a change: the snapshot already has every status. Only a stuck warning
could come due with time, and the full path recorded when (`counters.stuck_due_at`): past
that, the full path again. Everything else skips the snapshot, the diff and the ORM: the
schedule is queued here and written with other polls' in one transaction (`ScheduleBatch`),
and each poll waits for its own write, so a poll that ends has its schedule committed.
"""

from __future__ import annotations

import asyncio
import contextlib
from datetime import datetime

from bot.metrica import Listing
from bot.storage.db import SessionFactory
from bot.storage.polling import PollJob
from bot.storage.schedules import QuietPoll, ScheduleRepository

BATCH_SIZE = 16  # one claim's worth of counters (POLL_CONCURRENCY)
BATCH_DELAY = 0.05  # seconds a schedule may wait for others before it is written


def quiet_hot(job: PollJob, listing: Listing, now: datetime) -> bool | None:
    """For a quiet poll whether the counter is hot (unfinished uploadings); else None.

    Quiet: the list recorded last (after a baseline), and no stuck warning due yet (one needs
    the snapshot, to know who was warned).
    """
    if not (listing.same and job.has_baseline):
        return None
    if job.stuck_due_at is not None and now > job.stuck_due_at:
        return None
    if job.list_unfinished is not None:
        return job.list_unfinished  # known: the answer need not even be decoded
    return listing.has_unfinished()


class ScheduleBatch:
    """Collects quiet polls' schedules and writes them together."""

    def __init__(
        self,
        sessions: SessionFactory,
        owner: str,
        *,
        size: int = BATCH_SIZE,
        delay: float = BATCH_DELAY,
    ) -> None:
        self._sessions = sessions
        self._owner = owner
        self._size = size
        self._delay = delay
        self._pending: list[tuple[QuietPoll, asyncio.Future[bool]]] = []
        self._full = asyncio.Event()
        self._writer: asyncio.Task[None] | None = None

    async def write(self, poll: QuietPoll) -> bool:
        """Queue one schedule and wait until it is written; False when the claim was lost."""
        future: asyncio.Future[bool] = asyncio.get_running_loop().create_future()
        self._pending.append((poll, future))
        if len(self._pending) >= self._size:
            self._full.set()
        if self._writer is None or self._writer.done():
            self._writer = asyncio.create_task(self._write_all(), name="poller-schedules")
        return await future

    async def _write_all(self) -> None:
        """Write batches until nothing is pending (new ones may queue during a write)."""
        while self._pending:
            with contextlib.suppress(TimeoutError):
                async with asyncio.timeout(self._delay):
                    await self._full.wait()
            self._full.clear()
            batch, self._pending = self._pending[: self._size], self._pending[self._size :]
            if len(self._pending) >= self._size:
                self._full.set()
            await self._write(batch)

    async def _write(self, batch: list[tuple[QuietPoll, asyncio.Future[bool]]]) -> None:
        """One transaction for the batch; its outcome (or error) goes to every poll in it."""
        try:
            async with self._sessions.begin() as session:
                held = await ScheduleRepository(session).reschedule_quiet(
                    self._owner, [poll for poll, _ in batch]
                )
        except Exception as exc:
            for _, future in batch:
                if not future.done():
                    future.set_exception(exc)
            return
        for poll, future in batch:
            if not future.done():
                future.set_result(poll.counter_id in held)
