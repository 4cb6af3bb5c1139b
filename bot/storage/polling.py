"""Which counters are due, who polls them (leases), and their schedule after a poll.

A process claims whole tokens: it locks a valid credential (FOR UPDATE SKIP LOCKED on
PostgreSQL; SQLite serializes writers with BEGIN IMMEDIATE) that has due counters and no live
lease held by another process, then leases those counters. So one token is polled by one
process at a time and Metrica's 3-in-flight limit per login holds across processes.
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import and_, case, exists, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import aliased
from sqlalchemy.sql.elements import ColumnElement

from bot.domain import PauseReason
from bot.storage.models import Chat, Counter, Credential, Subscription


@dataclass(frozen=True, slots=True)
class PollJob:
    """A leased counter with what polling it needs; the token stays encrypted until used."""

    counter_id: int
    name: str
    credential_id: int
    owner_user_id: int
    login: str | None
    fingerprint: str
    token_encrypted: bytes
    has_baseline: bool
    failures: int


@dataclass(frozen=True, slots=True)
class Polled:
    """What a good poll tells the schedule: when it happened and whether the counter is hot."""

    at: datetime
    hot: bool


def _due(now: datetime) -> ColumnElement[bool]:
    """Counters that should be polled now: not paused, time come, unleased, someone listening."""
    listening = exists().where(
        Subscription.counter_id == Counter.id,
        Subscription.chat_id == Chat.id,
        Chat.is_active.is_(True),
    )
    return and_(
        or_(Counter.paused_reason.is_(None), Counter.paused_reason == PauseReason.QUOTA),
        or_(Counter.next_poll_at.is_(None), Counter.next_poll_at <= now),
        or_(Counter.lease_until.is_(None), Counter.lease_until < now),
        listening,
    )


class PollingRepository:
    """Claims, reschedules and pauses counters; never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def claim(
        self, owner: str, *, now: datetime, lease_until: datetime, limit: int
    ) -> list[PollJob]:
        """Lease up to `limit` due counters, whole tokens at a time, soonest due first."""
        credentials = await self._claim_credentials(owner, now, limit)
        if not credentials:
            return []
        rows = await self._session.execute(
            select(Counter, Credential)
            .join(Credential, Credential.id == Counter.credential_id)
            .where(Counter.credential_id.in_(credentials), _due(now))
            .order_by(Counter.next_poll_at.asc().nulls_first(), Counter.id)
            .limit(limit)
            .with_for_update(of=Counter, skip_locked=True)
        )
        jobs = [_job(counter, credential) for counter, credential in rows]
        await self._session.execute(
            update(Counter)
            .where(Counter.id.in_([job.counter_id for job in jobs]))
            .values(lease_owner=owner, lease_until=lease_until)
        )
        return jobs

    async def _claim_credentials(self, owner: str, now: datetime, limit: int) -> list[int]:
        """Valid credentials with due counters that no other process is polling right now."""
        other = aliased(Counter)
        busy_elsewhere = exists().where(
            other.credential_id == Credential.id,
            other.lease_owner != owner,
            other.lease_until >= now,
        )
        has_due = exists().where(Counter.credential_id == Credential.id, _due(now))
        ids = await self._session.scalars(
            select(Credential.id)
            .where(Credential.is_valid.is_(True), has_due, ~busy_elsewhere)
            .order_by(Credential.id)
            .limit(limit)
            .with_for_update(skip_locked=True)
        )
        return list(ids)

    async def demand(self, fingerprints: Collection[str]) -> dict[str, tuple[int, int]]:
        """For each token: how many of its counters are polled, (hot, idle)."""
        listening = exists().where(
            Subscription.counter_id == Counter.id,
            Subscription.chat_id == Chat.id,
            Chat.is_active.is_(True),
        )
        rows = await self._session.execute(
            select(Credential.fingerprint, Counter.is_hot, func.count())
            .join(Credential, Credential.id == Counter.credential_id)
            .where(Credential.fingerprint.in_(list(fingerprints)), Counter.paused_reason.is_(None))
            .where(listening)
            .group_by(Credential.fingerprint, Counter.is_hot)
        )
        found: dict[str, tuple[int, int]] = {}
        for fingerprint, is_hot, count in rows:
            hot, idle = found.get(fingerprint, (0, 0))
            found[fingerprint] = (hot + count, idle) if is_hot else (hot, idle + count)
        return found

    async def lock_own(self, counter_id: int, owner: str) -> Counter | None:
        """The counter, locked, if this process still holds its lease (else another took over)."""
        return await self._session.scalar(
            select(Counter)
            .where(Counter.id == counter_id, Counter.lease_owner == owner)
            .with_for_update()
        )

    async def reschedule(
        self,
        counter_id: int,
        owner: str,
        *,
        next_poll_at: datetime,
        failures: int,
        paused_reason: PauseReason | None = None,
        polled: Polled | None = None,
    ) -> bool:
        """Release the lease and set when to poll again; False when the lease was lost.

        The one place a counter's schedule is written, after a failure and (with `polled`)
        after a good poll, which also records the baseline and whether the counter is hot.
        """
        values: dict[str, object] = {
            "next_poll_at": next_poll_at,
            "failures": failures,
            # A pause decided meanwhile (token refused, counter gone) outlives this poll.
            "paused_reason": case(
                (_reason_is(None) | _reason_is(PauseReason.QUOTA), paused_reason),
                else_=Counter.paused_reason,
            ),
            "lease_owner": None,
            "lease_until": None,
        }
        if polled is not None:
            values |= {"last_polled_at": polled.at, "has_baseline": True, "is_hot": polled.hot}
        result = await self._session.execute(
            update(Counter)
            .where(Counter.id == counter_id, Counter.lease_owner == owner)
            .values(**values)
        )
        return bool(getattr(result, "rowcount", 0))

    async def pause(self, counter_id: int, owner: str, reason: PauseReason) -> bool:
        """Stop polling a counter until it is linked again; True for the one who paused it."""
        result = await self._session.execute(
            update(Counter)
            .where(
                Counter.id == counter_id,
                Counter.lease_owner == owner,
                or_(Counter.paused_reason.is_(None), Counter.paused_reason == PauseReason.QUOTA),
            )
            .values(paused_reason=reason, lease_owner=None, lease_until=None)
        )
        return bool(getattr(result, "rowcount", 0))

    async def pause_credential(
        self, credential_id: int, reason: PauseReason, *, until: datetime | None = None
    ) -> list[tuple[int, str]]:
        """Pause the token's running counters; (id, name) of those this call paused."""
        replaceable = [None] if reason == PauseReason.QUOTA else [None, PauseReason.QUOTA]
        values: dict[str, object] = {"paused_reason": reason}
        if until is not None:
            values["next_poll_at"] = until
        statement = (
            update(Counter)
            .where(
                Counter.credential_id == credential_id,
                or_(*(_reason_is(value) for value in replaceable)),
            )
            .values(**values)
            .returning(Counter.id, Counter.name)
        )
        rows = await self._session.execute(statement)
        return sorted((counter_id, name) for counter_id, name in rows)

    async def revoked_in_use(self) -> list[tuple[int, int, str | None]]:
        """(credential id, owner user id, login) of refused tokens whose counters still run."""
        running = exists().where(
            Counter.credential_id == Credential.id,
            or_(_reason_is(None), _reason_is(PauseReason.QUOTA)),
        )
        rows = await self._session.execute(
            select(Credential.id, Credential.user_id, Credential.login)
            .where(Credential.is_valid.is_(False), running)
            .order_by(Credential.id)
        )
        return [(credential_id, user_id, login) for credential_id, user_id, login in rows]

    async def release(self, counter_id: int, owner: str) -> None:
        """Give up the lease on one counter without touching its schedule."""
        await self._session.execute(
            update(Counter)
            .where(Counter.id == counter_id, Counter.lease_owner == owner)
            .values(lease_owner=None, lease_until=None)
        )

    async def release_all(self, owner: str) -> None:
        """Give up this process's leases (at a clean stop) so others need not wait them out."""
        await self._session.execute(
            update(Counter)
            .where(Counter.lease_owner == owner)
            .values(lease_owner=None, lease_until=None)
        )


def _reason_is(value: PauseReason | None) -> ColumnElement[bool]:
    if value is None:
        return Counter.paused_reason.is_(None)
    return Counter.paused_reason == value


def _job(counter: Counter, credential: Credential) -> PollJob:
    return PollJob(
        counter_id=counter.id,
        name=counter.name,
        credential_id=credential.id,
        owner_user_id=credential.user_id,
        login=credential.login,
        fingerprint=credential.fingerprint,
        token_encrypted=credential.token_encrypted,
        has_baseline=counter.has_baseline,
        failures=counter.failures,
    )
