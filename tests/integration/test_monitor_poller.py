"""The poller against the fake Metrica over HTTP, with a fake clock and a real database."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot import access
from bot.container import Services
from bot.monitor.poller import Poller
from bot.storage.credentials import CredentialRepository
from bot.storage.links import LinkRepository
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
SALES = ChatSpec(-200, "supergroup", "ru")
SHOP = 11


@pytest.fixture
def metrica() -> Iterator[FakeMetrica]:
    with FakeMetrica() as fake:
        fake.add_token(TOKEN, [SHOP, 12, 13], login="anna")
        fake.add_counter(SHOP, name="Shop")
        yield fake


@dataclass
class World:
    services: Services
    poller: Poller
    clock: FakeClock
    metrica: FakeMetrica
    queued: list[int]

    async def seed(self, counters=((SHOP, "Shop"),), chats=(TEAM, SALES)) -> int:
        return await seed_watch(
            self.services.sessions,
            self.services.cipher,
            token=TOKEN,
            owner=ANNA,
            counters=list(counters),
            chats=list(chats),
            login="anna",
        )

    async def due_pass(self, seconds: float = 0) -> list[int]:
        self.clock.advance(seconds)
        return await run_pass(self.poller)

    async def texts(self, chat_id: int) -> list[str]:
        return [row.text for row in await outbox_rows(self.services.sessions, chat_id)]


async def build_world(
    database_url: str, tmp_path: Path, metrica: FakeMetrica, **settings: object
) -> World:
    clock = FakeClock()
    services = await fast_services(
        monitor_settings(database_url, tmp_path, metrica_url=metrica.url, **settings),
        http_timeout=1.0,
        now=clock,
    )
    queued: list[int] = []
    poller = Poller(
        services, owner="p1", on_queued=lambda: queued.append(1), now=clock, rand=lambda: 0.5
    )
    return World(services, poller, clock, metrica, queued)


@pytest.fixture
async def world(database_url: str, tmp_path: Path, metrica: FakeMetrica) -> AsyncIterator[World]:
    built = await build_world(database_url, tmp_path, metrica)
    yield built
    await close_services(built.services)


async def test_the_first_poll_is_a_baseline_and_a_later_change_reaches_both_chats_once(
    world: World,
):
    uploading = world.metrica.add_uploading(SHOP, status="UPLOADED", comment="<b>nov</b> & co")
    await world.seed()

    await world.due_pass()
    assert await outbox_rows(world.services.sessions) == []

    world.metrica.set_status(SHOP, uploading["id"], "PROCESSED")
    await world.due_pass(60)
    await world.due_pass(60)

    [team] = await world.texts(TEAM.id)
    [sales] = await world.texts(SALES.id)
    assert "UPLOADED" in team
    assert "PROCESSED" in team
    assert "&lt;b&gt;nov&lt;/b&gt; &amp; co" in team
    assert "Shop" in sales
    assert "Обработана" in sales
    assert world.queued


async def test_one_list_request_per_counter_serves_every_subscribed_chat(world: World):
    await world.seed(counters=[(SHOP, "Shop"), (12, "Blog")])

    assert await world.due_pass() == [SHOP, 12]

    paths = sorted(r.path for r in world.metrica.requests)
    assert len(paths) == 2
    assert all(p.endswith("/calls_uploadings") for p in paths)


async def test_a_counter_with_unfinished_uploadings_is_polled_at_the_hot_interval(world: World):
    world.metrica.add_uploading(SHOP, status="MATCHED")
    await world.seed()

    await world.due_pass()

    counter = await counter_row(world.services.sessions, SHOP)
    assert counter.is_hot
    assert (counter.next_poll_at - world.clock.now).total_seconds() == 60
    assert await world.due_pass(59) == []
    assert await world.due_pass(1) == [SHOP]


async def test_a_counter_with_only_final_uploadings_is_polled_at_the_idle_interval(world: World):
    world.metrica.add_uploading(SHOP, status="PROCESSED")
    await world.seed()

    await world.due_pass()

    counter = await counter_row(world.services.sessions, SHOP)
    assert not counter.is_hot
    assert (counter.next_poll_at - world.clock.now).total_seconds() == 600


async def test_a_token_with_many_counters_is_polled_less_often_to_stay_in_budget(
    database_url: str, tmp_path: Path, metrica: FakeMetrica
):
    ids = list(range(100, 110))
    metrica.add_token(TOKEN, ids)
    for counter_id in ids:
        metrica.add_uploading(counter_id, status="MATCHED")
    world = await build_world(database_url, tmp_path, metrica, daily_quota=500)
    try:
        await world.seed(counters=[(i, f"c{i}") for i in ids])
        await world.due_pass()  # baseline: every counter turns hot
        world.clock.now = max(
            [(await counter_row(world.services.sessions, i)).next_poll_at for i in ids]
        )
        assert await world.due_pass() == ids

        intervals = [
            ((await counter_row(world.services.sessions, i)).next_poll_at - world.clock.now)
            for i in ids
        ]
    finally:
        await close_services(world.services)
    # 10 hot counters at 1/min would need thousands of requests until midnight; 400 allowed.
    assert all(interval.total_seconds() > 600 for interval in intervals)


async def test_never_more_than_three_requests_run_at_once_for_one_token(
    database_url: str, tmp_path: Path, metrica: FakeMetrica
):
    ids = list(range(100, 112))
    metrica.add_token(TOKEN, ids)
    metrica.latency = 0.1
    world = await build_world(database_url, tmp_path, metrica)
    try:
        await world.seed(counters=[(i, f"c{i}") for i in ids], chats=[TEAM])
        assert await world.due_pass() == ids
    finally:
        await close_services(world.services)

    assert metrica.max_parallel(TOKEN) == 3
    assert metrica.parallel_rejections == 0


async def test_a_failing_counter_backs_off_without_touching_the_others_and_recovers(
    world: World,
):
    world.metrica.add_uploading(12, status="MATCHED")
    await world.seed(counters=[(SHOP, "Shop"), (12, "Blog")])
    await world.due_pass()

    world.metrica.fail_next(f"/counter/{SHOP}/", status=503, count=3)
    delays = []
    for _ in range(3):
        await world.due_pass(3600)
        shop = await counter_row(world.services.sessions, SHOP)
        delays.append((shop.next_poll_at - world.clock.now).total_seconds())
        assert (await counter_row(world.services.sessions, 12)).failures == 0

    assert delays == [45, 90, 180]  # 60·2ⁿ⁻¹ with equal jitter at its middle
    assert shop.failures == 3
    await world.due_pass(3600)
    recovered = await counter_row(world.services.sessions, SHOP)
    assert recovered.failures == 0
    assert (recovered.next_poll_at - world.clock.now).total_seconds() == 600


@pytest.mark.parametrize(
    "failure",
    [
        {"status": 500},
        {"status": 200, "body": b"<html>proxy says hi</html>"},
        {"status": 200, "body": b'{"uploadings": "none"}'},
        {"status": 502, "body": b"<html>Bad gateway</html>"},
        {"status": 200, "delay": 1.5},  # longer than the client's timeout
    ],
    ids=["500", "html", "wrong-shape", "502-html", "timeout"],
)
async def test_an_error_response_is_never_read_as_no_uploadings(world: World, failure: dict):
    uploading = world.metrica.add_uploading(SHOP, status="MATCHED")
    await world.seed(chats=[TEAM])
    await world.due_pass()

    world.metrica.fail_next("/calls_uploadings", **failure)
    world.metrica.set_status(SHOP, uploading["id"], "PROCESSED")
    await world.due_pass(3600)
    assert await world.texts(TEAM.id) == []

    await world.due_pass(3600)
    [text] = await world.texts(TEAM.id)
    assert "MATCHED" in text
    assert "PROCESSED" in text


async def test_a_stuck_uploading_is_warned_about_once(world: World):
    world.metrica.add_uploading(SHOP, status="MATCHED")
    await world.seed(chats=[TEAM])
    await world.due_pass()

    for _ in range(3):
        await world.due_pass(3 * 3600)

    [warning] = await world.texts(TEAM.id)
    assert "still processing" in warning


async def test_a_revoked_token_stops_polling_and_is_told_once_to_owner_and_chats(world: World):
    credential = await world.seed(counters=[(SHOP, "Shop"), (12, "Blog")], chats=[TEAM])
    await world.due_pass()
    world.metrica.revoke(TOKEN)

    assert await world.due_pass(3600) == [SHOP, 12]
    assert await world.due_pass(3600) == []

    [owner_notice] = await world.texts(ANNA)
    [chat_notice] = await world.texts(TEAM.id)
    assert "anna" in owner_notice
    assert "/token" in owner_notice
    assert "Shop" in chat_notice
    assert "Blog" in chat_notice
    async with world.services.sessions.begin() as session:
        stored = await CredentialRepository(session, world.services.cipher).get(credential)
        assert stored is not None
        assert not stored.is_valid

    world.metrica.add_token(TOKEN, [SHOP, 12], login="anna")  # a new token is saved
    async with world.services.sessions.begin() as session:
        await CredentialRepository(session, world.services.cipher).save(ANNA, TOKEN, "fp", "anna")
        await access.resume(session, ANNA, credential, [SHOP, 12], world.clock.now)
    assert await world.due_pass() == [SHOP, 12]


async def test_a_token_refused_during_a_users_command_is_told_by_the_monitor_once(world: World):
    credential = await world.seed(chats=[TEAM])
    async with world.services.sessions.begin() as session:
        await CredentialRepository(session, world.services.cipher).mark_invalid(
            credential, world.clock.now
        )

    await world.poller.sweep_revoked()
    await world.poller.sweep_revoked()

    assert len(await world.texts(ANNA)) == 1
    assert len(await world.texts(TEAM.id)) == 1


@pytest.mark.parametrize(
    ("counter", "words", "paused", "suspended"),
    [(999, "no longer exists", "gone", None), (13, "lost access", None, "access")],
)
async def test_a_counter_that_vanished_or_lost_access_is_told_once_and_paused(
    world: World, counter: int, words: str, paused: str | None, suspended: str | None
):
    world.metrica.world.tokens[TOKEN].counter_ids.discard(13)
    await world.seed(counters=[(counter, "Gone")], chats=[TEAM])

    await world.due_pass()
    assert await world.due_pass(3600) == []

    [notice] = await world.texts(TEAM.id)
    assert words in notice
    # A vanished counter pauses; lost access suspends only the links of that token.
    assert (await counter_row(world.services.sessions, counter)).paused_reason == paused
    async with world.services.sessions.begin() as session:
        link = await LinkRepository(session).access(TEAM.id, counter)
    assert link is not None
    assert link.suspended_reason == suspended


async def test_a_spent_daily_quota_pauses_the_token_until_the_reset_and_is_told_once(
    world: World,
):
    await world.seed(counters=[(SHOP, "Shop"), (12, "Blog")], chats=[TEAM, SALES])
    world.metrica.set_quota(TOKEN, 0)

    await world.due_pass()
    assert await world.due_pass(3600) == []

    [notice] = await world.texts(TEAM.id)
    assert "Shop" in notice
    assert "Blog" in notice
    assert "00:00 UTC" in notice
    assert len(await world.texts(SALES.id)) == 1

    world.metrica.set_quota(TOKEN, None)
    world.clock.now = (await counter_row(world.services.sessions, SHOP)).next_poll_at
    world.clock.advance(300)
    assert await world.due_pass() == [SHOP, 12]
    assert (await counter_row(world.services.sessions, SHOP)).paused_reason is None
