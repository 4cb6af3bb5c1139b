"""Which counters are due, who polls them (leases), with which tokens, and their schedule.

A process claims counters one by one (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite
serialises writers with BEGIN IMMEDIATE): due, unleased by the database's clock, not in
flight in this process. Each claim bumps the counter's lease generation; every write after the
poll (snapshot, outbox, schedule, pause) holds only under the same owner and generation, so a
poll that outlived its lease commits nothing. Metrica's per-login limits are the RequestGate's.

The tokens that may poll a counter (its candidates, storage/pool.py) come with each job.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Collection
from dataclasses import dataclass
from datetime import date, datetime
from typing import Any, TypeVarTuple, cast

from sqlalchemy import Table, and_, bindparam, case, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from bot.domain import PauseReason
from bot.storage.dbclock import db_now, db_now_plus_each
from bot.storage.links import listening
from bot.storage.models import Counter, UtcDateTime
from bot.storage.pool import Candidate, PoolRepository

Ts = TypeVarTuple("Ts")


@dataclass(frozen=True, slots=True)
class PollJob:
    """A leased counter, the claim's generation and the tokens it may be polled with."""

    counter_id: int
    name: str
    generation: int
    has_baseline: bool
    failures: int
    list_digest: str | None
    stuck_due_at: datetime | None
    list_unfinished: bool | None
    candidates: tuple[Candidate, ...]
    quota_paused: bool = False
    polled_at: datetime | None = None  # the last good poll before this claim
    planned: datetime | None = None  # the next poll the claim wrote, if this one is quiet


Plan = Callable[[PollJob], datetime | None]


@dataclass(frozen=True, slots=True)
class Polled:
    """What a good poll tells the schedule: when, whether hot, the stored list's digest."""

    at: datetime
    hot: bool
    list_digest: str | None = None
    stuck_due_at: datetime | None = None
    unfinished: bool | None = None


class PollingRepository:
    """Claims, reschedules and pauses counters; never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(
        self,
        owner: str,
        *,
        now: datetime,
        lease_seconds: float,
        limit: int,
        day: date,
        busy: Collection[int] = (),
        plan: Plan | None = None,
    ) -> list[PollJob]:
        """Lease up to `limit` due counters (not `busy` here): new ones first, then soonest due.

        With `plan`, a claim also writes each job's next poll as if the poll will be quiet
        (and that poll as made now): a quiet poll then writes nothing at all (monitor/quiet.py),
        and any other outcome overwrites both under the claim. Such a lease ends at the planned
        poll at the latest (any process claims the counter then); until it ends, this process
        may claim it again (its quiet poll did not end the lease).
        """
        free = self._free(owner)
        ids = await self._due_ids(Counter.next_poll_at.is_(None), (), free, busy, limit)
        if len(ids) < limit:
            soonest = (Counter.next_poll_at.asc(), Counter.id.asc())
            due = Counter.next_poll_at <= now
            ids += await self._due_ids(due, soonest, free, busy, limit - len(ids))
        if not ids:
            return []
        rows = await self._session.execute(select(*_CLAIMED).where(Counter.id.in_(ids)))
        candidates = await PoolRepository(self._session).candidates(ids, day)
        jobs = [_job(row, tuple(candidates.get(row[0], ()))) for row in rows]
        if plan is not None:
            jobs = [dataclasses.replace(job, planned=plan(job)) for job in jobs]
        await self._session.execute(
            _LEASE.values(lease_until=db_now_plus_each(self._session, "c_lease")),
            [_lease_values(job, owner, now, lease_seconds) for job in jobs],
        )
        return sorted(jobs, key=lambda job: ids.index(job.counter_id))

    async def lock_own(self, counter_id: int, owner: str, generation: int) -> Counter | None:
        """The counter, locked, if this claim still holds it (else another took over)."""
        return await self._session.scalar(
            select(Counter).where(_held(counter_id, owner, generation)).with_for_update()
        )

    async def reschedule(
        self,
        counter_id: int,
        owner: str,
        generation: int,
        *,
        next_poll_at: datetime,
        failures: int,
        paused_reason: PauseReason | None = None,
        polled: Polled | None = None,
        planned: PollJob | None = None,
    ) -> bool:
        """Release the lease and set when to poll again; False when the claim was lost.

        A counter's schedule after a failure and (with `polled`) after a good poll, which also
        records the baseline and whether the counter is hot. After a failure, pass the job as
        `planned`: a claim that planned a quiet poll wrote it as made (see `claim`). Its one
        twin writes the same values for many quiet polls at once:
        `ScheduleRepository.reschedule_quiet` (storage/schedules.py).
        """
        values: dict[str, object] = {
            "next_poll_at": next_poll_at,
            "failures": failures,
            # A pause decided meanwhile (the counter gone) outlives this poll.
            "paused_reason": case(
                (_reason_is(None) | _reason_is(PauseReason.QUOTA), paused_reason),
                else_=Counter.paused_reason,
            ),
            "lease_owner": None,
            "lease_until": None,
        }
        if planned is not None and planned.planned is not None:
            # Not the quiet poll the claim planned: its last good poll is the one before.
            values["last_polled_at"] = planned.polled_at
        if polled is not None:
            values |= {
                "last_polled_at": polled.at,
                "has_baseline": True,
                "is_hot": polled.hot,
                "stuck_due_at": polled.stuck_due_at,
                "list_unfinished": polled.unfinished,
            }
            if polled.list_digest is not None:
                values["list_digest"] = polled.list_digest
        result = await self._session.execute(
            update(Counter).where(_held(counter_id, owner, generation)).values(**values)
        )
        return bool(getattr(result, "rowcount", 0))

    async def pause(
        self, counter_id: int, owner: str, generation: int, reason: PauseReason
    ) -> bool:
        """Stop polling a counter until it is linked again; True for the one who paused it."""
        result = await self._session.execute(
            update(Counter)
            .where(
                _held(counter_id, owner, generation),
                or_(_reason_is(None), _reason_is(PauseReason.QUOTA)),
            )
            .values(paused_reason=reason, lease_owner=None, lease_until=None)
        )
        return bool(getattr(result, "rowcount", 0))

    async def release(self, counter_id: int, owner: str, generation: int) -> None:
        """Give up the lease on one counter without touching its schedule."""
        await self._session.execute(
            update(Counter)
            .where(_held(counter_id, owner, generation))
            .values(lease_owner=None, lease_until=None)
        )

    async def release_all(
        self, owner: str, unfinished: Collection[PollJob] = (), now: datetime | None = None
    ) -> None:
        """Give up this process's leases (at a clean stop) so others need not wait them out.

        Claims whose polls never finished are due again `now` (not at the next poll their
        claim planned), with their last good poll as it was.
        """
        if unfinished and now is not None:
            await self._session.execute(
                _UNPLAN,
                [
                    {
                        "u_id": job.counter_id,
                        "u_owner": owner,
                        "u_generation": job.generation,
                        "u_next": now,
                        "u_polled": job.polled_at,
                    }
                    for job in unfinished
                    if job.planned is not None
                ],
            )
        await self._session.execute(
            update(Counter)
            .where(Counter.lease_owner == owner)
            .values(lease_owner=None, lease_until=None)
        )

    async def _due_ids(
        self,
        when: ColumnElement[bool],
        order: tuple[ColumnElement[Any], ...],
        free: ColumnElement[bool],
        busy: Collection[int],
        limit: int,
    ) -> list[int]:
        """Up to `limit` counters due by `when`, locked, in an order an index can walk.

        Two queries, not one ordered NULLS FIRST: no index gives that order on PostgreSQL, and
        sorting every due counter for each claim took 0.6 s at 100,000 counters.
        """
        found = await self._session.scalars(
            select(Counter.id)
            .where(when, free, Counter.id.not_in(list(busy)))
            .order_by(*order)
            .limit(limit)
            .with_for_update(of=Counter, skip_locked=True)
        )
        return list(found)

    def _free(self, owner: str) -> ColumnElement[bool]:
        """Not paused (or waiting out a quota), unleased (or leased here), someone listening."""
        return and_(
            or_(_reason_is(None), _reason_is(PauseReason.QUOTA)),
            or_(
                Counter.lease_until.is_(None),
                Counter.lease_until < db_now(self._session),
                Counter.lease_owner == owner,
            ),
            listening(Counter.id),
        )


_CLAIMED = (
    Counter.id,
    Counter.name,
    Counter.lease_generation,
    Counter.has_baseline,
    Counter.failures,
    Counter.list_digest,
    Counter.stuck_due_at,
    Counter.list_unfinished,
    Counter.paused_reason,
    Counter.last_polled_at,
)
_SHORTEST_LEASE = 5.0  # seconds: LEASE_SECONDS' own lower bound
_table = cast(Table, Counter.__table__)
# Core, executed with one parameter set per claimed counter: one statement for the claim.
_LEASE = (
    update(_table)
    .where(_table.c.id == bindparam("c_id"))
    .values(
        lease_owner=bindparam("c_owner"),
        lease_generation=bindparam("c_generation"),
        next_poll_at=func.coalesce(bindparam("c_next", type_=UtcDateTime), _table.c.next_poll_at),
        last_polled_at=func.coalesce(
            bindparam("c_polled", type_=UtcDateTime), _table.c.last_polled_at
        ),
    )
)

# Executed with one parameter set per claim that planned a quiet poll never made.
_UNPLAN = (
    update(_table)
    .where(
        _table.c.id == bindparam("u_id"),
        _table.c.lease_owner == bindparam("u_owner"),
        _table.c.lease_generation == bindparam("u_generation"),
    )
    .values(
        next_poll_at=bindparam("u_next", type_=UtcDateTime),
        last_polled_at=bindparam("u_polled", type_=UtcDateTime),
    )
)


def _job(row: Any, candidates: tuple[Candidate, ...]) -> PollJob:
    """A claimed counter's job (the generation this claim gives it) from its row."""
    counter_id, name, generation, baseline, failures, digest, stuck_due, unfinished = row[:8]
    paused, polled_at = row[8], row[9]
    return PollJob(
        counter_id,
        name,
        generation + 1,
        baseline,
        failures,
        digest,
        stuck_due,
        unfinished,
        candidates,
        quota_paused=paused == PauseReason.QUOTA,
        polled_at=polled_at,
    )


def _lease_values(job: PollJob, owner: str, now: datetime, lease: float) -> dict[str, object]:
    """One parameter set of _LEASE: the lease, and the plan if there is one.

    A planned lease ends at the planned poll at the latest: then any process may claim the
    counter, so a quiet counter does not stay with the process that polled it last.
    """
    if job.planned is not None:
        lease = max(_SHORTEST_LEASE, min(lease, (job.planned - now).total_seconds()))
    return {
        "c_id": job.counter_id,
        "c_owner": owner,
        "c_generation": job.generation,
        "c_next": job.planned,
        "c_polled": now if job.planned is not None else None,
        "c_lease": lease,
    }


def _held(counter_id: int, owner: str, generation: int) -> ColumnElement[bool]:
    """The counter, still under this claim."""
    return and_(
        Counter.id == counter_id,
        Counter.lease_owner == owner,
        Counter.lease_generation == generation,
    )


def _reason_is(value: PauseReason | None) -> ColumnElement[bool]:
    if value is None:
        return Counter.paused_reason.is_(None)
    return Counter.paused_reason == value
