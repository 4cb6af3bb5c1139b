"""The numbers behind the metrics' database gauges, on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from types import SimpleNamespace

from bot.crypto import TokenCipher
from bot.metrica import token_fingerprint
from bot.metrics import REGISTRY, MetricsEndpoint
from bot.storage.db import SessionFactory
from bot.storage.outbox import OutboxRepository
from bot.storage.polling import PollingRepository
from bot.storage.quota import RequestCountRepository
from bot.storage.stats import StatsRepository
from tests.monitor_seed import ChatSpec, seed_watch

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
GROUP = ChatSpec(-100, "group")
UNKNOWN = "fp:" + "f" * 32  # a token of an unknown login, deleted since: its requests count


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
    await seed_watch(  # a token whose login is not known, unused today
        sessions,
        cipher,
        token="t-boris",
        owner=502,
        counters=[(12, "Blog")],
        chats=[GROUP],
        subscribe=False,
    )
    boris = "fp:" + token_fingerprint("t-boris")
    now = datetime.now(UTC)  # counters' leases are judged by the database's clock
    async with sessions.begin() as session:
        outbox = OutboxRepository(session)
        await outbox.enqueue(GROUP.id, "oldest pending", now=now - timedelta(minutes=5))
        leased = await outbox.enqueue(GROUP.id, "being sent", now=now)
        sent = await outbox.enqueue(GROUP.id, "sent long ago", now=now - timedelta(hours=1))
        await outbox.mark_sent([sent.id], now)
        await outbox.lease([leased.id], "p1", now + timedelta(seconds=60), now=now)
        await PollingRepository(session).claim(
            "p1", now=now, lease_seconds=60, limit=10, day=now.date()
        )
        counts = RequestCountRepository(session)
        await counts.add("anna", now.date(), "monitor", 7)
        await counts.add("anna", now.date(), "command", 2)  # commands count against the login too
        await counts.add(UNKNOWN, now.date(), "monitor", 3)
        await counts.add("anna", now.date() - timedelta(1), "monitor", 99)

    async with sessions() as session:
        stats = StatsRepository(session)
        outbox_stats = await stats.outbox()
        leases = await stats.leases(now)
        later = await stats.leases(now + timedelta(minutes=5))
        requests = await stats.requests_today(now.date())

    assert outbox_stats.pending == 2
    assert outbox_stats.oldest == now - timedelta(minutes=5)
    assert leases == {"counter": 1, "message": 1}
    assert later == {"counter": 0, "message": 0}
    assert requests == {"anna": 9, UNKNOWN: 3, boris: 0}


async def test_stats_of_an_empty_database_are_zero(sessions: SessionFactory) -> None:
    async with sessions() as session:
        stats = StatsRepository(session)
        assert (await stats.outbox()).pending == 0
        assert (await stats.outbox()).oldest is None
        assert await stats.requests_today(NOW.date()) == {}


async def test_the_quota_gauge_shows_each_logins_requests_today(sessions: SessionFactory) -> None:
    today = datetime.now(UTC).date()
    async with sessions.begin() as session:
        counts = RequestCountRepository(session)
        await counts.add("anna", today, "monitor", 5)
        await counts.add("anna", today, "command", 1)
        await counts.add("fp:" + "ab" * 16, today, "monitor", 2)
        await counts.add("boris", today - timedelta(1), "monitor", 40)

    await MetricsEndpoint(SimpleNamespace(sessions=sessions, reads=sessions)).collect()  # type: ignore[arg-type]

    def used(login: str) -> float | None:
        return REGISTRY.get_sample_value("metrica_bot_quota_used_today", {"login": login})

    assert used("anna") == 6
    assert used("token-abababab") == 2
    assert used("boris") is None
