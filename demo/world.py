"""The demo's Metrica: token `demo`, two counters, a few uploadings, and new ones on the move.

Every `step` seconds each unfinished uploading moves one status on (UPLOADED, EXPORTED,
MATCHED, then PROCESSED), and a new uploading arrives whenever fewer than two are on the way.
Every third new uploading ends in LINKAGE_FAILURE instead of PROCESSED.
"""

from __future__ import annotations

import itertools
import threading
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from typing import Any

from fakes.metrica import FakeMetrica

TOKEN = "demo"
LOGIN = "demo"
ON_THE_WAY = ("UPLOADED", "EXPORTED", "MATCHED")
FAILING_EVERY = 3
IN_FLIGHT = 2


@dataclass(frozen=True)
class DemoCounter:
    """A counter of the demo world."""

    id: int
    name: str
    site: str


COUNTERS = (DemoCounter(12345, "Shop", "shop.example"), DemoCounter(67890, "Blog", "blog.example"))
# (counter, status, hours ago, comment): the history /uploadings shows at once.
HISTORY = (
    (12345, "PROCESSED", 50, "calls, Monday"),
    (12345, "LINKAGE_FAILURE", 30, "calls, Tuesday: wrong ClientID column"),
    (12345, "PROCESSED", 26, "calls, Tuesday again"),
    (12345, "MATCHED", 2, "calls, today"),
    (67890, "PROCESSED", 40, "newsletter calls"),
    (67890, "EXPORTED", 1, "webinar calls"),
)


class DemoMetrica:
    """A started FakeMetrica holding the demo world, and the thread that moves it on."""

    def __init__(self, step: float) -> None:
        self.fake = FakeMetrica().start()
        self._step = step
        self._stop = threading.Event()
        self._arrivals = itertools.count(1)
        self._failing: set[int] = set()  # uploadings that will end in LINKAGE_FAILURE
        self._thread = threading.Thread(target=self._run, name="demo-world", daemon=True)
        self.fake.add_token(TOKEN, [c.id for c in COUNTERS], LOGIN)
        for counter in COUNTERS:
            self.fake.add_counter(counter.id, counter.name, counter.site, owner_login=LOGIN)
        for counter_id, status, hours, comment in HISTORY:
            self._add(counter_id, status, comment, ago=timedelta(hours=hours))

    @property
    def url(self) -> str:
        """Where the bot finds it."""
        return self.fake.url

    def start(self) -> None:
        """Start moving uploadings along."""
        self._thread.start()

    def stop(self) -> None:
        """Stop the clock and the server."""
        self._stop.set()
        if self._thread.is_alive():
            self._thread.join(timeout=5)
        self.fake.stop()

    def describe(self) -> list[str]:
        """One line per uploading, for `:world`."""
        lines = []
        for counter in COUNTERS:
            lines.append(f"{counter.name} ({counter.id}, {counter.site})")
            for uploading in reversed(self.fake.uploadings(counter.id)):
                lines.append(f"  #{uploading['id']} {uploading['status']}  {uploading['comment']}")
        return lines

    def tick(self) -> None:
        """One step of the world: move every unfinished uploading on, add new ones."""
        with self.fake.lock:
            moving = [
                (counter.id, uploading)
                for counter in COUNTERS
                for uploading in self.fake.uploadings(counter.id)
                if uploading["status"] in ON_THE_WAY
            ]
            for counter_id, uploading in moving:
                self.fake.set_status(counter_id, uploading["id"], self._next(uploading))
            for _ in range(IN_FLIGHT - len(moving)):
                self._arrive()

    def _next(self, uploading: dict[str, object]) -> str:
        index = ON_THE_WAY.index(str(uploading["status"]))
        if index + 1 < len(ON_THE_WAY):
            return ON_THE_WAY[index + 1]
        return "LINKAGE_FAILURE" if uploading["id"] in self._failing else "PROCESSED"

    def _arrive(self) -> None:
        number = next(self._arrivals)
        counter = COUNTERS[number % len(COUNTERS)]
        uploading = self._add(counter.id, "UPLOADED", f"calls upload #{number}", ago=timedelta())
        if number % FAILING_EVERY == 0:
            self._failing.add(int(uploading["id"]))

    def _add(self, counter_id: int, status: str, comment: str, *, ago: timedelta) -> dict[str, Any]:
        created = (datetime.now(UTC) - ago).strftime("%Y-%m-%dT%H:%M:%SZ")
        valid = 0 if status == "LINKAGE_FAILURE" else 40
        return self.fake.add_uploading(
            counter_id,
            status=status,
            comment=comment,
            create_time=created,
            source_quantity=40,
            line_quantity=valid,
            static_calls_quantity=0,
            dynamic_calls_quantity=40,
        )

    def _run(self) -> None:
        while not self._stop.wait(self._step):
            self.tick()
