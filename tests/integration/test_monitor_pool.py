"""The pool: a counter is polled with any working token of its chats' links, per-login quotas."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from bot.container import Services
from bot.monitor.poller import Poller
from bot.storage.links import LinkRepository
from bot.storage.quota import RequestCountRepository
from fakes.metrica import FakeMetrica
from tests.monitor_harness import FakeClock, close_services, fast_services, monitor_settings
from tests.monitor_harness import run_pass as claim_and_poll
from tests.monitor_seed import ChatSpec, counter_row, outbox_rows, seed_watch

ANNA, BORIS = 501, 502
ANNA_TOKEN, BORIS_TOKEN = "y0_anna_token", "y0_boris_token"
TEAM = ChatSpec(-100, "group", "en")
SALES = ChatSpec(-200, "group", "en")
SHOP = 11
ALLOWANCE = 4000  # DAILY_QUOTA 5000 × QUOTA_SHARE 0.8


@pytest.fixture
def metrica() -> Iterator[FakeMetrica]:
    with FakeMetrica() as fake:
        fake.add_token(ANNA_TOKEN, [SHOP], login="anna")
        fake.add_token(BORIS_TOKEN, [SHOP], login="boris")
        fake.add_counter(SHOP, name="Shop")
        yield fake


@dataclass
class Team:
    """Anna's link in TEAM and Boris's in SALES, to the same counter, both subscribed."""

    services: Services
    poller: Poller
    clock: FakeClock
    metrica: FakeMetrica

    async def seed(self) -> None:
        for owner, token, login, chat in (
            (ANNA, ANNA_TOKEN, "anna", TEAM),
            (BORIS, BORIS_TOKEN, "boris", SALES),
        ):
            await seed_watch(
                self.services.sessions,
                self.services.cipher,
                token=token,
                owner=owner,
                counters=[(SHOP, "Shop")],
                chats=[chat],
                login=login,
            )

    async def used(self, login: str, count: int) -> None:
        """Requests the login made today elsewhere."""
        async with self.services.sessions.begin() as session:
            await RequestCountRepository(session).add(
                login, self.clock.now.date(), "monitor", count
            )

    async def run_pass(self, seconds: float = 0) -> list[int]:
        self.clock.advance(seconds)
        return await claim_and_poll(self.poller)

    async def texts(self, chat_id: int) -> list[str]:
        return [row.text for row in await outbox_rows(self.services.sessions, chat_id)]

    def lists(self, token: str) -> int:
        return len([r for r in self.metrica.requests_for(token) if "calls_uploadings" in r.path])


async def build(database_url: str, tmp_path: Path, metrica: FakeMetrica) -> Team:
    clock = FakeClock()
    settings = monitor_settings(database_url, tmp_path, metrica_url=metrica.url)
    services = await fast_services(settings, http_timeout=2.0, now=clock)
    poller = Poller(services, owner="p1", now=clock, rand=lambda: 0.5)
    return Team(services, poller, clock, metrica)


@pytest.fixture
async def team(database_url: str, tmp_path: Path, metrica: FakeMetrica) -> AsyncIterator[Team]:
    built = await build(database_url, tmp_path, metrica)
    await built.seed()
    yield built
    await close_services(built.services)


async def test_a_revoked_token_hands_the_counter_to_the_next_in_the_same_pass(team: Team):
    uploading = team.metrica.add_uploading(SHOP, status="MATCHED")
    await team.run_pass()  # baseline
    await team.used("boris", 100)  # anna has more budget left: her token goes first
    team.metrica.revoke(ANNA_TOKEN)
    team.metrica.set_status(SHOP, uploading["id"], "PROCESSED")

    assert await team.run_pass(3600) == [SHOP]

    [change] = await team.texts(SALES.id)
    assert "PROCESSED" in change
    [notice] = await team.texts(TEAM.id)  # told once, and not the change it may not see
    assert "stopped working" in notice
    [owner] = await team.texts(ANNA)
    assert "anna" in owner
    assert (team.lists(ANNA_TOKEN), team.lists(BORIS_TOKEN)) == (2, 1)
    assert await team.run_pass(3600) == [SHOP]
    assert len(await team.texts(TEAM.id)) == 1
    assert (await counter_row(team.services.sessions, SHOP)).paused_reason is None


async def test_the_login_with_the_most_budget_left_polls(team: Team):
    await team.used("anna", 50)
    await team.used("boris", 10)
    await team.run_pass()
    assert (team.lists(ANNA_TOKEN), team.lists(BORIS_TOKEN)) == (0, 1)


async def test_a_login_whose_share_is_spent_gives_way_and_then_the_counter_pauses_once(
    team: Team,
):
    await team.used("anna", ALLOWANCE)
    await team.run_pass()
    assert (team.lists(ANNA_TOKEN), team.lists(BORIS_TOKEN)) == (0, 1)  # refused here, unsent
    assert await team.texts(TEAM.id) == []

    await team.used("boris", ALLOWANCE)
    # This process counted a block of Boris's requests ahead (see metrica/keep.py): it may
    # spend it. As after a restart, it has none left: what it counted ahead went back.
    await team.services.gate.close()
    assert await team.run_pass(3600) == [SHOP]
    assert await team.run_pass(3600) == []

    assert team.lists(BORIS_TOKEN) == 1
    for chat in (TEAM, SALES):
        [notice] = await team.texts(chat.id)
        assert "00:00 UTC" in notice
    assert (await counter_row(team.services.sessions, SHOP)).paused_reason == "quota"


async def test_lost_access_suspends_only_that_link_and_the_next_token_polls(team: Team):
    await team.run_pass()
    await team.used("boris", 100)
    team.metrica.world.tokens[ANNA_TOKEN].counter_ids.discard(SHOP)

    assert await team.run_pass(3600) == [SHOP]

    assert team.lists(BORIS_TOKEN) == 1
    [notice] = await team.texts(TEAM.id)
    assert "lost access" in notice
    assert await team.texts(SALES.id) == []
    [owner] = await team.texts(ANNA)
    assert "can no longer see" in owner
    async with team.services.sessions.begin() as session:
        links = LinkRepository(session)
        team_link, sales_link = (
            await links.access(TEAM.id, SHOP),
            await links.access(SALES.id, SHOP),
        )
    assert team_link is not None
    assert sales_link is not None
    assert (team_link.suspended_reason, sales_link.suspended_reason) == ("access", None)


async def test_two_tokens_of_one_login_share_one_ledger_and_three_slots_across_processes(
    database_url: str, tmp_path: Path
):
    ids = list(range(100, 112))
    with FakeMetrica(latency=0.3) as metrica:
        metrica.add_token(ANNA_TOKEN, ids[:6], login="anna")
        metrica.add_token("y0_anna_second_token", ids[6:], login="anna")
        first = await build(database_url, tmp_path, metrica)
        second = await build(database_url, tmp_path, metrica)
        second.poller = Poller(second.services, owner="p2", now=first.clock, rand=lambda: 0.5)
        try:
            for owner, token, counters, chat in (
                (ANNA, ANNA_TOKEN, ids[:6], TEAM),
                (BORIS, "y0_anna_second_token", ids[6:], SALES),
            ):
                await seed_watch(
                    first.services.sessions,
                    first.services.cipher,
                    token=token,
                    owner=owner,
                    counters=[(c, f"c{c}") for c in counters],
                    chats=[chat],
                    login="anna",
                )
            jobs = [await first.poller.claim(6), await second.poller.claim(6)]
            await asyncio.gather(
                *(first.poller.poll(job) for job in jobs[0]),
                *(second.poller.poll(job) for job in jobs[1]),
            )
            for team in (first, second):  # what each counted ahead goes back at its stop
                await team.services.gate.close()
            async with first.services.sessions.begin() as session:
                counts = RequestCountRepository(session)
                ledger = await counts.used(["anna"], first.clock.now.date(), "monitor")
        finally:
            await close_services(first.services)
            await close_services(second.services)

        assert sorted(job.counter_id for batch in jobs for job in batch) == ids
        assert metrica.max_parallel_login("anna") == 3
        assert metrica.parallel_rejections == 0
        assert ledger == {"anna": 12}
        assert metrica.quota_used_login("anna") == 12
