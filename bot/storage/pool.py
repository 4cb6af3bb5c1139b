"""The pool of tokens that may poll a counter, and what the logins behind them can afford.

A counter's candidates are the credentials of the live links of its active chats that are
subscribed to it or follow one of its uploadings,
the login with the most monitor budget left today first. A login's demand is its share of the
counters it can poll (a counter n logins can poll counts 1/n to each).
"""

from __future__ import annotations

from collections.abc import Collection
from dataclasses import dataclass, field
from datetime import date, datetime
from typing import TypeVarTuple

from sqlalchemy import Float, Select, and_, cast, func, or_, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import PauseReason
from bot.metrica import RequestKind
from bot.storage.dbclock import db_now
from bot.storage.links import heard, listening, live_link
from bot.storage.models import Chat, ChatCounter, Counter, Credential, RequestCount

Ts = TypeVarTuple("Ts")


@dataclass(frozen=True, slots=True)
class Candidate:
    """A credential that may poll a counter, with its login's monitor requests today."""

    credential_id: int
    owner_user_id: int
    login: str | None
    quota_key: str
    token_encrypted: bytes = field(repr=False)
    used: int = 0


class PoolRepository:
    """Reads the pool and pauses counters no login can afford; never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def candidates(
        self, counter_ids: Collection[int], day: date
    ) -> dict[int, list[Candidate]]:
        """For each counter, its candidates: the login with the most budget left first."""
        today = and_(
            RequestCount.key == Credential.quota_key,
            RequestCount.day == day,
            RequestCount.kind == str(RequestKind.MONITOR),
        )
        rows = await self._session.execute(
            _candidate_links(
                select(
                    ChatCounter.counter_id,
                    Credential.id,
                    Credential.user_id,
                    Credential.login,
                    Credential.quota_key,
                    Credential.token_encrypted,
                    func.coalesce(RequestCount.count, 0),
                )
            )
            .outerjoin(RequestCount, today)
            .where(ChatCounter.counter_id.in_(list(counter_ids)))
        )
        found: dict[int, dict[int, Candidate]] = {}
        for counter_id, credential_id, user_id, login, key, token, used in rows:
            candidate = Candidate(credential_id, user_id, login, key, token, used)
            found.setdefault(counter_id, {})[credential_id] = candidate
        return {
            counter_id: sorted(by_id.values(), key=lambda c: (c.used, c.credential_id))
            for counter_id, by_id in found.items()
        }

    async def demand(self) -> dict[str, tuple[float, float]]:
        """For each login: its share of the running counters it can poll, (hot, idle).

        A counter that n logins can poll counts 1/n to each: the pool spreads it among them.
        """
        pairs = (
            _candidate_links(select(ChatCounter.counter_id, Credential.quota_key))
            .distinct()
            .subquery()
        )
        shares = (
            select(pairs.c.counter_id, func.count().label("n"))
            .group_by(pairs.c.counter_id)
            .subquery()
        )
        rows = await self._session.execute(
            select(pairs.c.quota_key, Counter.is_hot, func.sum(1.0 / cast(shares.c.n, Float)))
            .join(shares, shares.c.counter_id == pairs.c.counter_id)
            .join(Counter, Counter.id == pairs.c.counter_id)
            .where(Counter.paused_reason.is_(None))
            .group_by(pairs.c.quota_key, Counter.is_hot)
        )
        found: dict[str, tuple[float, float]] = {}
        for key, is_hot, share in rows:
            hot, idle = found.get(key, (0.0, 0.0))
            found[key] = (hot + share, idle) if is_hot else (hot, idle + share)
        return found

    async def pause_exhausted(
        self, owner: str, *, day: date, allowance: int, until: datetime
    ) -> list[tuple[int, str]]:
        """Pause until `until` every running counter that no login with budget left can poll.

        Counters leased by another process are left to it. (id, name) of those paused now.
        """
        used = (
            select(RequestCount.count)
            .where(
                RequestCount.key == Credential.quota_key,
                RequestCount.day == day,
                RequestCount.kind == str(RequestKind.MONITOR),
            )
            .scalar_subquery()
        )
        has_budget = (
            _candidate_links(select(ChatCounter.counter_id))
            .where(ChatCounter.counter_id == Counter.id, func.coalesce(used, 0) < allowance)
            .exists()
        )
        free = or_(
            Counter.lease_until.is_(None),
            Counter.lease_until < db_now(self._session),
            Counter.lease_owner == owner,
        )
        rows = await self._session.execute(
            update(Counter)
            .where(Counter.paused_reason.is_(None), free, listening(Counter.id), ~has_budget)
            .values(paused_reason=PauseReason.QUOTA, next_poll_at=until)
            .returning(Counter.id, Counter.name)
        )
        return sorted((counter_id, name) for counter_id, name in rows)


def _candidate_links(query: Select[*Ts]) -> Select[*Ts]:
    """Live links of active chats that hear the counter, with their credentials, in a query."""
    return (
        query.select_from(ChatCounter)
        .join(Credential, Credential.id == ChatCounter.credential_id)
        .join(Chat, Chat.id == ChatCounter.chat_id)
        .where(live_link(), Chat.is_active.is_(True), heard())
    )
