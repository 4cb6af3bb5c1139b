"""A quiet poll (the same list as last time) reads no snapshot and writes only its schedule."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import event, update

from bot.container import Services
from bot.monitor.poller import Poller
from bot.monitor.quiet import ScheduleBatch
from bot.storage.models import Counter
from bot.storage.polling import PollingRepository
from bot.storage.schedules import QuietPoll
from fakes.metrica import FakeMetrica
from tests.monitor_harness import (
    FakeClock,
    close_services,
    fast_services,
    monitor_settings,
    run_pass,
)
from tests.monitor_seed import ChatSpec, counter_row, outbox_rows, seed_watch

TOKEN = "y0_token_of_anna"
ANNA = 501
TEAM = ChatSpec(-100, "group", "en")
COUNTERS = (11, 12, 13, 14, 15)
STUCK_AFTER = timedelta(hours=2)


@dataclass
class Statements:
    """Every SQL statement the bot's engine ran, with its rows written and whether many."""

    seen: list[tuple[str, int, bool]] = field(default_factory=list)

    def touching(self, table: str) -> list[str]:
        return [sql for sql, _, _ in self.seen if table in sql]

    def rows_written(self, table: str) -> int:
        return sum(
            rows
            for sql, rows, _ in self.seen
            if sql.lstrip().upper().startswith(("UPDATE", "INSERT", "DELETE")) and table in sql
        )


@contextmanager
def recorded(services: Services) -> Iterator[Statements]:
    statements = Statements()

    def seen(conn: Any, cursor: Any, sql: str, params: Any, *rest: Any) -> None:
        many = bool(rest[-1])
        rows = max(0, getattr(cursor, "rowcount", 0) or 0)
        # asyncpg's executemany reports no rowcount: at most one row per parameter set here.
        statements.seen.append((sql, rows or (len(params) if many else 0), many))

    engine = services.engine.sync_engine
    event.listen(engine, "after_cursor_execute", seen)
    try:
        yield statements
    finally:
        event.remove(engine, "after_cursor_execute", seen)


@dataclass
class World:
    services: Services
    poller: Poller
    clock: FakeClock
    metrica: FakeMetrica

    async def due_pass(self, seconds: float = 0) -> list[int]:
        self.clock.advance(seconds)
        return await run_pass(self.poller)


@pytest.fixture
async def world(database_url: str, tmp_path: Path) -> AsyncIterator[World]:
    with FakeMetrica() as metrica:
        metrica.add_token(TOKEN, list(COUNTERS), login="anna")
        clock = FakeClock()
        for counter_id in COUNTERS:
            metrica.add_counter(counter_id, name=f"C{counter_id}")
            metrica.add_uploading(counter_id, status="PROCESSED", create_time=clock.now.isoformat())
        settings = monitor_settings(
            database_url, tmp_path, metrica_url=metrica.url, stuck_after_minutes=120
        )
        services = await fast_services(settings, http_timeout=5.0, now=clock)
        poller = Poller(services, owner="p1", now=clock, rand=lambda: 0.5)
        await seed_watch(
            services.sessions,
            services.cipher,
            token=TOKEN,
            owner=ANNA,
            counters=[(c, f"C{c}") for c in COUNTERS],
            chats=[TEAM],
            login="anna",
        )
        try:
            yield World(services, poller, clock, metrica)
        finally:
            await close_services(services)


async def test_a_quiet_poll_reads_no_snapshot_and_writes_nothing_after_its_claim(world: World):
    await world.due_pass()  # the baseline: every list and its digest stored

    with recorded(world.services) as statements:
        assert await world.due_pass(600) == list(COUNTERS)

    assert statements.touching("uploading_states") == []
    assert statements.touching("counter_lists") == []
    assert statements.touching("outbox") == []
    # The claim planned the next poll as if quiet; quiet it was: one write of each counter row.
    assert statements.rows_written("counters") == len(COUNTERS)
    counter = await counter_row(world.services.sessions, COUNTERS[0])
    assert counter.last_polled_at == world.clock.now
    assert counter.next_poll_at is not None
    assert counter.next_poll_at > world.clock.now
    assert counter.lease_owner == "p1"  # left to run out: the same process claims it when due
    others = Poller(world.services, owner="p2", now=world.clock, rand=lambda: 0.5)
    world.clock.advance(600)
    assert await run_pass(others) == []
    assert await world.due_pass() == list(COUNTERS)


async def test_quiet_polls_nobody_planned_write_their_schedules_many_at_once(world: World):
    await world.due_pass()
    world.metrica.fail_next("/calls_uploadings", status=500, count=len(COUNTERS))
    await world.due_pass(600)  # failed: the next claims plan nothing, the polls write

    with recorded(world.services) as statements:
        assert await world.due_pass(3600) == list(COUNTERS)

    schedules = [
        (rows, many)
        for sql, rows, many in statements.seen
        if sql.lstrip().upper().startswith("UPDATE COUNTERS") and "is_hot" in sql
    ]
    assert all(many for _, many in schedules)  # executemany: one statement for a batch
    assert sum(rows for rows, _ in schedules) == len(COUNTERS)
    counter = await counter_row(world.services.sessions, COUNTERS[0])
    assert counter.next_poll_at is not None
    assert counter.next_poll_at > world.clock.now
    assert (counter.failures, counter.lease_owner) == (0, None)


async def test_a_full_batch_of_quiet_schedules_is_one_statement(world: World):
    await world.due_pass()
    world.clock.advance(600)
    jobs = await world.poller.claim(100)
    # A batch as large as the polls and a delay no machine reaches: written when full.
    batch = ScheduleBatch(world.services.sessions, "p1", size=len(jobs), delay=60)
    later = world.clock.now + timedelta(seconds=600)
    polls = [
        QuietPoll(job.counter_id, job.generation, world.clock.now, later, False) for job in jobs
    ]

    with recorded(world.services) as statements:
        held = await asyncio.gather(*(batch.write(poll) for poll in polls))

    assert held == [True] * len(COUNTERS)
    schedules = [
        many
        for sql, _, many in statements.seen
        if sql.lstrip().upper().startswith("UPDATE COUNTERS") and "is_hot" in sql
    ]
    assert schedules == [True]
    assert (await counter_row(world.services.sessions, COUNTERS[0])).next_poll_at == later


async def test_a_planned_poll_that_fails_puts_its_last_good_poll_back(world: World):
    await world.due_pass()
    polled = (await counter_row(world.services.sessions, COUNTERS[0])).last_polled_at
    world.metrica.fail_next("/calls_uploadings", status=500, count=100)

    await world.due_pass(600)

    counter = await counter_row(world.services.sessions, COUNTERS[0])
    assert counter.failures == 1
    assert counter.last_polled_at == polled  # not the claim's time: that poll was not good
    assert counter.lease_owner is None


async def test_a_stop_makes_planned_polls_that_never_ran_due_again(world: World):
    await world.due_pass()
    polled = (await counter_row(world.services.sessions, COUNTERS[0])).last_polled_at
    world.clock.advance(600)
    jobs = await world.poller.claim(100)
    assert all(job.planned is not None for job in jobs)

    async with world.services.sessions.begin() as session:  # what the runner does at a stop
        await PollingRepository(session).release_all("p1", world.poller.unfinished, world.clock.now)

    counter = await counter_row(world.services.sessions, COUNTERS[0])
    assert counter.next_poll_at == world.clock.now
    assert counter.last_polled_at == polled
    assert counter.lease_owner is None


async def test_a_changed_list_takes_the_full_path_and_is_told(world: World):
    await world.due_pass()
    uploading = world.metrica.add_uploading(
        COUNTERS[0], status="UPLOADED", create_time=world.clock.now.isoformat()
    )

    with recorded(world.services) as statements:
        await world.due_pass(600)

    assert statements.touching("uploading_states")
    [text] = [row.text for row in await outbox_rows(world.services.sessions, TEAM.id)]
    assert str(uploading["id"]) in text or "UPLOADED" in text


async def test_a_stuck_warning_comes_once_though_the_list_never_changes(world: World):
    counter_id = COUNTERS[0]
    world.metrica.add_uploading(
        counter_id, status="MATCHED", create_time=world.clock.now.isoformat()
    )
    await world.due_pass()  # baseline
    await world.due_pass(600)  # the same list, long before it could be stuck: quiet
    assert await outbox_rows(world.services.sessions, TEAM.id) == []

    with recorded(world.services) as statements:
        await world.due_pass(STUCK_AFTER.total_seconds())  # past the threshold: full path

    assert statements.touching("uploading_states")
    [warning] = [row.text for row in await outbox_rows(world.services.sessions, TEAM.id)]
    assert "still processing" in warning

    with recorded(world.services) as statements:
        await world.due_pass(600)  # warned: quiet again
    assert statements.touching("uploading_states") == []
    assert len(await outbox_rows(world.services.sessions, TEAM.id)) == 1


async def test_a_quiet_poll_whose_claim_was_taken_over_writes_nothing(world: World):
    await world.due_pass()
    world.clock.advance(600)
    jobs = await world.poller.claim(100)
    async with world.services.sessions.begin() as session:
        # Another claim took every counter over meanwhile (its lease generation moved on).
        await session.execute(update(Counter).values(lease_generation=Counter.lease_generation + 1))
    before = await counter_row(world.services.sessions, COUNTERS[0])

    for job in jobs:
        await world.poller.poll(job)

    after = await counter_row(world.services.sessions, COUNTERS[0])
    assert after.next_poll_at == before.next_poll_at
    assert after.last_polled_at == before.last_polled_at
    assert after.lease_owner == "p1"
