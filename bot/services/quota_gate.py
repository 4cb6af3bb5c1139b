"""The RequestGate of the running bot: allowances and parallel slots per login, in the database.

Before each Metrica attempt one short transaction counts the request against the login's
allowance of its kind (monitor share or command reserve) and leases one of the login's three
slots; after it, another gives the slot back. So every process sees every request the moment
it is made, the allowance holds exactly, and no login has more than three requests in flight
whichever processes send them. A process that dies holding a slot loses it when its lease ends.

(Freeing slots lazily, with the next request's transaction, was tried: no faster on SQLite,
and requests then waited for slots whose freeing sat in another transaction's queue.)
"""

from __future__ import annotations

import asyncio
import logging
import random
import secrets
import time
from collections.abc import Awaitable, Callable
from datetime import date

from sqlalchemy.ext.asyncio import AsyncSession

from bot.metrica import Allowance, Caller, RequestKind, Ticket, Unavailable
from bot.metrica.gate import PARALLEL_PER_LOGIN, allowance_spent
from bot.storage.db import SessionFactory
from bot.storage.quota import LoginSlotRepository, RequestCountRepository

log = logging.getLogger(__name__)

SLOT_LEASE_SECONDS = 90.0  # longer than one HTTP attempt (20 s timeout) with a wide margin
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

    async def acquire(self, caller: Caller, day: date) -> Ticket:
        """Count the request and lease a slot in one transaction; wait while all are busy."""
        holder = secrets.token_hex(8)
        deadline = self._clock() + SLOT_WAIT_SECONDS
        wait = _FIRST_WAIT
        while True:
            slot = await self._try(caller, day, holder)
            if slot is not None:
                return Ticket(caller, day, slot, holder)
            if self._clock() >= deadline:
                raise Unavailable("every parallel slot of this login stayed busy")
            # Jitter keeps processes waiting for one login from retrying in step.
            await self._sleep(wait * (0.5 + random.random()))  # noqa: S311
            wait = min(_LONGEST_WAIT, wait * 2)

    async def _try(self, caller: Caller, day: date, holder: str) -> int | None:
        """One attempt: AllowanceSpent, a slot, or None when every slot is busy."""
        try:
            async with self._sessions.begin() as session:
                return await self._take(session, caller, day, holder)
        except _Busy:
            return None  # rolled back: the request was not counted

    async def _take(self, session: AsyncSession, caller: Caller, day: date, holder: str) -> int:
        """The count, then a slot (on the login's first request anywhere: make its slots).

        No two gate transactions wait for each other: the count's row lock comes first, taking
        skips locked slots, and slots are only created when there are none (never waiting on
        a slot another transaction holds).
        """
        limit = self.allowance.limit(caller.kind)
        if not await RequestCountRepository(session).take(caller.key, day, caller.kind, limit):
            raise allowance_spent(caller, day)
        slots = LoginSlotRepository(session)
        slot = await slots.take(caller.key, holder, SLOT_LEASE_SECONDS)
        if slot is None and await slots.count(caller.key) < PARALLEL_PER_LOGIN:
            await slots.ensure(caller.key, PARALLEL_PER_LOGIN)
            slot = await slots.take(caller.key, holder, SLOT_LEASE_SECONDS)
        if slot is None:
            raise _Busy
        return slot

    async def release(self, ticket: Ticket) -> None:
        """Give the slot back."""
        async with self._sessions.begin() as session:
            await LoginSlotRepository(session).free([ticket.holder])

    async def close(self) -> None:
        """Nothing is held beyond a release."""

    async def spent(self, key: str, day: date) -> None:
        """Metrica refused the login for the day: both allowances are used up in our books too."""
        limits = {str(kind): self.allowance.limit(kind) for kind in RequestKind}
        async with self._sessions.begin() as session:
            await RequestCountRepository(session).saturate(key, day, limits)
        log.warning("Metrica says the daily quota of a login is spent; it rests until 00:00 UTC")
