"""The background jobs of /login: polling pending logins, and refreshing tokens before they end.

Both claim their work in the database (bot.storage.device_logins, claim_refreshes), so with
several processes each login is polled and each token refreshed by one process, and a restart
picks up where the last process stopped. How a finished login is shown is the chat
interface's (`show`); notices of a refused refresh go through the outbox (`on_queued`).
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable

from bot.container import Services
from bot.monitor.pump import Pump
from bot.services.login_poll import Ended, claim_logins, poll_login
from bot.services.refresh import Due, claim_refreshes, refresh_token
from bot.storage.device_logins import PendingLogin

log = logging.getLogger(__name__)

LOGIN_CONCURRENCY = 8
LOGIN_CLAIM_INTERVAL = 1.0  # a login's own interval (5 s at Yandex) is kept by its schedule
REFRESH_CONCURRENCY = 4
REFRESH_CLAIM_INTERVAL = 5.0
STOP_GRACE = 5.0

Show = Callable[[Ended], Awaitable[None]]


class LoginJobs:
    """Two pumps: logins and refreshes."""

    def __init__(
        self, services: Services, show: Show, on_queued: Callable[[], None] = lambda: None
    ) -> None:
        self._services = services
        self._show = show
        self._on_queued = on_queued
        self.logins: Pump[PendingLogin] = Pump(
            "logins",
            claim=lambda free: claim_logins(services, free),
            work=self._poll,
            concurrency=LOGIN_CONCURRENCY,
            interval=LOGIN_CLAIM_INTERVAL,
        )
        self.refreshes: Pump[Due] = Pump(
            "refreshes",
            claim=lambda free: claim_refreshes(services, free),
            work=self._refresh,
            concurrency=REFRESH_CONCURRENCY,
            interval=REFRESH_CLAIM_INTERVAL,
        )

    def start(self) -> None:
        """Start both loops."""
        self.logins.start()
        self.refreshes.start()
        log.info("login jobs started")

    async def stop(self) -> None:
        """Stop both loops together (one grace, not two); an interrupted poll resumes later."""
        await asyncio.gather(self.logins.stop(STOP_GRACE), self.refreshes.stop(STOP_GRACE))

    async def _poll(self, pending: PendingLogin) -> None:
        ended = await poll_login(self._services, pending)
        if ended is not None:
            await self._show(ended)

    async def _refresh(self, due: Due) -> None:
        if await refresh_token(self._services, due):
            self._on_queued()
