"""Where each Metrica request asks first: its login's allowance for the day and a parallel slot.

Metrica counts 5000 requests a day and 3 parallel requests per Yandex login. The client asks
a `RequestGate` before every attempt (`acquire`: take one request of the caller's allowance and
one of the login's slots, or raise) and gives the slot back after it (`release`); `spent`
records that Metrica itself said the login's day is over. The monitor and the commands have
separate allowances (`Allowance`), so commands never eat the monitor's share.

bot.services.quota_gate keeps all of it in the database, shared by every process; `MemoryGate`
keeps it in this process (unit tests, benchmarks).
"""

from __future__ import annotations

import enum
import math
from dataclasses import dataclass, field
from datetime import date
from typing import Protocol

from bot.clock import next_day_start
from bot.metrica.errors import AllowanceSpent, Unavailable

PARALLEL_PER_LOGIN = 3


class RequestKind(enum.StrEnum):
    """Who spends a request: the background monitor, or a user's command."""

    MONITOR = "monitor"
    COMMAND = "command"


@dataclass(frozen=True, slots=True)
class Caller:
    """The quota a request is counted against: a login (or a token's fingerprint) and a kind."""

    key: str
    kind: RequestKind


@dataclass(frozen=True, slots=True)
class Allowance:
    """Requests a login may make a day: the monitor's share and the commands' reserve."""

    daily: int
    share: float

    @property
    def monitor(self) -> int:
        """DAILY_QUOTA × QUOTA_SHARE, rounded down: the monitor never goes past it."""
        return math.floor(self.daily * self.share + 1e-9)

    @property
    def command(self) -> int:
        """What is left of the day for commands."""
        return max(0, self.daily - self.monitor)

    def limit(self, kind: RequestKind) -> int:
        """The day's limit for one kind of request."""
        return self.monitor if kind is RequestKind.MONITOR else self.command

    def admits(self, kind: RequestKind, used: int) -> bool:
        """Whether one more request fits after `used` today (the database asks the same)."""
        return used < self.limit(kind)


@dataclass(frozen=True, slots=True)
class Ticket:
    """A granted request: whose, which day, which slot, and a holder id to give it back."""

    caller: Caller
    day: date
    slot: int
    holder: str


class RequestGate(Protocol):
    """The allowance and the parallel slots of every login, asked before each attempt."""

    async def acquire(self, caller: Caller, day: date) -> Ticket:
        """Count one request and take a slot; AllowanceSpent, or Unavailable if none frees."""

    async def release(self, ticket: Ticket) -> None:
        """Give the slot back (the count stays: the request was made)."""

    async def spent(self, key: str, day: date) -> None:
        """Metrica said the login's day is over: refuse both kinds until the day ends."""

    async def close(self) -> None:
        """Give back whatever is still held (at a stop)."""


def allowance_spent(caller: Caller, day: date) -> AllowanceSpent:
    """The error for a request refused before it was sent."""
    return AllowanceSpent(
        f"the {caller.kind} allowance of this login is spent for {day.isoformat()}",
        kind=str(caller.kind),
        resets_at=next_day_start(day),
    )


@dataclass
class MemoryGate:
    """A RequestGate in this process only: counts per (key, day, kind), slots per key."""

    allowance: Allowance
    parallel: int = PARALLEL_PER_LOGIN
    counts: dict[tuple[str, date, RequestKind], int] = field(default_factory=dict)
    in_flight: dict[str, int] = field(default_factory=dict)
    _issued: int = 0

    async def acquire(self, caller: Caller, day: date) -> Ticket:
        """Refuse past the kind's limit; a busy login is Unavailable (the client retries)."""
        self._forget_before(day)
        key = (caller.key, day, caller.kind)
        if not self.allowance.admits(caller.kind, self.counts.get(key, 0)):
            raise allowance_spent(caller, day)
        if self.in_flight.get(caller.key, 0) >= self.parallel:
            raise Unavailable("every parallel slot of this login is busy")
        self.counts[key] = self.counts.get(key, 0) + 1
        self.in_flight[caller.key] = self.in_flight.get(caller.key, 0) + 1
        self._issued += 1
        return Ticket(caller, day, self.in_flight[caller.key], str(self._issued))

    async def release(self, ticket: Ticket) -> None:
        """One slot less in use; a login with none in flight is forgotten."""
        left = self.in_flight.get(ticket.caller.key, 1) - 1
        if left > 0:
            self.in_flight[ticket.caller.key] = left
        else:
            self.in_flight.pop(ticket.caller.key, None)

    async def spent(self, key: str, day: date) -> None:
        """Both kinds at their limit for the rest of the day."""
        for kind in RequestKind:
            current = self.counts.get((key, day, kind), 0)
            self.counts[(key, day, kind)] = max(current, self.allowance.limit(kind))

    async def close(self) -> None:
        """Nothing is held beyond a release here."""

    def used(self, key: str, day: date, kind: RequestKind = RequestKind.MONITOR) -> int:
        """Requests counted for a login, day and kind."""
        return self.counts.get((key, day, kind), 0)

    def _forget_before(self, day: date) -> None:
        """Earlier days limit nothing any more."""
        for stale in [entry for entry in self.counts if entry[1] < day]:
            del self.counts[stale]
