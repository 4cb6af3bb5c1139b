"""Polls due counters: one list request per counter, the diff, snapshot and outbox together.

Flow per claimed counter: Metrica client -> domain diff -> (snapshot + outbox + schedule) in one
transaction that first checks this process still holds the counter's lease. An error response
is never read as "no uploadings": every failure path leaves the snapshot untouched.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot import metrics
from bot.clock import next_utc_midnight, utc_now
from bot.container import Services
from bot.crypto import UnreadableToken
from bot.domain import PauseReason, Uploading
from bot.metrica import AccessDenied, InvalidToken, MetricaError, NotFound, QuotaExceeded
from bot.monitor import pausing
from bot.monitor.diff import Seen, evaluate
from bot.monitor.notify import queue_changes
from bot.monitor.schedule import (
    Budget,
    Cadence,
    after_reset,
    next_poll_at,
    retry_at,
)
from bot.storage.credentials import CredentialRepository
from bot.storage.polling import Polled, PollingRepository, PollJob
from bot.storage.snapshots import SnapshotRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PollerConfig:
    """The poller's knobs, from the settings."""

    cadence: Cadence
    stuck_after: timedelta
    daily_allowance: float
    lease: timedelta

    @classmethod
    def from_services(cls, services: Services) -> PollerConfig:
        """POLL_INTERVAL_SECONDS, IDLE_POLL_INTERVAL_SECONDS, STUCK_AFTER_MINUTES, quota share."""
        s = services.settings
        return cls(
            cadence=Cadence(hot=s.poll_interval_seconds, idle=s.idle_poll_interval_seconds),
            stuck_after=timedelta(minutes=s.stuck_after_minutes),
            daily_allowance=s.daily_quota * s.quota_share,
            lease=timedelta(seconds=s.lease_seconds),
        )


class Poller:
    """Claims due counters and polls each one."""

    def __init__(
        self,
        services: Services,
        *,
        owner: str,
        on_queued: Callable[[], None] = lambda: None,
        now: Callable[[], datetime] = utc_now,
        rand: Callable[[], float] = random.random,
    ) -> None:
        self._services = services
        self._config = PollerConfig.from_services(services)
        self._owner = owner
        self._on_queued = on_queued
        self._now = now
        self._rand = rand
        self._demand: dict[str, tuple[int, int]] = {}

    async def claim(self, limit: int) -> list[PollJob]:
        """Lease up to `limit` due counters; refresh how many counters their tokens serve."""
        now = self._now()
        async with self._services.sessions.begin() as session:
            repo = PollingRepository(session)
            jobs = await repo.claim(
                self._owner, now=now, lease_until=now + self._config.lease, limit=limit
            )
            if jobs:
                self._demand |= await repo.demand({job.fingerprint for job in jobs})
        return jobs

    async def poll(self, job: PollJob) -> None:
        """One list request, then record what it means; failures touch only this counter."""
        try:
            token = self._services.cipher.decrypt(job.token_encrypted)
            uploadings = await self._services.metrica.uploadings(token, job.counter_id)
            # Inside the error handling: a result the database refuses is a failure too,
            # backed off like the others instead of escaping with the lease still held.
            await self._record(job, uploadings)
        except UnreadableToken:
            await self._unreadable(job)
        except InvalidToken:
            await self._revoked(job)
        except (NotFound, AccessDenied) as exc:
            await self._paused(
                job, PauseReason.GONE if isinstance(exc, NotFound) else PauseReason.ACCESS
            )
        except QuotaExceeded as exc:
            await (self._quota(job) if exc.daily else self._back_off(job, exc.retry_after, exc))
        except MetricaError as exc:
            await self._back_off(job, getattr(exc, "retry_after", None), exc)
        except Exception as exc:
            log.exception(
                "counter %s: polling failed unexpectedly",
                job.counter_id,
                extra={"counter_id": job.counter_id},
            )
            await self._back_off(job, None, exc)

    async def _record(self, job: PollJob, uploadings: Sequence[Uploading]) -> None:
        now = self._now()
        async with self._services.sessions.begin() as session:
            counter = await PollingRepository(session).lock_own(job.counter_id, self._owner)
            if counter is None:
                metrics.poll_outcome("lease_lost")
                log.info(
                    "counter %s: lease lost, another process has it",
                    job.counter_id,
                    extra={"counter_id": job.counter_id},
                )
                return
            snapshots = SnapshotRepository(session)
            stored = await snapshots.load(job.counter_id)
            outcome = evaluate(
                {uploading_id: Seen(*state) for uploading_id, state in stored.items()},
                uploadings,
                baseline=not counter.has_baseline,
                now=now,
                stuck_after=self._config.stuck_after,
            )
            await snapshots.record(job.counter_id, outcome.to_write, now=now)
            await snapshots.mark_stuck_warned(job.counter_id, outcome.stuck_warned)
            queued = await queue_changes(session, counter.id, counter.name, outcome.changes, now)
            at = self._next_poll(job.fingerprint, hot=outcome.hot, now=now)
            await PollingRepository(session).reschedule(
                job.counter_id,
                self._owner,
                next_poll_at=at,
                failures=0,
                polled=Polled(now, outcome.hot),
            )
        metrics.poll_outcome("ok")
        log.log(
            logging.INFO if outcome.changes else logging.DEBUG,
            "counter %s: %d uploadings, %d changes, next poll %s",
            job.counter_id,
            len(uploadings),
            len(outcome.changes),
            at,
            extra={"counter_id": job.counter_id},
        )
        if queued:
            self._on_queued()

    def _next_poll(self, fingerprint: str, *, hot: bool, now: datetime) -> datetime:
        """After a good poll: the next one by cadence and the token's budget."""
        hot_counters, idle_counters = self._demand.get(fingerprint, (0, 0))
        budget = Budget(
            allowed=self._config.daily_allowance,
            used=self._services.ledger.used(fingerprint, now.date()),
            hot_counters=hot_counters,
            idle_counters=idle_counters,
        )
        return next_poll_at(
            now, hot=hot, cadence=self._config.cadence, budget=budget, rand=self._rand
        )

    async def _back_off(self, job: PollJob, retry_after: float | None, error: Exception) -> None:
        failures = job.failures + 1
        now = self._now()
        at = retry_at(
            now, failures, cadence=self._config.cadence, retry_after=retry_after, rand=self._rand
        )
        async with self._services.sessions.begin() as session:
            await PollingRepository(session).reschedule(
                job.counter_id, self._owner, next_poll_at=at, failures=failures
            )
        metrics.poll_outcome("retry")
        log.warning(
            "counter %s: %s (failure %d in a row); retry at %s",
            job.counter_id,
            error,
            failures,
            at,
            extra={"counter_id": job.counter_id},
        )

    async def _paused(self, job: PollJob, reason: PauseReason) -> None:
        async with self._services.sessions.begin() as session:
            told = await pausing.pause_counter(
                session, job.counter_id, job.name, reason, owner=self._owner, now=self._now()
            )
        metrics.poll_outcome("paused")
        log.warning(
            "counter %s: paused (%s)", job.counter_id, reason, extra={"counter_id": job.counter_id}
        )
        if told:
            self._on_queued()

    async def _quota(self, job: PollJob) -> None:
        now = self._now()
        resume = after_reset(now, self._rand)
        async with self._services.sessions.begin() as session:
            told = await pausing.pause_for_quota(
                session, job.credential_id, until=resume, resets_at=next_utc_midnight(now), now=now
            )
            await PollingRepository(session).reschedule(
                job.counter_id,
                self._owner,
                next_poll_at=resume,
                failures=job.failures,
                paused_reason=PauseReason.QUOTA,
            )
        metrics.poll_outcome("quota")
        log.warning(
            "token of counter %s: daily quota used up; resume %s",
            job.counter_id,
            resume,
            extra={"counter_id": job.counter_id},
        )
        if told:
            self._on_queued()

    async def _revoked(self, job: PollJob) -> None:
        now = self._now()
        async with self._services.sessions.begin() as session:
            credentials = CredentialRepository(session, self._services.cipher)
            await credentials.mark_invalid(job.credential_id, now)
            told = await pausing.pause_for_revoked_token(
                session, job.credential_id, job.owner_user_id, job.login, now
            )
            await PollingRepository(session).release(job.counter_id, self._owner)
        metrics.poll_outcome("revoked")
        log.warning(
            "credential %s: Metrica refused the token",
            job.credential_id,
            extra={"counter_id": job.counter_id, "credential_id": job.credential_id},
        )
        if told:
            self._on_queued()

    async def _unreadable(self, job: PollJob) -> None:
        """No key decrypts the token: like a revoked one, it waits for its owner to save it."""
        now = self._now()
        async with self._services.sessions.begin() as session:
            credentials = CredentialRepository(session, self._services.cipher)
            await credentials.mark_invalid(job.credential_id, now)
            told = await pausing.pause_for_unreadable_token(
                session, job.credential_id, job.owner_user_id, now
            )
            await PollingRepository(session).release(job.counter_id, self._owner)
        log.warning("credential %s: no BOT_SECRET_KEY key decrypts its token", job.credential_id)
        if told:
            self._on_queued()

    async def sweep_revoked(self) -> None:
        """Tokens refused elsewhere (a user's command): pause their counters and tell, once."""
        async with self._services.sessions.begin() as session:
            revoked = await PollingRepository(session).revoked_in_use()
        for credential_id, user_id, login in revoked:
            async with self._services.sessions.begin() as session:
                told = await pausing.pause_for_revoked_token(
                    session, credential_id, user_id, login, self._now()
                )
            if told:
                self._on_queued()
