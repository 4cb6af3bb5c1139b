"""Daily Metrica request counts per token, so the quota survives a restart."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from sqlalchemy import select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import RequestCount
from bot.storage.upsert import upsert


class RequestCountRepository:
    """Reads and writes request counts; never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def add(self, deltas: Iterable[tuple[str, date, int]]) -> None:
        """Add requests made since the last save (several processes may add to one day)."""
        rows = [{"fingerprint": fp, "day": day, "count": n} for fp, day, n in deltas if n > 0]
        await upsert(
            self._session,
            RequestCount,
            rows,
            keys=("fingerprint", "day"),
            update=(),
            accumulate=("count",),
        )

    async def load(self, day: date) -> list[tuple[str, date, int]]:
        """The counts of one day."""
        rows = await self._session.scalars(select(RequestCount).where(RequestCount.day == day))
        return [(row.fingerprint, row.day, row.count) for row in rows]
