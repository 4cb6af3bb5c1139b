"""The database gate: allowances and parallel slots per login, shared by every process."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime, timedelta

import pytest
from sqlalchemy import select, update

from bot.metrica import Allowance, AllowanceSpent, Caller, RequestKind, Unavailable
from bot.metrica.keep import BLOCK_SHARE, KEEP_IDLE, block_size
from bot.services.quota_gate import SLOT_WAIT_SECONDS, DatabaseGate
from bot.storage.db import SessionFactory
from bot.storage.models import LoginSlot
from bot.storage.quota import LoginSlotRepository, RequestCountRepository

DAY = date(2026, 11, 28)
MONITOR = Caller("anna", RequestKind.MONITOR)
COMMAND = Caller("anna", RequestKind.COMMAND)


class Clock:
    """A monotonic clock that moves only when the gate sleeps (or, `still`, never by itself).

    Each sleep also lets real time pass for a moment, so a transaction of the gate's task
    that frees kept slots can commit before the fake seconds of a wait run out.
    """

    def __init__(self, *, still: bool = False) -> None:
        self.now = 0.0
        self.sleeps: list[float] = []
        self.still = still

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.sleeps.append(seconds)
        if not self.still:
            self.now += seconds
        await asyncio.sleep(0.005)


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

    await first.release(held[0])  # kept by `first` for a moment, then free for `second`
    ticket = await second.acquire(MONITOR, DAY)
    assert ticket.slot == held[0].slot
    await second.acquire(Caller("boris", RequestKind.MONITOR), DAY)  # other logins are apart

    for process in (first, second):  # what each counted but never sent goes back
        await process.close()
    assert await used(sessions) == 3  # the request that found no slot is not counted


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


async def slots_leased(sessions: SessionFactory) -> list[str | None]:
    async with sessions.begin() as session:
        found = await session.scalars(select(LoginSlot.holder).order_by(LoginSlot.slot))
        return list(found)


async def test_the_monitors_burst_counts_one_block_and_leases_one_slot(sessions: SessionFactory):
    clock = Clock(still=True)
    process = gate(sessions, daily=1000, clock=clock)  # the monitor's share: 800
    tickets = []
    for _ in range(20):
        ticket = await process.acquire(MONITOR, DAY)
        tickets.append(ticket)
        await process.release(ticket)

    assert await used(sessions) == block_size(800)  # one block: 32 of 800, one row written
    assert {ticket.holder for ticket in tickets} == {tickets[0].holder}  # one lease, kept
    assert tickets[0].holder in await slots_leased(sessions)
    await process.close()
    assert await used(sessions) == 20  # what was never sent went back at the stop
    assert await slots_leased(sessions) == [None, None, None]


async def test_a_kept_slot_frees_for_others_once_idle(sessions: SessionFactory):
    clock = Clock()
    first, second = gate(sessions, daily=1000, clock=clock), gate(sessions, daily=1000, clock=clock)
    held = [await first.acquire(MONITOR, DAY) for _ in range(3)]
    for ticket in held:
        await first.release(ticket)
    assert len([h for h in await slots_leased(sessions) if h]) == 3  # kept by `first` a moment

    ticket = await second.acquire(MONITOR, DAY)  # waits for one of them, not the 30 s
    assert ticket.slot in {held_ticket.slot for held_ticket in held}
    assert sum(clock.sleeps) < SLOT_WAIT_SECONDS
    assert clock.now >= KEEP_IDLE


async def test_processes_counting_blocks_never_go_past_the_allowance(sessions: SessionFactory):
    processes = [DatabaseGate(sessions, Allowance(100, 0.8)) for _ in range(4)]

    async def one(process: DatabaseGate) -> bool:
        try:
            ticket = await process.acquire(MONITOR, DAY)
        except AllowanceSpent:
            return False
        await process.release(ticket)
        return True

    granted = await asyncio.gather(*(one(processes[n % 4]) for n in range(120)))
    assert sum(granted) <= 80
    assert await used(sessions) <= 80
    for process in processes:
        await process.close()
    assert await used(sessions) == sum(granted)
    assert (
        sum(granted) >= 80 - 4 * BLOCK_SHARE
    )  # a block idle in one process: at most 1/8 of the rest


async def test_metricas_refusal_also_drops_the_block_counted_here(sessions: SessionFactory):
    process = gate(sessions, daily=1000)
    await process.release(await process.acquire(MONITOR, DAY))
    await process.spent("anna", DAY)
    with pytest.raises(AllowanceSpent):
        await process.acquire(MONITOR, DAY)
    await process.close()
    assert await used(sessions) == 800  # the day stays spent: nothing is given back past it


async def test_a_command_uses_a_slot_the_monitor_keeps_here_without_waiting(
    sessions: SessionFactory,
):
    clock = Clock(still=True)
    process = gate(sessions, daily=1000, clock=clock)
    held = [await process.acquire(MONITOR, DAY) for _ in range(3)]
    for ticket in held:
        await process.release(ticket)  # all three kept idle by this process

    command = await process.acquire(COMMAND, DAY)

    # No wait for its own kept slots to free (the only sleeps: the keeper's own rounds).
    assert all(seconds == KEEP_IDLE / 2 for seconds in clock.sleeps)
    assert command.slot in {ticket.slot for ticket in held}
    await process.release(command)
    assert await used(sessions, "command") == 1
    await process.close()
    assert await slots_leased(sessions) == [None, None, None]
