"""Stop signals, from the first moment, and stopping within the container's stop timeout.

python -m bot installs `StopSignal` before importing anything heavy, so SIGTERM while the process
is still starting is a clean stop too: until the event loop runs a signal only sets a flag (the
step in progress, a migration say, finishes; the rest of start-up is skipped); then it sets an
event that bot/serve.py waits on. `docker stop` and Compose send SIGTERM, then SIGKILL after
`--stop-timeout` / `stop_grace_period`; README and docker-compose.yml document 30 s. A clean stop
lets running command handlers finish, gives running polls and sends `STOP_GRACE`
(bot/monitor/runner.py), saves the request counts and releases the leases. Should anything hang,
the process still exits `STOP_DEADLINE` seconds after the first signal, before the SIGKILL, and
says so. A second signal during the stop is noted, not obeyed: it would cut the clean stop short.
"""

from __future__ import annotations

import asyncio
import logging
import os
import signal
import threading
from collections.abc import Callable
from types import FrameType

log = logging.getLogger(__name__)

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)
STOP_DEADLINE = 25.0
DOCUMENTED_STOP_TIMEOUT = 30.0  # README and docker-compose.yml (stop_grace_period)


class StopSignal:
    """SIGINT and SIGTERM from main()'s first line on: a flag until the loop runs, then an event."""

    def __init__(
        self, *, deadline: float = STOP_DEADLINE, give_up: Callable[[int], object] = os._exit
    ) -> None:
        self._requested = False
        self._event: asyncio.Event | None = None
        self._deadline = deadline
        self._give_up = give_up
        self._timer: threading.Timer | None = None

    @property
    def requested(self) -> bool:
        """Whether a stop signal has arrived."""
        return self._requested

    def install(self) -> None:
        """Catch the signals before anything else runs (migrations included: they finish)."""
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._early)

    def attach(self, loop: asyncio.AbstractEventLoop) -> asyncio.Event:
        """From now on a signal sets the returned event (set already if one came before)."""
        self._event = asyncio.Event()
        for signum in STOP_SIGNALS:
            loop.add_signal_handler(signum, self.received, signum)
        if self._requested:
            self._event.set()
        return self._event

    def received(self, signum: int) -> None:
        """A stop signal arrived: the first one stops and arms the deadline, later ones wait."""
        name = signal.Signals(signum).name
        if self._requested:
            log.warning("%s while stopping: already stopping, please wait", name)
            return
        self._requested = True
        log.info("%s: stopping (at most %.0f s)", name, self._deadline)
        self._timer = threading.Timer(self._deadline, self._expired)
        self._timer.daemon = True
        self._timer.start()
        if self._event is not None:
            self._event.set()

    def _early(self, signum: int, frame: FrameType | None) -> None:
        self.received(signum)

    def _expired(self) -> None:
        log.error(
            "not stopped %.0f s after the stop signal: exiting now; claimed counters and "
            "messages pass to other processes when their leases expire (LEASE_SECONDS)",
            self._deadline,
        )
        for handler in logging.getLogger().handlers:
            handler.flush()
        self._give_up(1)
