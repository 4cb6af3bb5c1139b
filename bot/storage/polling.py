"""Which counters are due, who polls them (leases), with which tokens, and their schedule.

A process claims counters one by one (FOR UPDATE SKIP LOCKED on PostgreSQL; SQLite
serialises writers with BEGIN IMMEDIATE): due, unleased by the database's clock, not in
flight in this process. Each claim bumps the counter's lease generation; every write after the
poll (snapshot, outbox, schedule, pause) holds only under the same owner and generation, so a
poll that outlived its lease commits nothing. Metrica's per-login limits are the RequestGate's.

The tokens that may poll a counter (its candidates) are those of the live links of its
subscribed active chats; the job lists them with their login's monitor requests today.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVarTuple

from sqlalchemy import Float, Select, and_, case, cast, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement

from bot.domain import PauseReason
from bot.metrica import RequestKind
from bot.storage.dbclock import db_now
from bot.storage.links import listening, live_link
from bot.storage.models import Chat, ChatCounter, Counter, Credential, RequestCount, Subscription

Ts = TypeVarTuple("Ts")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A credential that may poll a counter, with its login's monitor requests today."""

    credential_id: int
    owner_user_id: int
    login: str | None
    quota_key: str
    token_encrypted: bytes = field(repr=False)
    used: int = 0


@dataclass(frozen=True, slots=True)
class PollJob:
    """A leased counter, the claim's generation and the tokens it may be polled with."""

    counter_id: int
    name: str
    generation: int
    has_baseline: bool
    failures: int
    list_digest: str | None
    candidates: tuple[Candidate, ...]


@dataclass(frozen=True, slots=True)
class Polled:
    """What a good poll tells the schedule: when, whether hot, the stored list's digest."""

    at: datetime
    hot: bool
    list_digest: str | None = None


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
    ) -> list[PollJob]:
        """Lease up to `limit` due counters (not `busy` here), soonest due first."""
        ids = list(
            await self._session.scalars(
                select(Counter.id)
                .where(self._due(now), Counter.id.not_in(list(busy)))
                .order_by(Counter.next_poll_at.asc().nulls_first(), Counter.id)
                .limit(limit)
                .with_for_update(of=Counter, skip_locked=True)
            )
        )
        if not ids:
            return []
        leased = await self._session.execute(
            update(Counter)
            .where(Counter.id.in_(ids))
            .values(
                lease_owner=owner,
                lease_until=db_now(self._session, plus=lease_seconds),
                lease_generation=Counter.lease_generation + 1,
            )
            .returning(
                Counter.id,
                Counter.name,
                Counter.lease_generation,
                Counter.has_baseline,
                Counter.failures,
                Counter.list_digest,
            )
        )
        candidates = await self.candidates(ids, day)
        jobs = [PollJob(*row, candidates=tuple(candidates.get(row[0], ()))) for row in leased]
        return sorted(jobs, key=lambda job: ids.index(job.counter_id))

    async def candidates(
        self, counter_ids: Collection[int], day: date
    ) -> dict[int, list[Candidate]]:
        """For each counter, its candidates: the login with the most budget left first."""
        today = and_(
            RequestCount.key == Credential.quota_key,
            RequestCount.day == day,
            RequestCount.kind == str(RequestKind.MONITOR),
        )
        rows = await self._session.execute(
            _candidate_links(
                select(
                    ChatCounter.counter_id,
                    Credential.id,
                    Credential.user_id,
                    Credential.login,
                    Credential.quota_key,
                    Credential.token_encrypted,
                    func.coalesce(RequestCount.count, 0),
                )
            )
            .outerjoin(RequestCount, today)
            .where(ChatCounter.counter_id.in_(list(counter_ids)))
        )
        found: dict[int, dict[int, Candidate]] = {}
        for counter_id, credential_id, user_id, login, key, token, used in rows:
            candidate = Candidate(credential_id, user_id, login, key, token, used)
            found.setdefault(counter_id, {})[credential_id] = candidate
        return {
            counter_id: sorted(by_id.values(), key=lambda c: (c.used, c.credential_id))
            for counter_id, by_id in found.items()
        }

    async def demand(self) -> dict[str, tuple[float, float]]:
        """For each login: its share of the running counters it can poll, (hot, idle).

        A counter that n logins can poll counts 1/n to each: the pool spreads it among them.
        """
        pairs = (
            _candidate_links(select(ChatCounter.counter_id, Credential.quota_key))
            .distinct()
            .subquery()
        )
        shares = (
            select(pairs.c.counter_id, func.count().label("n"))
            .group_by(pairs.c.counter_id)
            .subquery()
        )
        rows = await self._session.execute(
            select(pairs.c.quota_key, Counter.is_hot, func.sum(1.0 / cast(shares.c.n, Float)))
            .join(shares, shares.c.counter_id == pairs.c.counter_id)
            .join(Counter, Counter.id == pairs.c.counter_id)
            .where(Counter.paused_reason.is_(None))
            .group_by(pairs.c.quota_key, Counter.is_hot)
        )
        found: dict[str, tuple[float, float]] = {}
        for key, is_hot, share in rows:
            hot, idle = found.get(key, (0.0, 0.0))
            found[key] = (hot + share, idle) if is_hot else (hot, idle + share)
        return found

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
    ) -> bool:
        """Release the lease and set when to poll again; False when the claim was lost.

        The one place a counter's schedule is written, after a failure and (with `polled`)
        after a good poll, which also records the baseline and whether the counter is hot.
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
        if polled is not None:
            values |= {"last_polled_at": polled.at, "has_baseline": True, "is_hot": polled.hot}
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

    async def pause_exhausted(
        self, owner: str, *, day: date, allowance: int, until: datetime
    ) -> list[tuple[int, str]]:
        """Pause until `until` every running counter that no login with budget left can poll.

        Counters leased by another process are left to it. (id, name) of those paused now.
        """
        used = (
            select(RequestCount.count)
            .where(
                RequestCount.key == Credential.quota_key,
                RequestCount.day == day,
                RequestCount.kind == str(RequestKind.MONITOR),
            )
            .scalar_subquery()
        )
        has_budget = (
            _candidate_links(select(ChatCounter.counter_id))
            .where(ChatCounter.counter_id == Counter.id, func.coalesce(used, 0) < allowance)
            .exists()
        )
        free = or_(
            Counter.lease_until.is_(None),
            Counter.lease_until < db_now(self._session),
            Counter.lease_owner == owner,
        )
        rows = await self._session.execute(
            update(Counter)
            .where(_reason_is(None), free, listening(Counter.id), ~has_budget)
            .values(paused_reason=PauseReason.QUOTA, next_poll_at=until)
            .returning(Counter.id, Counter.name)
        )
        return sorted((counter_id, name) for counter_id, name in rows)

    async def release(self, counter_id: int, owner: str, generation: int) -> None:
        """Give up the lease on one counter without touching its schedule."""
        await self._session.execute(
            update(Counter)
            .where(_held(counter_id, owner, generation))
            .values(lease_owner=None, lease_until=None)
        )

    async def release_all(self, owner: str) -> None:
        """Give up this process's leases (at a clean stop) so others need not wait them out."""
        await self._session.execute(
            update(Counter)
            .where(Counter.lease_owner == owner)
            .values(lease_owner=None, lease_until=None)
        )

    def _due(self, now: datetime) -> ColumnElement[bool]:
        """Not paused (or waiting out a quota), time come, unleased, someone listening."""
        return and_(
            or_(_reason_is(None), _reason_is(PauseReason.QUOTA)),
            or_(Counter.next_poll_at.is_(None), Counter.next_poll_at <= now),
            or_(Counter.lease_until.is_(None), Counter.lease_until < db_now(self._session)),
            listening(Counter.id),
        )


def _candidate_links(query: Select[*Ts]) -> Select[*Ts]:
    """Live links of subscribed active chats, with their credentials, added to a query."""
    return (
        query.select_from(ChatCounter)
        .join(Credential, Credential.id == ChatCounter.credential_id)
        .join(
            Subscription,
            (Subscription.chat_id == ChatCounter.chat_id)
            & (Subscription.counter_id == ChatCounter.counter_id),
        )
        .join(Chat, Chat.id == ChatCounter.chat_id)
        .where(live_link(), Chat.is_active.is_(True))
    )


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
