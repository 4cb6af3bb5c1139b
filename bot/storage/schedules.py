"""The schedules of quiet polls (the list was the one seen last), written many at once.

A quiet poll changes nothing but its counter's schedule, so the poller collects them and
writes each batch with one statement in one transaction, still only under each poll's claim
(owner and generation), like `PollingRepository.reschedule`.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import cast

from sqlalchemy import Table, bindparam, case, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import PauseReason
from bot.storage.models import Counter, UtcDateTime


@dataclass(frozen=True, slots=True)
class QuietPoll:
    """A poll whose list was the one seen last: only its schedule is written."""

    counter_id: int
    generation: int
    polled_at: datetime
    next_poll_at: datetime
    hot: bool


class ScheduleRepository:
    """Writes the schedules of quiet polls; never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def reschedule_quiet(self, owner: str, polls: Sequence[QuietPoll]) -> set[int]:
        """The schedules of many quiet polls in one statement; the counters still held.

        The values `reschedule` writes after a good poll, for each counter this claim holds.
        """
        claims = {p.counter_id: p.generation for p in polls}
        rows = await self._session.execute(
            select(Counter.id, Counter.lease_generation)
            .where(Counter.id.in_(list(claims)), Counter.lease_owner == owner)
            .with_for_update()
        )
        held = {counter_id for counter_id, gen in rows if claims[counter_id] == gen}
        values = [_quiet_values(p, owner) for p in polls if p.counter_id in held]
        if values:
            await self._session.execute(_QUIET_UPDATE, values)
        return held


_table = cast(Table, Counter.__table__)  # a mapped class over one Table
_counters = _table.c
# Core, executed with many parameter sets: one statement for every quiet poll of a batch.
_QUIET_UPDATE = (
    update(_table)
    .where(
        _counters.id == bindparam("b_id"),
        _counters.lease_owner == bindparam("b_owner"),
        _counters.lease_generation == bindparam("b_generation"),
    )
    .values(
        next_poll_at=bindparam("b_next", type_=UtcDateTime),
        last_polled_at=bindparam("b_polled", type_=UtcDateTime),
        is_hot=bindparam("b_hot"),
        has_baseline=True,
        failures=0,
        # A pause decided meanwhile (the counter gone) outlives this poll; a quota pause ends.
        paused_reason=case(
            (_counters.paused_reason == PauseReason.QUOTA, None), else_=_counters.paused_reason
        ),
        lease_owner=None,
        lease_until=None,
    )
)


def _quiet_values(poll: QuietPoll, owner: str) -> dict[str, object]:
    """One parameter set of _QUIET_UPDATE."""
    return {
        "b_id": poll.counter_id,
        "b_owner": owner,
        "b_generation": poll.generation,
        "b_next": poll.next_poll_at,
        "b_polled": poll.polled_at,
        "b_hot": poll.hot,
    }
