"""Odd values from Metrica back the counter off like any failure; nothing escapes the poll
with the counter's lease still held (recording the result is inside the error handling too)."""

from __future__ import annotations

import json
from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.metrica.errors import MAX_RETRY_AFTER
from fakes.metrica import FakeMetrica
from tests.integration.test_monitor_poller import SHOP, TEAM, TOKEN, World, build_world
from tests.monitor_harness import close_services
from tests.monitor_seed import counter_row


@pytest.fixture
def fake() -> Iterator[FakeMetrica]:
    with FakeMetrica() as metrica:
        metrica.add_token(TOKEN, [SHOP], login="anna")
        metrica.add_counter(SHOP, name="Shop")
        yield metrica


@pytest.fixture
async def world(database_url: str, tmp_path: Path, fake: FakeMetrica) -> AsyncIterator[World]:
    built = await build_world(database_url, tmp_path, fake)
    yield built
    await close_services(built.services)


async def assert_backed_off(world: World, *, at_most: float) -> None:
    counter = await counter_row(world.services.sessions, SHOP)
    assert counter.lease_owner is None
    assert counter.failures == 1
    assert 0 < (counter.next_poll_at - world.clock.now).total_seconds() <= at_most


def uploadings(*items: dict) -> bytes:
    return json.dumps({"uploadings": list(items)}).encode()


@pytest.mark.parametrize("retry_after", ["inf", "1e400", "Fri, 31 Dec 9999 23:59:59 GMT"])
@pytest.mark.parametrize("status", [503, 429])
async def test_a_huge_retry_after_backs_off_for_a_bounded_time(
    world: World, status: int, retry_after: str
) -> None:
    await world.seed(chats=[TEAM])
    world.metrica.fail_next("/calls_uploadings", status=status, retry_after=retry_after)  # type: ignore[arg-type]

    assert await world.due_pass() == [SHOP]

    await assert_backed_off(world, at_most=MAX_RETRY_AFTER)


@pytest.mark.parametrize(
    "item",
    [
        {"id": 10**20, "status": "UPLOADED"},
        {"id": 1, "status": "X" * 300},
        {"id": 1, "status": "UP\u0000LOADED"},
    ],
    ids=["huge-id", "long-status", "nul-status"],
)
async def test_an_uploading_no_database_can_store_backs_off(world: World, item: dict) -> None:
    await world.seed(chats=[TEAM])
    world.metrica.fail_next("/calls_uploadings", status=200, body=uploadings(item))

    assert await world.due_pass() == [SHOP]

    await assert_backed_off(world, at_most=120)


async def test_a_create_time_out_of_range_is_only_unknown(world: World) -> None:
    await world.seed(chats=[TEAM])
    item = {"id": 7, "status": "MATCHED", "create_time": "0001-01-01T00:00:00+05:00"}
    world.metrica.fail_next("/calls_uploadings", status=200, body=uploadings(item))

    assert await world.due_pass() == [SHOP]

    counter = await counter_row(world.services.sessions, SHOP)
    assert (counter.failures, counter.has_baseline, counter.lease_owner) == (0, True, None)


REFUSING_TRIGGER = {
    "sqlite": [
        "CREATE TRIGGER refuse BEFORE INSERT ON uploading_states "
        "BEGIN SELECT RAISE(ABORT, 'disk full'); END"
    ],
    "postgresql": [
        "CREATE FUNCTION refuse() RETURNS trigger AS $$ "
        "BEGIN RAISE EXCEPTION 'disk full'; END $$ LANGUAGE plpgsql",
        "CREATE TRIGGER refuse BEFORE INSERT ON uploading_states "
        "FOR EACH ROW EXECUTE FUNCTION refuse()",
    ],
}
"""A database that refuses to store the snapshot, as a full disk would."""


async def test_a_database_refusing_the_snapshot_backs_off_and_releases_the_lease(
    world: World,
) -> None:
    await world.seed(chats=[TEAM])
    world.metrica.add_uploading(SHOP, status="MATCHED")
    async with world.services.engine.begin() as connection:
        for statement in REFUSING_TRIGGER[connection.dialect.name]:
            await connection.execute(text(statement))

    assert await world.due_pass() == [SHOP]

    await assert_backed_off(world, at_most=120)
