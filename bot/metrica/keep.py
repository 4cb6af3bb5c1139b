"""What a process keeps of the shared gate between requests: counted blocks and idle slots.

The database gate (services/quota_gate.py) would otherwise write three rows in two
transactions around every Metrica request: the count, the slot's lease and its release.
The monitor makes most requests, many per login in a row, so for its requests the process:

* counts a block of the login's day at once (`block_size`: at most BLOCK_MOST, and never more
  than an eighth of what is left, so processes still share the day's end request by request)
  and spends it here; what is left at a clean stop is given back, and a process that dies
  leaves its block counted (never more requests than the allowance, a few fewer at worst);
* keeps a slot it gave back for KEEP_IDLE seconds, for the next request of the same login,
  and uses a slot for KEEP_FOR seconds after leasing it at most (its lease is longer), so a
  busy login leases a slot once a burst. Other processes wait at most KEEP_IDLE longer.

Commands' requests are counted and leased one by one, as before: they are few, and a user's
command should see a slot freed the moment a request ends.
"""

from __future__ import annotations

from collections.abc import Callable, Collection, Iterator
from dataclasses import dataclass, field
from datetime import date

BLOCK_MOST = 32  # requests counted at once: 1 row per 32 monitor requests of a login
BLOCK_SHARE = 8  # a block never takes more than 1/8 of what is left of the day
KEEP_IDLE = 5.0  # seconds an idle slot stays with this process
KEEP_FOR = 60.0  # seconds a slot is used after its lease (SLOT_LEASE_SECONDS, 120) began


def block_size(left: int) -> int:
    """How many of the `left` requests of a login's day to count at once (0: none left)."""
    if left <= 0:
        return 0
    return max(1, min(BLOCK_MOST, left // BLOCK_SHARE))


@dataclass(slots=True)
class KeptSlot:
    """A slot of a login leased by this process: in use by a request, or idle since when."""

    slot: int
    holder: str
    leased_at: float
    busy: bool = True
    idle_since: float = 0.0


@dataclass
class Keep:
    """The blocks counted and the slots leased by this process, per login."""

    clock: Callable[[], float]
    blocks: dict[tuple[str, date], int] = field(default_factory=dict)
    slots: dict[str, list[KeptSlot]] = field(default_factory=dict)

    def spend(self, key: str, day: date) -> bool:
        """Take one request of the login's counted block; False when there is none left."""
        left = self.blocks.get((key, day), 0)
        if left <= 0:
            return False
        self.blocks[(key, day)] = left - 1
        return True

    def add_block(self, key: str, day: date, counted: int) -> None:
        """A block was counted in the database; earlier days' blocks are forgotten."""
        for stale in [entry for entry in self.blocks if entry[1] < day]:
            del self.blocks[stale]
        self.blocks[(key, day)] = self.blocks.get((key, day), 0) + counted

    def drop_blocks(self, key: str, day: date) -> None:
        """Metrica said the login's day is over: nothing counted here may be spent."""
        self.blocks.pop((key, day), None)

    def take_blocks(self) -> list[tuple[str, date, int]]:
        """Every unspent block, forgotten here (to give back at a stop)."""
        left = [(key, day, n) for (key, day), n in self.blocks.items() if n > 0]
        self.blocks.clear()
        return left

    def reuse(self, key: str) -> KeptSlot | None:
        """An idle slot of the login still young enough, now busy; None if there is none."""
        now = self.clock()
        for kept in self.slots.get(key, ()):
            if not kept.busy and now - kept.leased_at < KEEP_FOR:
                kept.busy = True
                return kept
        return None

    def unuse(self, kept: KeptSlot) -> None:
        """A slot taken by `reuse` for a request that was not made: idle as it was."""
        kept.busy = False

    def hold(self, key: str, slot: int, holder: str) -> KeptSlot:
        """A slot just leased in the database, busy with its first request."""
        kept = KeptSlot(slot, holder, self.clock())
        self.slots.setdefault(key, []).append(kept)
        return kept

    def idle(self, key: str, holder: str) -> bool:
        """A request gave its slot back: kept idle if still young; False if not kept here."""
        for kept in self.slots.get(key, ()):
            if kept.holder == holder:
                now = self.clock()
                if now - kept.leased_at >= KEEP_FOR:
                    self._forget(key, kept)
                    return False
                kept.busy, kept.idle_since = False, now
                return True
        return False

    def expired(self) -> list[str]:
        """Holders of slots idle for KEEP_IDLE (or past KEEP_FOR): no longer reused, to free.

        They stay here until `forget` (after the database freed them): a stop meanwhile
        still frees them.
        """
        now = self.clock()
        due = [
            kept
            for _, kept in self._all()
            if not kept.busy
            and (now - kept.idle_since >= KEEP_IDLE or now - kept.leased_at >= KEEP_FOR)
        ]
        for kept in due:
            kept.busy = True
        return [kept.holder for kept in due]

    def forget(self, holders: Collection[str]) -> None:
        """Slots freed in the database."""
        for key, kept in list(self._all()):
            if kept.holder in holders:
                self._forget(key, kept)

    def take_slots(self) -> list[str]:
        """Every slot's holder, forgotten here (to free at a stop)."""
        holders = [kept.holder for _, kept in self._all()]
        self.slots.clear()
        return holders

    def holds_any(self) -> bool:
        """Whether any slot is kept here."""
        return bool(self.slots)

    def _all(self) -> Iterator[tuple[str, KeptSlot]]:
        for key, kept_slots in self.slots.items():
            for kept in kept_slots:
                yield key, kept

    def _forget(self, key: str, kept: KeptSlot) -> None:
        kept_slots = self.slots.get(key, [])
        if kept in kept_slots:
            kept_slots.remove(kept)
        if not kept_slots:
            self.slots.pop(key, None)
