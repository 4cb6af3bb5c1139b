"""The monitor's heartbeat: a small file in DATA_DIR rewritten after each pass of the poll loop.

`python -m bot health` (another process, in the same container) reads its age. A file, not a
table row: it needs no migration, works when the database is the thing that is down, and a
container's DATA_DIR belongs to that container alone (processes sharing one DATA_DIR share
the heartbeat too: give each process its own).
"""

from __future__ import annotations

import contextlib
import logging
import os
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path

log = logging.getLogger(__name__)

FILE_NAME = "heartbeat"
MIN_GAP = 1.0  # seconds between two writes: the poll loop may turn several times a second


@dataclass(frozen=True, slots=True)
class Beat:
    """What a heartbeat file says: who wrote it and how long ago."""

    instance: str
    age: float


class Heartbeat:
    """Writes `{data_dir}/heartbeat` (instance id, UTC time) atomically, at most once a second."""

    def __init__(
        self, data_dir: Path, instance: str, *, clock: Callable[[], float] = time.monotonic
    ) -> None:
        self.path = data_dir / FILE_NAME
        self._instance = instance
        self._clock = clock
        self._last: float | None = None
        self._failing = False

    def beat(self) -> None:
        """Record a completed pass; a failed write is logged, never raised into the loop."""
        now = self._clock()
        if self._last is not None and now - self._last < MIN_GAP:
            return
        self._last = now
        stamp = datetime.now(UTC).isoformat(timespec="seconds")
        temporary = self.path.with_name(f".{FILE_NAME}.{os.getpid()}")
        try:
            self.path.parent.mkdir(parents=True, exist_ok=True)
            temporary.write_text(f"{self._instance} {stamp}\n", encoding="utf-8")
            temporary.replace(self.path)  # readers never see half a file
        except OSError as exc:
            if not self._failing:  # once, not every second
                log.warning("cannot write the heartbeat %s: %s", self.path, exc)
            self._failing = True
        else:
            self._failing = False

    def clear(self) -> None:
        """Remove the heartbeat at a clean stop, if it is still ours."""
        beat = read(self.path)
        if beat is not None and beat.instance == self._instance:
            with contextlib.suppress(OSError):
                self.path.unlink()


def read(path: Path) -> Beat | None:
    """The heartbeat at `path`, or None when there is none (its age from the file's mtime)."""
    try:
        text = path.read_text(encoding="utf-8")
        modified = path.stat().st_mtime
    except OSError:
        return None
    instance = text.split(maxsplit=1)[0] if text.strip() else "?"
    return Beat(instance, max(0.0, time.time() - modified))
