"""Stop signals, caught from the first moment: python -m bot installs this before importing
anything heavy, so SIGTERM while the process is still starting is a clean stop too."""

from __future__ import annotations

import asyncio
import signal
from types import FrameType

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopSignal:
    """SIGINT and SIGTERM from main()'s first line on: a flag until the loop runs, then an event."""

    def __init__(self) -> None:
        self._requested = False
        self._event: asyncio.Event | None = None

    @property
    def requested(self) -> bool:
        """Whether a stop signal has arrived."""
        return self._requested or (self._event is not None and self._event.is_set())

    def install(self) -> None:
        """Catch the signals before anything else runs (migrations included: they finish)."""
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._early)

    def _early(self, signum: int, frame: FrameType | None) -> None:
        self._requested = True

    def attach(self, loop: asyncio.AbstractEventLoop) -> asyncio.Event:
        """From now on a signal sets the returned event (set already if one came before)."""
        self._event = asyncio.Event()
        for signum in STOP_SIGNALS:
            loop.add_signal_handler(signum, self._event.set)
        if self._requested:
            self._event.set()
        return self._event
