"""The RequestGate of the running bot: allowances and parallel slots per login, in the database.

A command's request: one short transaction counts it against the login's command reserve and
leases one of the login's three slots; after it, another gives the slot back. The monitor's
requests, most of the traffic, go through what this process keeps (metrica/keep.py): a block
of the login's monitor share counted at once, and slots kept a moment between requests, so a
quiet poll usually writes nothing here. Either way no process ever counts past an allowance,
no login has more than three requests in flight whichever processes send them, and a process
that dies holding a slot loses it when its lease ends.

(Freeing slots lazily, with the next request's transaction, was tried: no faster on SQLite,
and requests then waited for slots whose freeing sat in another transaction's queue.)
"""

from __future__ import annotations

import asyncio
import contextlib
import logging
import random
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.metrica import Allowance, Caller, RequestKind, Ticket, Unavailable
from bot.metrica.gate import PARALLEL_PER_LOGIN, allowance_spent
from bot.metrica.keep import KEEP_IDLE, Keep, block_size
from bot.storage.db import SessionFactory
from bot.storage.quota import LoginSlotRepository, RequestCountRepository

log = logging.getLogger(__name__)

# Longer than one HTTP attempt (20 s timeout) with a wide margin, also for a slot this process
# keeps (metrica/keep.py: used at most KEEP_FOR = 60 s after its lease began).
SLOT_LEASE_SECONDS = 120.0
SLOT_WAIT_SECONDS = 30.0  # then Unavailable: the client's retry policy takes over
_FIRST_WAIT, _LONGEST_WAIT = 0.05, 0.5


class _Busy(Exception):
    """Every slot is leased: roll the count back and wait."""


class DatabaseGate:
    """Counts and slots in the tables request_counts and login_slots."""

    def __init__(
        self,
        sessions: SessionFactory,
        allowance: Allowance,
        *,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._sessions = sessions
        self.allowance = allowance
        self._sleep = sleep
        self._clock = clock
        self._keep = Keep(clock)
        self._freeing: asyncio.Task[None] | None = None

    async def acquire(self, caller: Caller, day: date) -> Ticket:
        """Count the request and lease a slot (kept ones first); wait while all are busy."""
        holder = secrets.token_hex(8)
        deadline = self._clock() + SLOT_WAIT_SECONDS
        wait = _FIRST_WAIT
        while True:
            ticket = await self._attempt(caller, day, holder)
            if ticket is not None:
                return ticket
            if self._clock() >= deadline:
                raise Unavailable("every parallel slot of this login stayed busy")
            # Jitter keeps processes waiting for one login from retrying in step.
            await self._sleep(wait * (0.5 + random.random()))  # noqa: S311
            wait = min(_LONGEST_WAIT, wait * 2)

    async def _attempt(self, caller: Caller, day: date, holder: str) -> Ticket | None:
        """The request counted and a slot, from what is kept here or else from the database.

        None when every slot is busy; whatever was taken from the keep goes back to it then.
        """
        # A slot the monitor keeps here serves a command too: it is this process's already.
        kept = self._keep.reuse(caller.key)
        counted = caller.kind is RequestKind.MONITOR and self._keep.spend(caller.key, day)
        if kept is not None and counted:
            return Ticket(caller, day, kept.slot, kept.holder)
        taken = None
        try:
            taken = await self._try(caller, day, holder, counted=counted, slot=kept is None)
        finally:
            if taken is None:  # not made: what the keep lent goes back
                if kept is not None:
                    self._keep.unuse(kept)
                if counted:
                    self._keep.add_block(caller.key, day, 1)
        if taken is None:
            return None
        slot, block = taken
        if caller.kind is RequestKind.MONITOR:
            self._keep.add_block(caller.key, day, max(0, block - 1))
            kept = kept or self._keep.hold(caller.key, slot, holder)
        if kept is not None:
            return Ticket(caller, day, kept.slot, kept.holder)
        return Ticket(caller, day, slot, holder)

    async def _try(
        self, caller: Caller, day: date, holder: str, *, counted: bool, slot: bool
    ) -> tuple[int, int] | None:
        """One transaction: the count unless `counted`, a slot if `slot`; None when all busy.

        Returns the slot leased (-1 when none was asked) and how many requests were counted.
        AllowanceSpent when the login's allowance of the kind is used up.
        """
        try:
            async with self._sessions.begin() as session:
                block = 0 if counted else await self._count(session, caller, day)
                leased = await self._take(session, caller.key, holder) if slot else -1
                return leased, block
        except _Busy:
            return None  # rolled back: the request was not counted

    async def _count(self, session: AsyncSession, caller: Caller, day: date) -> int:
        """A command's request, or a block of the monitor's: how many were counted."""
        limit = self.allowance.limit(caller.kind)
        counts = RequestCountRepository(session)
        if caller.kind is RequestKind.COMMAND:
            if not await counts.take(caller.key, day, caller.kind, limit):
                raise allowance_spent(caller, day)
            return 1
        block = await counts.reserve(caller.key, day, caller.kind, limit, block_size)
        if block <= 0:
            raise allowance_spent(caller, day)
        return block

    async def _take(self, session: AsyncSession, key: str, holder: str) -> int:
        """A slot of the login (on its first request anywhere: make its slots).

        No two gate transactions wait for each other: the count's row lock comes first, taking
        skips locked slots, and slots are only created when there are none (never waiting on
        a slot another transaction holds).
        """
        slots = LoginSlotRepository(session)
        slot = await slots.take(key, holder, SLOT_LEASE_SECONDS)
        if slot is None and await slots.count(key) < PARALLEL_PER_LOGIN:
            await slots.ensure(key, PARALLEL_PER_LOGIN)
            slot = await slots.take(key, holder, SLOT_LEASE_SECONDS)
        if slot is None:
            raise _Busy
        return slot

    async def release(self, ticket: Ticket) -> None:
        """Give the slot back: kept here a moment (a slot the monitor leased), or freed at once."""
        if self._keep.idle(ticket.caller.key, ticket.holder):
            self._free_later()
            return
        async with self._sessions.begin() as session:
            await LoginSlotRepository(session).free([ticket.holder])

    def _free_later(self) -> None:
        """Free the kept slots once they idled KEEP_IDLE (one transaction for all of them)."""
        if self._freeing is None or self._freeing.done():
            self._freeing = asyncio.create_task(self._free_idle(), name="gate-free-idle")

    async def _free_idle(self) -> None:
        while self._keep.holds_any():
            await self._sleep(KEEP_IDLE / 2)
            holders = self._keep.expired()
            if holders:
                await self._free(holders)

    async def _free(self, holders: list[str]) -> None:
        """Free slots in the database; on failure their leases run out by themselves."""
        try:
            async with self._sessions.begin() as session:
                await LoginSlotRepository(session).free(holders)
            self._keep.forget(holders)
        except Exception:
            self._keep.forget(holders)
            log.exception(
                "could not give back %d kept slots; they free when their leases end", len(holders)
            )

    async def close(self) -> None:
        """Give back the slots kept and the requests counted here but never made."""
        if self._freeing is not None:
            self._freeing.cancel()
            with contextlib.suppress(asyncio.CancelledError):
                await self._freeing
        holders, blocks = self._keep.take_slots(), self._keep.take_blocks()
        if not holders and not blocks:
            return
        monitor = str(RequestKind.MONITOR)
        async with self._sessions.begin() as session:
            await LoginSlotRepository(session).free(holders)
            await RequestCountRepository(session).give_back(
                [(key, day, monitor, n) for key, day, n in blocks]
            )

    async def spent(self, key: str, day: date) -> None:
        """Metrica refused the login for the day: both allowances are used up in our books too."""
        self._keep.drop_blocks(key, day)
        limits = {str(kind): self.allowance.limit(kind) for kind in RequestKind}
        async with self._sessions.begin() as session:
            await RequestCountRepository(session).saturate(key, day, limits)
        log.warning("Metrica says the daily quota of a login is spent; it rests until 00:00 UTC")
