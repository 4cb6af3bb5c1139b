"""The last seen state of each uploading of a watched counter."""

from __future__ import annotations

from collections.abc import Collection, Sequence
from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import Uploading
from bot.storage.models import UploadingState
from bot.storage.upsert import upsert

# Seven columns a row: keeps one INSERT under SQLite's and asyncpg's parameter limits.
_ROWS_PER_STATEMENT = 500


class SnapshotRepository:
    """Reads and writes uploading states; never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def load(self, counter_id: int) -> dict[int, tuple[str, bool]]:
        """Each known uploading's last status and whether it was reported stuck."""
        rows = await self._session.execute(
            select(
                UploadingState.uploading_id, UploadingState.status, UploadingState.stuck_warned
            ).where(UploadingState.counter_id == counter_id)
        )
        return {uploading_id: (status, warned) for uploading_id, status, warned in rows}

    async def record(
        self, counter_id: int, uploadings: Sequence[Uploading], *, now: datetime
    ) -> None:
        """Store new uploadings and new statuses (first_seen_at stays as first written)."""
        rows = [
            {
                "counter_id": counter_id,
                "uploading_id": uploading.id,
                "status": uploading.status,
                "create_time": uploading.create_time,
                "first_seen_at": now,
                "changed_at": now,
                "stuck_warned": False,
            }
            for uploading in uploadings
        ]
        for start in range(0, len(rows), _ROWS_PER_STATEMENT):
            chunk = rows[start : start + _ROWS_PER_STATEMENT]
            await upsert(
                self._session,
                UploadingState,
                chunk,
                keys=("counter_id", "uploading_id"),
                update=("status", "create_time", "changed_at"),
            )

    async def mark_stuck_warned(self, counter_id: int, uploading_ids: Collection[int]) -> None:
        """Remember that these uploadings got their one 'still processing' warning."""
        ids = sorted(uploading_ids)
        for start in range(0, len(ids), _ROWS_PER_STATEMENT):
            chunk = ids[start : start + _ROWS_PER_STATEMENT]
            await self._session.execute(
                update(UploadingState)
                .where(
                    UploadingState.counter_id == counter_id,
                    UploadingState.uploading_id.in_(chunk),
                )
                .values(stuck_warned=True)
            )
