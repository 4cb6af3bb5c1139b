"""Keeps the in-memory Metrica request ledger and the request_counts table in step.

Each process adds to the table only its own requests since its last save (several processes
add to one row), then reloads the day's totals, so the budget sees every process's requests
and survives restarts. `_saved` holds, per key, the ledger value already reflected in the table.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import date

from bot.clock import utc_now
from bot.metrica import RequestLedger
from bot.storage.db import SessionFactory
from bot.storage.quota import RequestCountRepository

Key = tuple[str, date]


class LedgerSync:
    """Saves this process's new requests and loads everyone's totals for today."""

    def __init__(
        self,
        sessions: SessionFactory,
        ledger: RequestLedger,
        *,
        today: Callable[[], date] = lambda: utc_now().date(),
    ) -> None:
        self._sessions = sessions
        self._ledger = ledger
        self._today = today
        self._saved: dict[Key, int] = {}

    async def sync(self) -> None:
        """Add local requests since the last sync to the table, then merge the table's totals."""
        today = self._today()
        drained = {(fp, day): count for fp, day, count in self._ledger.drain_dirty()}
        deltas = [
            (fp, day, count - self._saved.get((fp, day), 0)) for (fp, day), count in drained.items()
        ]
        async with self._sessions.begin() as session:
            repo = RequestCountRepository(session)
            await repo.add(deltas)
            totals = await repo.load(today)
        keys = set(drained) | {(fp, day) for fp, day, _ in totals}
        # Requests made while we awaited the database are in the ledger but not in the table.
        during = {
            key: self._ledger.used(*key) - drained.get(key, self._saved.get(key, 0)) for key in keys
        }
        self._ledger.load(totals)
        for key in keys:
            self._saved[key] = self._ledger.used(*key) - during[key]
        self._ledger.forget_before(today)
        self._saved = {key: value for key, value in self._saved.items() if key[1] >= today}
