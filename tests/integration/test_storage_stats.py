"""The numbers behind the metrics' database gauges, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.crypto import TokenCipher
from bot.metrica import token_fingerprint
from bot.storage.db import SessionFactory
from bot.storage.outbox import OutboxRepository
from bot.storage.polling import PollingRepository
from bot.storage.quota import RequestCountRepository
from bot.storage.stats import StatsRepository
from tests.monitor_seed import ChatSpec, seed_watch

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
GROUP = ChatSpec(-100, "group")
UNKNOWN = "f" * 32  # a token deleted since: its requests still count, its login is forgotten


async def test_stats_count_pending_messages_and_their_age_live_leases_and_todays_requests(
    sessions: SessionFactory, cipher: TokenCipher
) -> None:
    await seed_watch(
        sessions,
        cipher,
        token="t-anna",
        owner=501,
        counters=[(11, "Shop")],
        chats=[GROUP],
        login="anna",
    )
    anna = token_fingerprint("t-anna")
    async with sessions.begin() as session:
        outbox = OutboxRepository(session)
        await outbox.enqueue(GROUP.id, "oldest pending", now=NOW - timedelta(minutes=5))
        leased = await outbox.enqueue(GROUP.id, "being sent", now=NOW)
        sent = await outbox.enqueue(GROUP.id, "sent long ago", now=NOW - timedelta(hours=1))
        await outbox.mark_sent([sent.id], NOW)
        await outbox.lease([leased.id], "p1", NOW + timedelta(seconds=60), now=NOW)
        await PollingRepository(session).claim(
            "p1", now=NOW, lease_until=NOW + timedelta(seconds=60), limit=10
        )
        await RequestCountRepository(session).add(
            [(anna, NOW.date(), 7), (UNKNOWN, NOW.date(), 3), (anna, NOW.date() - timedelta(1), 99)]
        )

    async with sessions() as session:
        stats = StatsRepository(session)
        outbox_stats = await stats.outbox()
        leases = await stats.leases(NOW)
        later = await stats.leases(NOW + timedelta(minutes=5))
        requests = await stats.requests_today(NOW.date())

    assert outbox_stats.pending == 2
    assert outbox_stats.oldest == NOW - timedelta(minutes=5)
    assert leases == {"counter": 1, "message": 1}
    assert later == {"counter": 0, "message": 0}
    assert requests == {anna: ("anna", 7), UNKNOWN: (None, 3)}


async def test_stats_of_an_empty_database_are_zero(sessions: SessionFactory) -> None:
    async with sessions() as session:
        stats = StatsRepository(session)
        assert (await stats.outbox()).pending == 0
        assert (await stats.outbox()).oldest is None
        assert await stats.requests_today(NOW.date()) == {}
