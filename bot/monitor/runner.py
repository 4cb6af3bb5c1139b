"""Starts and stops the background work: polling Metrica, sending notifications, bookkeeping."""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from telegram import Bot

from bot.clock import utc_now
from bot.container import Services
from bot.heartbeat import Heartbeat
from bot.monitor.delivery import Delivery
from bot.monitor.instance import instance_id
from bot.monitor.poller import Poller
from bot.monitor.pump import Pump, cancel_task, every
from bot.monitor.sender import Sender
from bot.storage.db import create_session_factory
from bot.storage.outbox import OutboxRepository
from bot.storage.polling import PollingRepository, PollJob
from bot.storage.quota import LoginSlotRepository, RequestCountRepository

log = logging.getLogger(__name__)

POLL_CONCURRENCY = 16  # counters in flight per process; Metrica's per-login cap is the gate's
SEND_CONCURRENCY = 8  # chats written to at once; each chat is sequential and paced
SEND_INTERVAL = 1.0  # how often to look for due messages queued by other processes
HOUSEKEEPING_SECONDS = 30.0
KEEP_SENT = timedelta(days=2)
# Running polls and sends get this long at a stop; the whole stop stays within
# bot.stopping.STOP_DEADLINE, itself shorter than the documented Docker stop timeout.
STOP_GRACE = 10.0
# Releasing the leases waits this long at most for SQLite's write lock (not the 30 s busy
# timeout): another process's transaction ends sooner, and leases not released expire anyway.
STOP_LOCK_TIMEOUT = 3.0


class Monitor:
    """The poller and the sender pumps plus the quota and outbox bookkeeping of one process."""

    def __init__(self, services: Services, bot: Bot, *, owner: str | None = None) -> None:
        settings = services.settings
        self.owner = owner or instance_id()
        self._services = services
        lease = timedelta(seconds=settings.lease_seconds)
        self.sender = Sender(services.sessions, bot, owner=self.owner, lease=lease)
        self.send_pump: Pump[Delivery] = Pump(
            "sender",
            claim=self.sender.claim,
            work=self.sender.deliver,
            concurrency=SEND_CONCURRENCY,
            interval=SEND_INTERVAL,
        )
        self.poller = Poller(services, owner=self.owner, on_queued=self.send_pump.wake)
        self.heartbeat = Heartbeat(settings.data_dir, self.owner)
        self.poll_pump: Pump[PollJob] = Pump(
            "poller",
            claim=self.poller.claim,
            work=self.poller.poll,
            concurrency=POLL_CONCURRENCY,
            interval=min(5.0, max(0.5, settings.poll_interval_seconds / 4)),
            batch=POLL_CONCURRENCY // 2,
            on_pass=self.heartbeat.beat,  # read by `python -m bot health`
        )
        self._housekeeping: asyncio.Task[None] | None = None
        self._releases = create_session_factory(services.engine, lock_timeout=STOP_LOCK_TIMEOUT)

    async def start(self) -> None:
        """Start the loops."""
        self.poll_pump.start()
        self.send_pump.start()
        self._housekeeping = asyncio.create_task(
            every(HOUSEKEEPING_SECONDS, self.housekeeping, name="housekeeping"),
            name="housekeeping",
        )
        log.info("monitor started as %s", self.owner)

    async def housekeeping(self) -> None:
        """Notice tokens refused elsewhere; forget old messages, old counts, orphan slots."""
        await self.poller.sweep_revoked()
        now = utc_now()
        async with self._services.sessions.begin() as session:
            await OutboxRepository(session).purge(now - KEEP_SENT)
            await RequestCountRepository(session).purge(now.date() - timedelta(days=1))
            await LoginSlotRepository(session).purge_orphans()

    async def stop(self) -> None:
        """Stop claiming, let running work finish briefly, release leases."""
        if self._housekeeping is not None:
            await cancel_task(self._housekeeping)
        await asyncio.gather(self.poll_pump.stop(STOP_GRACE), self.send_pump.stop(STOP_GRACE))
        try:
            async with self._releases.begin() as session:
                await PollingRepository(session).release_all(
                    self.owner, self.poller.unfinished, utc_now()
                )
        except Exception:
            log.exception("could not release leases at stop")
        self.heartbeat.clear()
        log.info("monitor %s stopped", self.owner)
