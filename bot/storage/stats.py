"""Read-only numbers for the metrics: outbox depth and age, live leases, requests per login."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

from sqlalchemy import and_, func, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Counter, Credential, OutboxMessage, RequestCount


@dataclass(frozen=True, slots=True)
class OutboxStats:
    """Messages waiting to be sent, and when the oldest of them was queued."""

    pending: int
    oldest: datetime | None


class StatsRepository:
    """Aggregates over the shared tables; never writes."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def outbox(self) -> OutboxStats:
        """Pending (neither sent nor dropped) messages."""
        pending = and_(OutboxMessage.sent_at.is_(None), OutboxMessage.dropped.is_(False))
        row = (
            await self._session.execute(
                select(func.count(), func.min(OutboxMessage.created_at)).where(pending)
            )
        ).one()
        oldest = row[1]
        if isinstance(oldest, str):  # in case a driver hands MIN() back as text
            oldest = datetime.fromisoformat(oldest)
        if oldest is not None and oldest.tzinfo is None:
            oldest = oldest.replace(tzinfo=UTC)
        return OutboxStats(int(row[0]), oldest)

    async def leases(self, now: datetime) -> dict[str, int]:
        """Unexpired leases held by any process: on counters and on pending messages."""
        counters = await self._session.scalar(select(func.count()).where(Counter.lease_until > now))
        messages = await self._session.scalar(
            select(func.count()).where(
                OutboxMessage.lease_until > now, OutboxMessage.sent_at.is_(None)
            )
        )
        return {"counter": int(counters or 0), "message": int(messages or 0)}

    async def requests_today(self, day: date) -> dict[str, int]:
        """Per quota key (a login, else "fp:<fingerprint>"): the requests counted on `day`,
        by the monitor and by commands; keys of saved tokens unused today appear with 0."""
        counted = await self._session.execute(
            select(RequestCount.key, func.sum(RequestCount.count))
            .where(RequestCount.day == day)
            .group_by(RequestCount.key)
        )
        saved = await self._session.scalars(select(Credential.quota_key).distinct())
        result = dict.fromkeys(saved, 0)
        for key, count in counted:
            result[key] = int(count or 0)
        return result
