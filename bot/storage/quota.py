"""Per-login request counts per UTC day and the logins' parallel slots, shared by every process.

Both are taken with one conditional statement each, so two processes can never both take the
last request of an allowance or the last free slot: the count is an INSERT .. ON CONFLICT DO
UPDATE .. WHERE count < limit, the slot an UPDATE of a free row locked with SKIP LOCKED (on
SQLite writers are serialised anyway). Slot leases are judged by the database's clock.
"""

from __future__ import annotations

from collections.abc import Callable, Collection
from datetime import date
from typing import cast

from sqlalchemy import Table, and_, bindparam, case, delete, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.dbclock import db_now
from bot.storage.models import Credential, LoginSlot, RequestCount
from bot.storage.upsert import dialect_insert, upsert

_COUNTS = cast(Table, RequestCount.__table__)
_RESERVE_TRIES = 5
_SLOTS = cast(Table, LoginSlot.__table__)


class RequestCountRepository:
    """Reads and writes request counts; never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def take(self, key: str, day: date, kind: str, limit: int) -> bool:
        """Count one request unless the day's count of this kind reached `limit`."""
        if limit <= 0:
            return False
        insert = dialect_insert(self._session)
        # Core on the table, not the ORM entity: the same SQL without the ORM's DML
        # bookkeeping, which cost about as much as the statement itself on every request.
        counts = _COUNTS.c
        statement = insert(_COUNTS).values(key=key, day=day, kind=kind, count=1)
        counted = statement.on_conflict_do_update(
            index_elements=["key", "day", "kind"],
            set_={"count": counts.count + 1},
            where=counts.count < limit,
        ).returning(counts.count)
        return (await self._session.execute(counted)).first() is not None

    async def reserve(
        self, key: str, day: date, kind: str, limit: int, size: Callable[[int], int]
    ) -> int:
        """Count a block of requests at once, never past `limit`; how many were counted.

        The block one process will make (the monitor's, see services/quota_gate.py): `size`
        says how many of the day's `left` to take; the same conditional upsert as `take`.
        """
        counts = _COUNTS.c
        for _ in range(_RESERVE_TRIES):
            current = await self._session.scalar(
                select(counts.count).where(
                    counts.key == key, counts.day == day, counts.kind == kind
                )
            )
            left = limit - int(current or 0)
            granted = min(size(left), left)
            if granted <= 0:
                return 0
            statement = dialect_insert(self._session)(_COUNTS).values(
                key=key, day=day, kind=kind, count=granted
            )
            counted = statement.on_conflict_do_update(
                index_elements=["key", "day", "kind"],
                set_={"count": counts.count + granted},
                where=counts.count + granted <= limit,
            ).returning(counts.count)
            if (await self._session.execute(counted)).first() is not None:
                return granted
        return 0  # others kept counting meanwhile: the caller sees the allowance as spent

    async def give_back(self, rows: Collection[tuple[str, date, str, int]]) -> None:
        """Uncount requests reserved but never made: (key, day, kind, how many) each."""
        counts = _COUNTS.c
        statement = (
            update(_COUNTS)
            .where(
                counts.key == bindparam("g_key"),
                counts.day == bindparam("g_day"),
                counts.kind == bindparam("g_kind"),
            )
            .values(
                count=case(
                    (counts.count > bindparam("g_n"), counts.count - bindparam("g_n")), else_=0
                )
            )
        )
        params = [{"g_key": k, "g_day": d, "g_kind": kind, "g_n": n} for k, d, kind, n in rows]
        if params:
            await self._session.execute(statement, params)

    async def saturate(self, key: str, day: date, limits: dict[str, int]) -> None:
        """Raise the day's counts to their limits (Metrica said the login's day is over)."""
        rows = [{"key": key, "day": day, "kind": kind, "count": n} for kind, n in limits.items()]
        statement = dialect_insert(self._session)(RequestCount).values(rows)
        higher = case(
            (RequestCount.count < statement.excluded.count, statement.excluded.count),
            else_=RequestCount.count,
        )
        await self._session.execute(
            statement.on_conflict_do_update(
                index_elements=["key", "day", "kind"], set_={"count": higher}
            )
        )

    async def used(self, keys: Collection[str], day: date, kind: str) -> dict[str, int]:
        """The day's count of one kind for each of the keys (absent: none yet)."""
        rows = await self._session.execute(
            select(RequestCount.key, RequestCount.count).where(
                RequestCount.key.in_(list(keys)),
                RequestCount.day == day,
                RequestCount.kind == kind,
            )
        )
        return {str(key): int(count) for key, count in rows}

    async def add(self, key: str, day: date, kind: str, count: int) -> None:
        """Add requests counted elsewhere (tests and migrations of old counts)."""
        row = {"key": key, "day": day, "kind": kind, "count": count}
        keys = ("key", "day", "kind")
        await upsert(
            self._session, RequestCount, [row], keys=keys, update=(), accumulate=("count",)
        )

    async def purge(self, before: date) -> None:
        """Forget days before this one: they limit nothing any more."""
        await self._session.execute(delete(RequestCount).where(RequestCount.day < before))


class LoginSlotRepository:
    """Leases the parallel-request slots of logins; never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def take(self, key: str, holder: str, seconds: float) -> int | None:
        """Lease a free slot of the login for `seconds`; None when all are busy (or missing)."""
        now = db_now(self._session)
        slots = _SLOTS.c  # Core, as in RequestCountRepository.take
        free = (
            select(slots.slot)
            .where(slots.key == key, or_(slots.until.is_(None), slots.until < now))
            .order_by(slots.slot)
            .limit(1)
            .with_for_update(skip_locked=True)
            .scalar_subquery()
        )
        taken = await self._session.execute(
            update(_SLOTS)
            .where(slots.key == key, slots.slot == free)
            .values(holder=holder, until=db_now(self._session, plus=seconds))
            .returning(slots.slot)
        )
        slot = taken.scalar()
        return None if slot is None else int(slot)

    async def count(self, key: str) -> int:
        """How many slots the login has (none before its first request anywhere)."""
        found = await self._session.scalar(
            select(func.count()).select_from(LoginSlot).where(LoginSlot.key == key)
        )
        return int(found or 0)

    async def ensure(self, key: str, slots: int) -> None:
        """Create the login's slots if this is its first request anywhere."""
        rows = [{"key": key, "slot": n, "holder": None, "until": None} for n in range(slots)]
        await upsert(self._session, LoginSlot, rows, keys=("key", "slot"), update=())

    async def free(self, holders: Collection[str]) -> None:
        """Give slots back, unless their lease ran out and someone else holds them now."""
        await self._session.execute(
            update(_SLOTS).where(_SLOTS.c.holder.in_(list(holders))).values(holder=None, until=None)
        )

    async def purge_orphans(self) -> None:
        """Drop idle slots of keys no saved credential has (tokens checked but never saved)."""
        owned = exists().where(Credential.quota_key == LoginSlot.key)
        idle = or_(LoginSlot.until.is_(None), LoginSlot.until < db_now(self._session))
        await self._session.execute(delete(LoginSlot).where(and_(~owned, idle)))
