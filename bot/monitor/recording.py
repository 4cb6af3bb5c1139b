"""What a poll leaves behind, written only while its claim holds (owner and generation).

A good poll: the diff against the snapshot, the new snapshot, the stored list (if it changed),
the notifications (to subscriptions, and to chats following an uploading) and the next poll, in
one transaction. A quiet one (the list seen last, see monitor/quiet.py): the schedule only,
batched with others. A failed one: the schedule only.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot import metrics
from bot.container import Services
from bot.domain import PauseReason
from bot.metrica import Listing
from bot.monitor.diff import Seen, evaluate
from bot.monitor.follows import queue_follows
from bot.monitor.notify import queue_changes
from bot.monitor.quiet import ScheduleBatch, quiet_hot
from bot.monitor.schedule import Budget, Cadence, next_poll_at, retry_at
from bot.storage.lists import CounterListRepository
from bot.storage.polling import Polled, PollingRepository, PollJob
from bot.storage.pool import Candidate
from bot.storage.schedules import QuietPoll
from bot.storage.snapshots import SnapshotRepository

log = logging.getLogger(__name__)


@dataclass(frozen=True, slots=True)
class PollerConfig:
    """The poller's knobs, from the settings."""

    cadence: Cadence
    stuck_after: timedelta
    daily_allowance: int
    lease: float

    @classmethod
    def from_services(cls, services: Services) -> PollerConfig:
        """POLL_INTERVAL_SECONDS, IDLE_POLL_INTERVAL_SECONDS, STUCK_AFTER_MINUTES, quota share."""
        s = services.settings
        return cls(
            cadence=Cadence(hot=s.poll_interval_seconds, idle=s.idle_poll_interval_seconds),
            stuck_after=timedelta(minutes=s.stuck_after_minutes),
            daily_allowance=services.allowance.monitor,
            lease=float(s.lease_seconds),
        )


@dataclass
class Recorder:
    """Writes the outcome of polls for one poller."""

    services: Services
    config: PollerConfig
    owner: str
    now: Callable[[], datetime]
    rand: Callable[[], float]
    demand: dict[str, tuple[float, float]] = field(default_factory=dict)
    schedules: ScheduleBatch = field(init=False)

    def __post_init__(self) -> None:
        self.schedules = ScheduleBatch(self.services.sessions, self.owner)

    async def record(self, job: PollJob, candidate: Candidate, listing: Listing) -> int:
        """Snapshot, stored list, notifications, schedule; how many messages were queued."""
        now = self.now()
        hot = quiet_hot(job, listing, now)
        if hot is not None:
            return await self._quiet(job, candidate, hot=hot, now=now)
        uploadings, listed = listing.uploadings, listing.digest
        async with self.services.sessions.begin() as session:
            repo = PollingRepository(session)
            counter = await repo.lock_own(job.counter_id, self.owner, job.generation)
            if counter is None:
                _lease_lost(job)
                return 0
            snapshots = SnapshotRepository(session)
            stored = await snapshots.load(job.counter_id)
            outcome = evaluate(
                {uploading_id: Seen(*state) for uploading_id, state in stored.items()},
                uploadings,
                baseline=not counter.has_baseline,
                now=now,
                stuck_after=self.config.stuck_after,
            )
            await snapshots.record(job.counter_id, outcome.to_write, now=now)
            await snapshots.mark_stuck_warned(job.counter_id, outcome.stuck_warned)
            if listed != counter.list_digest:
                await CounterListRepository(session).save(job.counter_id, uploadings, listed, now)
            queued = await queue_changes(session, counter.id, counter.name, outcome.changes, now)
            queued += await queue_follows(
                session, counter.id, counter.name, uploadings, outcome.changes, now=now
            )
            at = self._next_poll(candidate, hot=outcome.hot, now=now)
            polled = Polled(
                now,
                outcome.hot,
                listed if listed != counter.list_digest else None,
                outcome.stuck_due_at,
                outcome.unfinished,
            )
            await repo.reschedule(
                job.counter_id,
                self.owner,
                job.generation,
                next_poll_at=at,
                failures=0,
                polled=polled,
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
        return queued

    def plan(self, job: PollJob, now: datetime) -> datetime | None:
        """The next poll of a claimed counter if this one turns out quiet; None: not foreseen.

        Foreseen only for a counter polled well last time, not paused, whose stored list says
        whether it is hot, with the demand of its first token's login known.
        """
        if not (job.has_baseline and job.candidates and job.list_unfinished is not None):
            return None
        if job.failures or job.quota_paused or job.candidates[0].quota_key not in self.demand:
            return None
        return self._next_poll(job.candidates[0], hot=job.list_unfinished, now=now)

    async def _quiet(self, job: PollJob, candidate: Candidate, *, hot: bool, now: datetime) -> int:
        """The list seen last: nothing to write if the claim planned it, else the schedule only.

        The schedule is written in a batch with other quiet polls.
        """
        if (
            job.planned is not None
            and hot == job.list_unfinished
            and candidate is job.candidates[0]
        ):
            metrics.poll_outcome("ok")
            log.debug(
                "counter %s: the same list, next poll %s (as planned)",
                job.counter_id,
                job.planned,
                extra={"counter_id": job.counter_id},
            )
            return 0
        at = self._next_poll(candidate, hot=hot, now=now)
        if not await self.schedules.write(QuietPoll(job.counter_id, job.generation, now, at, hot)):
            _lease_lost(job)
            return 0
        metrics.poll_outcome("ok")
        log.debug(
            "counter %s: the same list, next poll %s",
            job.counter_id,
            at,
            extra={"counter_id": job.counter_id},
        )
        return 0

    def _next_poll(self, candidate: Candidate, *, hot: bool, now: datetime) -> datetime:
        """After a good poll: the next one by cadence and the budget of the login used."""
        hot_counters, idle_counters = self.demand.get(candidate.quota_key, (0.0, 0.0))
        budget = Budget(
            allowed=self.config.daily_allowance,
            used=candidate.used + 1,
            hot_counters=hot_counters,
            idle_counters=idle_counters,
        )
        return next_poll_at(
            now, hot=hot, cadence=self.config.cadence, budget=budget, rand=self.rand
        )

    async def back_off(self, job: PollJob, retry_after: float | None, error: Exception) -> None:
        """A retryable failure: try this counter again later, the later the more it fails."""
        failures = job.failures + 1
        at = retry_at(
            self.now(),
            failures,
            cadence=self.config.cadence,
            retry_after=retry_after,
            rand=self.rand,
        )
        async with self.services.sessions.begin() as session:
            await PollingRepository(session).reschedule(
                job.counter_id,
                self.owner,
                job.generation,
                next_poll_at=at,
                failures=failures,
                planned=job,
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

    async def wait_for_reset(self, job: PollJob, resume: datetime) -> None:
        """Paused for the quota: next poll just after the reset."""
        async with self.services.sessions.begin() as session:
            await PollingRepository(session).reschedule(
                job.counter_id,
                self.owner,
                job.generation,
                next_poll_at=resume,
                failures=job.failures,
                paused_reason=PauseReason.QUOTA,
                planned=job,
            )

    async def is_quota_paused(self, job: PollJob) -> bool:
        """Whether someone paused the counter for the quota meanwhile."""
        async with self.services.sessions.begin() as session:
            counter = await PollingRepository(session).lock_own(
                job.counter_id, self.owner, job.generation
            )
            return counter is not None and counter.paused_reason == PauseReason.QUOTA

    async def release(self, job: PollJob) -> None:
        """No token could read it (their links are suspended): leave it, nothing to poll with."""
        async with self.services.sessions.begin() as session:
            await PollingRepository(session).release(job.counter_id, self.owner, job.generation)
        metrics.poll_outcome("released")
        log.warning(
            "counter %s: no token of its chats can read it now",
            job.counter_id,
            extra={"counter_id": job.counter_id},
        )


def _lease_lost(job: PollJob) -> None:
    """Another claim took the counter over while it was polled here: the result is dropped."""
    metrics.poll_outcome("lease_lost")
    log.info(
        "counter %s: claim lost (lease expired), result dropped",
        job.counter_id,
        extra={"counter_id": job.counter_id},
    )
