"""Stopping within the container's stop timeout: one signal starts a clean stop with a deadline.

`docker stop` and Compose send SIGTERM, then SIGKILL after `--stop-timeout` /
`stop_grace_period`; README and docker-compose.yml document 30 s. A clean stop lets running
command handlers finish, gives running polls and sends `STOP_GRACE` (bot/monitor/runner.py),
saves the request counts and releases the leases. Should anything hang, the process still exits
`STOP_DEADLINE` seconds after the signal, before the SIGKILL, and says so. A second signal
during the stop is noted, not obeyed: it would cut the clean stop short.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
from collections.abc import Callable
from typing import NoReturn

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
STOP_DEADLINE = 25.0
DOCUMENTED_STOP_TIMEOUT = 30.0  # README and docker-compose.yml (stop_grace_period)


def raise_system_exit() -> NoReturn:
    """What PTB's own stop-signal handler does: leave run_polling's loop, then stop cleanly."""
    raise SystemExit


class StopSignals:
    """Calls `on_stop` at the first stop signal and arms the deadline; ignores later ones."""

    def __init__(
        self,
        on_stop: Callable[[], None],
        *,
        deadline: float = STOP_DEADLINE,
        give_up: Callable[[int], object] = os._exit,
    ) -> None:
        self._on_stop = on_stop
        self._deadline = deadline
        self._give_up = give_up
        self._timer: threading.Timer | None = None

    def install(self, loop: asyncio.AbstractEventLoop) -> None:
        """Handle SIGINT and SIGTERM on this loop."""
        for signum in STOP_SIGNALS:
            loop.add_signal_handler(signum, self.received, signum)

    def received(self, signum: int) -> None:
        """A stop signal arrived."""
        name = signal.Signals(signum).name
        if self._timer is not None:
            log.warning("%s while stopping: already stopping, please wait", name)
            return
        log.info("%s: stopping (at most %.0f s)", name, self._deadline)
        self._timer = threading.Timer(self._deadline, self._expired)
        self._timer.daemon = True
        self._timer.start()
        self._on_stop()

    def _expired(self) -> None:
        log.error(
            "not stopped %.0f s after the stop signal: exiting now; claimed counters and "
            "messages pass to other processes when their leases expire (LEASE_SECONDS)",
            self._deadline,
        )
        for handler in logging.getLogger().handlers:
            handler.flush()
        self._give_up(1)
