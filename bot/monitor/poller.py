"""Polls due counters: one list request per counter, the diff, snapshot and outbox together.

Flow per claimed counter: pick a token from its pool (the live links of its subscribed chats,
the login with the most budget left first) -> Metrica client -> domain diff -> (snapshot +
stored list + outbox + schedule) in one transaction that first checks this claim still holds.
A token that is refused, unreadable (no key decrypts it), cannot see the counter or whose
login's share is spent is acted on (links suspended, chats told once) and the next one is tried
in the same pass; the counter pauses only when no token can read it. An error response is never
read as "no uploadings".
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable
from datetime import UTC, datetime, timedelta

from bot import access, metrics
from bot.clock import utc_now
from bot.container import Services
from bot.crypto import UnreadableToken
from bot.domain import PauseReason
from bot.metrica import (
    AccessDenied,
    Caller,
    InvalidToken,
    Listing,
    MetricaError,
    NotFound,
    QuotaExceeded,
    RequestKind,
)
from bot.monitor import pausing
from bot.monitor.recording import PollerConfig, Recorder
from bot.monitor.schedule import after_reset
from bot.storage.links import LinkRepository
from bot.storage.polling import PollingRepository, PollJob
from bot.storage.pool import Candidate, PoolRepository

log = logging.getLogger(__name__)

DEMAND_TTL = timedelta(seconds=30)  # how long the logins' demand (counters they serve) is reused


class Poller:
    """Claims due counters and polls each one with a token from its pool."""

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
        self._busy: set[int] = set()  # counters being polled here: never claimed again meanwhile
        self._open: dict[int, PollJob] = {}  # claims whose polls have not finished (yet)
        self._recorder = Recorder(services, self._config, owner, now, rand)
        self._demand_until = datetime.min.replace(tzinfo=UTC)

    @property
    def busy(self) -> frozenset[int]:
        """Counters this poller is polling right now."""
        return frozenset(self._busy)

    @property
    def unfinished(self) -> list[PollJob]:
        """Claims whose polls did not finish (cancelled at a stop, or not yet run)."""
        return list(self._open.values())

    async def claim(self, limit: int) -> list[PollJob]:
        """Lease up to `limit` due counters; refresh how many counters their logins serve."""
        now = self._now()
        if self._demand_until <= now:
            await self._refresh_demand(now)  # before the claim: it plans with the demand
        async with self._services.sessions.begin() as session:
            repo = PollingRepository(session)
            jobs = await repo.claim(
                self._owner,
                now=now,
                lease_seconds=self._config.lease,
                limit=limit,
                day=now.date(),
                busy=self._busy,
                plan=lambda job: self._recorder.plan(job, now),
            )
        self._busy.update(job.counter_id for job in jobs)
        self._open.update((job.counter_id, job) for job in jobs)
        keys = {candidate.quota_key for job in jobs for candidate in job.candidates}
        if keys and (now >= self._demand_until or not keys <= self._recorder.demand.keys()):
            await self._refresh_demand(now)
        return jobs

    async def _refresh_demand(self, now: datetime) -> None:
        """Every login's demand, replaced whole (never grows), reused for DEMAND_TTL.

        It scans every link (0.5 s at 100,000 counters on PostgreSQL): not for each small
        claim, and not inside the claim's transaction, which holds the claimed rows' locks.
        The claimed jobs stand whatever happens here (the last demand is kept on an error).
        """
        try:
            async with self._services.sessions.begin() as session:
                self._recorder.demand = await PoolRepository(session).demand()
        except Exception:
            log.exception("the logins' demand could not be read; the last one is kept")
            return
        self._demand_until = now + DEMAND_TTL

    async def poll(self, job: PollJob) -> None:
        """Try the counter's tokens in turn; failures touch only this counter."""
        try:
            await self._poll(job)
        except Exception as exc:
            log.exception(
                "counter %s: polling failed unexpectedly",
                job.counter_id,
                extra={"counter_id": job.counter_id},
            )
            await self._recorder.back_off(job, None, exc)
        finally:
            self._busy.discard(job.counter_id)
        self._open.pop(job.counter_id, None)

    async def _poll(self, job: PollJob) -> None:
        spent: set[str] = set()
        for candidate in job.candidates:
            if candidate.quota_key in spent:
                continue
            try:
                listing = await self._read(job, candidate)
            except UnreadableToken:
                await self._unusable(job, candidate, access.unreadable, "no key decrypts it")
            except InvalidToken:
                await self._unusable(job, candidate, access.revoke, "Metrica refused it")
            except AccessDenied:
                await self._denied(job, candidate)
            except QuotaExceeded as exc:
                if not exc.daily:
                    await self._recorder.back_off(job, exc.retry_after, exc)
                    return
                spent.add(candidate.quota_key)
            except NotFound:
                await self._gone(job)
                return
            except MetricaError as exc:
                await self._recorder.back_off(job, getattr(exc, "retry_after", None), exc)
                return
            else:
                await self._recorded(job, candidate, listing)
                return
        await (self._quota(job) if spent else self._recorder.release(job))

    async def _read(self, job: PollJob, candidate: Candidate) -> Listing:
        token = self._services.cipher.decrypt(candidate.token_encrypted)
        caller = Caller(candidate.quota_key, RequestKind.MONITOR)
        return await self._services.metrica.listing(
            token, job.counter_id, caller=caller, known=job.list_digest
        )

    async def _recorded(self, job: PollJob, candidate: Candidate, listing: Listing) -> None:
        if await self._recorder.record(job, candidate, listing):
            self._on_queued()

    async def _unusable(
        self, job: PollJob, candidate: Candidate, act: access.Unusable, why: str
    ) -> None:
        """A token refused or unreadable: its links are suspended, their chats and owner told."""
        async with self._services.sessions.begin() as session:
            told = await act(session, candidate.credential_id, self._now())
        metrics.poll_outcome("revoked")
        log.warning(
            "credential %s: %s; its links are suspended",
            candidate.credential_id,
            why,
            extra={"counter_id": job.counter_id, "credential_id": candidate.credential_id},
        )
        if told:
            self._on_queued()

    async def _denied(self, job: PollJob, candidate: Candidate) -> None:
        """A token cannot see the counter any more: those links are suspended and told."""
        async with self._services.sessions.begin() as session:
            told = await access.lose_access(
                session, candidate.credential_id, job.counter_id, self._now()
            )
        metrics.poll_outcome("denied")
        log.warning(
            "counter %s: credential %s lost access",
            job.counter_id,
            candidate.credential_id,
            extra={"counter_id": job.counter_id, "credential_id": candidate.credential_id},
        )
        if told:
            self._on_queued()

    async def _gone(self, job: PollJob) -> None:
        async with self._services.sessions.begin() as session:
            told = await pausing.pause_counter(
                session,
                job.counter_id,
                job.name,
                PauseReason.GONE,
                owner=self._owner,
                generation=job.generation,
                now=self._now(),
            )
        metrics.poll_outcome("paused")
        log.warning(
            "counter %s: paused (%s)",
            job.counter_id,
            PauseReason.GONE,
            extra={"counter_id": job.counter_id},
        )
        if told:
            self._on_queued()

    async def _quota(self, job: PollJob) -> None:
        """Every login that can poll it spent its share: pause until the reset, tell once."""
        now = self._now()
        resume = after_reset(now, self._rand)
        async with self._services.sessions.begin() as session:
            paused, told = await pausing.pause_for_quota(
                session,
                self._owner,
                day=now.date(),
                allowance=self._config.daily_allowance,
                until=resume,
                now=now,
            )
        if job.counter_id in paused or await self._recorder.is_quota_paused(job):
            await self._recorder.wait_for_reset(job, resume)
            metrics.poll_outcome("quota")
            log.warning(
                "counter %s: no login has quota left; resume %s",
                job.counter_id,
                resume,
                extra={"counter_id": job.counter_id},
            )
        else:
            await self._recorder.back_off(job, None, RuntimeError("quota of its login spent"))
        if told:
            self._on_queued()

    async def sweep_revoked(self) -> None:
        """Tokens refused elsewhere (a user's command): suspend their links and tell, once."""
        async with self._services.sessions.begin() as session:
            revoked = await LinkRepository(session).revoked_in_use()
        for credential_id, _, _ in revoked:
            async with self._services.sessions.begin() as session:
                told = await access.revoke(session, credential_id, self._now())
            if told:
                self._on_queued()
