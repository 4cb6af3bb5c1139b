"""The database gate: allowances and parallel slots per login, shared by every process."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import update

from bot.metrica import Allowance, AllowanceSpent, Caller, RequestKind, Unavailable
from bot.services.quota_gate import DatabaseGate
from bot.storage.db import SessionFactory
from bot.storage.models import LoginSlot
from bot.storage.quota import LoginSlotRepository, RequestCountRepository

DAY = date(2026, 11, 28)
MONITOR = Caller("anna", RequestKind.MONITOR)
COMMAND = Caller("anna", RequestKind.COMMAND)


class Clock:
    """A monotonic clock that moves only when the gate sleeps."""

    def __init__(self) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        self.now += seconds
        await asyncio.sleep(0)


def gate(sessions: SessionFactory, daily: int = 10, clock: Clock | None = None) -> DatabaseGate:
    """A gate as one process has it (10 a day: 8 for the monitor, 2 for commands)."""
    clock = clock or Clock()
    return DatabaseGate(sessions, Allowance(daily, 0.8), sleep=clock.sleep, clock=clock)


async def used(sessions: SessionFactory, kind: str = "monitor") -> int:
    async with sessions.begin() as session:
        return (await RequestCountRepository(session).used(["anna"], DAY, kind)).get("anna", 0)


async def test_two_processes_share_one_allowance_per_login_and_kind(sessions: SessionFactory):
    first, second = gate(sessions), gate(sessions)
    for number in range(8):
        process = first if number % 2 else second
        await process.release(await process.acquire(MONITOR, DAY))

    for process in (first, second):
        with pytest.raises(AllowanceSpent) as refused:
            await process.acquire(MONITOR, DAY)
    assert refused.value.resets_at == datetime(2026, 11, 29, tzinfo=UTC)
    for process in (first, second):  # the commands' reserve is apart: 2
        await process.release(await process.acquire(COMMAND, DAY))
    with pytest.raises(AllowanceSpent):
        await first.acquire(COMMAND, DAY)
    assert (await used(sessions), await used(sessions, "command")) == (8, 2)
    await first.release(await first.acquire(MONITOR, DAY + timedelta(days=1)))


async def test_a_restarted_process_starts_from_the_days_stored_count(sessions: SessionFactory):
    async with sessions.begin() as session:
        await RequestCountRepository(session).add("anna", DAY, "monitor", 7)
    restarted = gate(sessions)
    await restarted.release(await restarted.acquire(MONITOR, DAY))
    with pytest.raises(AllowanceSpent):
        await restarted.acquire(MONITOR, DAY)


async def test_concurrent_requests_never_go_past_the_allowance(sessions: SessionFactory):
    # Real sleeps: waiting for one of the three slots takes milliseconds here.
    processes = [DatabaseGate(sessions, Allowance(100, 0.8)) for _ in range(4)]

    async def one(process: DatabaseGate) -> bool:
        try:
            ticket = await process.acquire(COMMAND, DAY)
        except AllowanceSpent:
            return False
        await process.release(ticket)
        return True

    granted = await asyncio.gather(*(one(processes[n % 4]) for n in range(40)))
    assert sum(granted) == 20
    assert await used(sessions, "command") == 20


async def test_no_login_has_more_than_three_slots_whichever_process_asks(
    sessions: SessionFactory,
):
    clock = Clock()
    first, second = gate(sessions, daily=100, clock=clock), gate(sessions, daily=100, clock=clock)
    held = [await first.acquire(MONITOR, DAY), await second.acquire(MONITOR, DAY)]
    held.append(await first.acquire(COMMAND, DAY))
    assert sorted(ticket.slot for ticket in held) == [0, 1, 2]

    with pytest.raises(Unavailable):
        await second.acquire(MONITOR, DAY)  # waited its 30 s (on the fake clock), in vain
    assert sum(clock.sleeps) >= 30
    assert await used(sessions) == 2  # a request never made is not counted

    await first.release(held[0])
    ticket = await second.acquire(MONITOR, DAY)
    assert ticket.slot == held[0].slot
    await second.acquire(Caller("boris", RequestKind.MONITOR), DAY)  # other logins are apart


async def test_a_slot_of_a_process_that_died_frees_when_its_lease_ends(sessions: SessionFactory):
    dead, alive = gate(sessions, daily=100), gate(sessions, daily=100)
    for _ in range(3):
        await dead.acquire(MONITOR, DAY)  # never released: the process died
    async with sessions.begin() as session:  # the database's clock passes the leases
        await session.execute(
            update(LoginSlot)
            .where(LoginSlot.slot == 1)
            .values(until=datetime.now(UTC) - timedelta(seconds=1))
        )
    ticket = await alive.acquire(MONITOR, DAY)
    assert ticket.slot == 1


async def test_a_late_release_never_frees_a_slot_someone_else_holds_now(sessions: SessionFactory):
    slow, other = gate(sessions, daily=100), gate(sessions, daily=100)
    stale = await slow.acquire(MONITOR, DAY)
    async with sessions.begin() as session:
        await session.execute(
            update(LoginSlot).values(until=datetime.now(UTC) - timedelta(seconds=1))
        )
    taken = await other.acquire(MONITOR, DAY)
    assert taken.slot == stale.slot

    await slow.release(stale)
    async with sessions.begin() as session:
        slot = await session.get(LoginSlot, ("anna", taken.slot))
        assert slot is not None
        assert slot.holder == taken.holder


async def test_metricas_daily_refusal_spends_both_kinds_for_every_process(
    sessions: SessionFactory,
):
    first, second = gate(sessions, daily=100), gate(sessions, daily=100)
    await first.spent("anna", DAY)
    for caller in (MONITOR, COMMAND):
        with pytest.raises(AllowanceSpent):
            await second.acquire(caller, DAY)
    assert (await used(sessions), await used(sessions, "command")) == (80, 20)


async def test_idle_slots_of_logins_nobody_saved_are_purged(sessions: SessionFactory):
    junk = gate(sessions, daily=100)
    await junk.release(await junk.acquire(Caller("fp:junk", RequestKind.COMMAND), DAY))
    held = await junk.acquire(Caller("fp:busy", RequestKind.COMMAND), DAY)
    async with sessions.begin() as session:
        await LoginSlotRepository(session).purge_orphans()
        await RequestCountRepository(session).purge(DAY + timedelta(days=1))
    async with sessions.begin() as session:
        assert await session.get(LoginSlot, ("fp:junk", 0)) is None
        assert await session.get(LoginSlot, ("fp:busy", held.slot)) is not None
        assert await RequestCountRepository(session).used(["fp:junk"], DAY, "command") == {}
