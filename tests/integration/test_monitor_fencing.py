"""A poll that outlives its lease commits nothing: no backward, no repeated notification."""

from __future__ import annotations

import asyncio
import json
from pathlib import Path

from bot.monitor.poller import Poller
from bot.storage.polling import PollJob
from fakes.metrica import FakeMetrica
from tests.monitor_harness import FakeClock, close_services, fast_services, monitor_settings
from tests.monitor_seed import ChatSpec, outbox_rows, seed_watch

TOKEN = "y0_token_of_anna"
ANNA = 501
TEAM = ChatSpec(-100, "group", "en")
SHOP = 11
LEASE = 5  # the shortest LEASE_SECONDS allowed
CLAIM_TIMEOUT = 30.0


async def claim_when_free(poller: Poller, busy_elsewhere: Poller) -> list[PollJob]:
    """Wait until the database's clock ends the first claim; the process still polling it
    never claims it again meanwhile."""
    deadline = asyncio.get_running_loop().time() + CLAIM_TIMEOUT
    while asyncio.get_running_loop().time() < deadline:
        assert await busy_elsewhere.claim(10) == []
        jobs = await poller.claim(10)
        if jobs:
            return jobs
        await asyncio.sleep(0.2)
    raise AssertionError("the first claim never ran out")


async def test_a_poll_slower_than_its_lease_never_notifies_backward_or_twice(
    database_url: str, tmp_path: Path
):
    with FakeMetrica() as metrica:
        metrica.add_token(TOKEN, [SHOP], login="anna")
        uploading = metrica.add_uploading(SHOP, status="MATCHED")
        clock = FakeClock()
        settings = monitor_settings(
            database_url, tmp_path, metrica_url=metrica.url, lease_seconds=LEASE
        )
        services = await fast_services(settings, http_timeout=30.0, now=clock)
        # Two pollers with one owner name: one process that, without fencing, could claim
        # the counter again while its first poll still runs.
        first = Poller(services, owner="p1", now=clock, rand=lambda: 0.5)
        again = Poller(services, owner="p1", now=clock, rand=lambda: 0.5)
        try:
            await seed_watch(
                services.sessions,
                services.cipher,
                token=TOKEN,
                owner=ANNA,
                counters=[(SHOP, "Shop")],
                chats=[TEAM],
                login="anna",
            )
            [baseline] = await first.claim(10)
            await first.poll(baseline)

            # The slow answer carries what Metrica showed when it was asked: MATCHED.
            stale = json.dumps({"uploadings": metrica.uploadings(SHOP)}).encode()
            metrica.fail_next("/calls_uploadings", status=200, body=stale, delay=LEASE + 5)
            metrica.set_status(SHOP, uploading["id"], "PROCESSED")
            clock.advance(3600)
            [slow] = await first.claim(10)
            slow_poll = asyncio.create_task(first.poll(slow))
            await metrica.wait_for_requests_async(2, path_contains="/calls_uploadings")

            clock.advance(3600)  # past the next poll the claim planned (had it been quiet)
            [fresh] = await claim_when_free(again, busy_elsewhere=first)
            assert fresh.generation > slow.generation
            await again.poll(fresh)  # MATCHED -> PROCESSED, told once

            clock.advance(3600)
            metrica.pause()  # the next poll is under way when the slow one comes back
            [held] = await again.claim(10)
            held_poll = asyncio.create_task(again.poll(held))
            await metrica.wait_for_requests_async(4, path_contains="/calls_uploadings")
            await slow_poll
            metrica.resume()
            await held_poll
            texts = [row.text for row in await outbox_rows(services.sessions, TEAM.id)]
        finally:
            metrica.resume()
            await close_services(services)

    [told] = texts
    assert "MATCHED" in told
    assert "PROCESSED" in told
    assert told.index("MATCHED") < told.index("PROCESSED")
