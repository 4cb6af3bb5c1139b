"""Claims, leases and the outbox over a real database (SQLite, and PostgreSQL when configured)."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import update

from bot.crypto import TokenCipher
from bot.domain import PauseReason, Uploading
from bot.storage.chats import ChatRepository
from bot.storage.credentials import CredentialRepository
from bot.storage.db import SessionFactory
from bot.storage.models import Counter
from bot.storage.outbox import OutboxRepository
from bot.storage.polling import Polled, PollingRepository, PollJob
from bot.storage.pool import PoolRepository
from bot.storage.quota import RequestCountRepository
from bot.storage.snapshots import SnapshotRepository
from bot.storage.subscriptions import SubscriptionRepository
from tests.monitor_seed import ChatSpec, counter_row, outbox_rows, seed_watch

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
GROUP = ChatSpec(-100, "group")
PRIVATE = ChatSpec(501, "private")


async def claim_jobs(
    sessions: SessionFactory, owner: str, now: datetime = NOW, limit: int = 50
) -> list[PollJob]:
    async with sessions.begin() as session:
        return await PollingRepository(session).claim(
            owner, now=now, lease_seconds=60, limit=limit, day=now.date()
        )


async def claim(sessions: SessionFactory, owner: str, now: datetime = NOW) -> list[int]:
    return sorted(job.counter_id for job in await claim_jobs(sessions, owner, now))


async def expire_leases(sessions: SessionFactory) -> None:
    """Time passes on the database's clock (which judges leases) beyond every lease."""
    async with sessions.begin() as session:
        await session.execute(
            update(Counter)
            .where(Counter.lease_until.is_not(None))
            .values(lease_until=datetime.now(UTC) - timedelta(seconds=1))
        )


async def test_only_counters_with_an_active_subscription_are_claimed(
    sessions: SessionFactory, cipher: TokenCipher
):
    await seed_watch(sessions, cipher, token="t1", owner=1, counters=[(10, "A")], chats=[GROUP])
    await seed_watch(
        sessions, cipher, token="t2", owner=2, counters=[(20, "B")], chats=[GROUP], subscribe=False
    )
    await seed_watch(sessions, cipher, token="t3", owner=3, counters=[(30, "C")], chats=[PRIVATE])
    async with sessions.begin() as session:
        await ChatRepository(session).set_active(PRIVATE.id, active=False)

    assert await claim(sessions, "p1") == [10]


async def test_a_claimed_counter_is_not_claimed_again_until_its_lease_expires(
    sessions: SessionFactory, cipher: TokenCipher
):
    await seed_watch(sessions, cipher, token="t1", owner=1, counters=[(10, "A")], chats=[GROUP])

    [first] = await claim_jobs(sessions, "p1")
    assert await claim(sessions, "p2") == []
    assert await claim(sessions, "p2", NOW + timedelta(hours=1)) == []  # our clock is not theirs
    await expire_leases(sessions)
    [second] = await claim_jobs(sessions, "p2")
    assert (first.counter_id, second.counter_id) == (10, 10)
    assert second.generation == first.generation + 1


async def test_a_counter_being_polled_by_one_process_is_left_alone_by_another(
    sessions: SessionFactory, cipher: TokenCipher
):
    await seed_watch(
        sessions, cipher, token="t1", owner=1, counters=[(10, "A"), (11, "D")], chats=[GROUP]
    )
    await seed_watch(
        sessions, cipher, token="t2", owner=2, counters=[(20, "B"), (21, "C")], chats=[GROUP]
    )
    jobs = await claim_jobs(sessions, "p1", limit=1)
    assert [job.counter_id for job in jobs] == [10]
    async with sessions.begin() as session:
        await session.execute(update(Counter).values(next_poll_at=None))

    # p2 takes every other counter, t1's too (the gate keeps t1's login at 3 in flight).
    assert await claim(sessions, "p2") == [11, 20, 21]


async def test_a_process_never_claims_a_counter_it_is_still_polling(
    sessions: SessionFactory, cipher: TokenCipher
):
    await seed_watch(
        sessions, cipher, token="t1", owner=1, counters=[(10, "A"), (11, "B")], chats=[GROUP]
    )
    await claim_jobs(sessions, "p1")
    await expire_leases(sessions)  # the polls outlived their leases

    async with sessions.begin() as session:
        jobs = await PollingRepository(session).claim(
            "p1", now=NOW, lease_seconds=60, limit=50, day=NOW.date(), busy={10}
        )
    assert [job.counter_id for job in jobs] == [11]


async def test_a_job_lists_the_tokens_of_live_links_the_login_with_most_budget_first(
    sessions: SessionFactory, cipher: TokenCipher
):
    team, sales = ChatSpec(-100, "group"), ChatSpec(-200, "group")
    await seed_watch(
        sessions, cipher, token="t1", owner=1, counters=[(10, "A")], chats=[team], login="anna"
    )
    boris = await seed_watch(
        sessions, cipher, token="t2", owner=2, counters=[(10, "A")], chats=[sales], login="boris"
    )
    await seed_watch(sessions, cipher, token="t3", owner=3, counters=[], chats=[], login="anna")
    async with sessions.begin() as session:
        await RequestCountRepository(session).add("anna", NOW.date(), "monitor", 50)
        await RequestCountRepository(session).add("boris", NOW.date(), "monitor", 10)

    [job] = await claim_jobs(sessions, "p1")
    assert [(c.quota_key, c.used) for c in job.candidates] == [("boris", 10), ("anna", 50)]
    assert job.candidates[0].credential_id == boris


async def test_counters_of_a_refused_token_and_paused_counters_are_not_claimed(
    sessions: SessionFactory, cipher: TokenCipher
):
    revoked = await seed_watch(
        sessions, cipher, token="t1", owner=1, counters=[(10, "A")], chats=[GROUP]
    )
    await seed_watch(sessions, cipher, token="t2", owner=2, counters=[(20, "B")], chats=[GROUP])
    async with sessions.begin() as session:
        await CredentialRepository(session, cipher).mark_invalid(revoked, NOW)
        await session.execute(update(Counter).where(Counter.id == 20).values(paused_reason="gone"))

    assert await claim(sessions, "p1") == []


async def test_a_counter_paused_for_the_daily_quota_is_claimed_again_after_the_reset(
    sessions: SessionFactory, cipher: TokenCipher
):
    await seed_watch(
        sessions,
        cipher,
        token="t1",
        owner=1,
        counters=[(10, "A"), (11, "B")],
        chats=[GROUP],
        login="anna",
    )
    await seed_watch(
        sessions, cipher, token="t2", owner=2, counters=[(12, "C")], chats=[GROUP], login="boris"
    )
    reset = datetime(2026, 11, 21, tzinfo=UTC)
    async with sessions.begin() as session:
        await RequestCountRepository(session).add("anna", NOW.date(), "monitor", 4000)

    async def pause() -> list[tuple[int, str]]:
        async with sessions.begin() as session:
            return await PoolRepository(session).pause_exhausted(
                "p1", day=NOW.date(), allowance=4000, until=reset
            )

    paused = await pause()
    again = await pause()

    assert paused == [(10, "A"), (11, "B")]  # boris's counter has budget
    assert again == []  # told once
    assert await claim(sessions, "p1") == [12]
    assert await claim(sessions, "p2", reset + timedelta(seconds=1)) == [10, 11]


async def test_a_lost_lease_keeps_the_poll_from_being_recorded(
    sessions: SessionFactory, cipher: TokenCipher
):
    await seed_watch(sessions, cipher, token="t1", owner=1, counters=[(10, "A")], chats=[GROUP])
    [old] = await claim_jobs(sessions, "p1")
    await expire_leases(sessions)
    [new] = await claim_jobs(sessions, "p2")

    async with sessions.begin() as session:
        repo = PollingRepository(session)
        assert await repo.lock_own(10, "p1", old.generation) is None
        assert not await repo.pause(10, "p1", old.generation, PauseReason.GONE)
        assert await repo.lock_own(10, "p2", new.generation) is not None


async def test_a_claim_of_the_same_owner_but_an_older_generation_commits_nothing(
    sessions: SessionFactory, cipher: TokenCipher
):
    await seed_watch(sessions, cipher, token="t1", owner=1, counters=[(10, "A")], chats=[GROUP])
    [old] = await claim_jobs(sessions, "p1")
    await expire_leases(sessions)
    [new] = await claim_jobs(sessions, "p1")  # e.g. the same process, before it tracked polls

    async with sessions.begin() as session:
        repo = PollingRepository(session)
        assert not await repo.reschedule(
            10, "p1", old.generation, next_poll_at=NOW, failures=0, polled=Polled(NOW, hot=True)
        )
        assert await repo.lock_own(10, "p1", old.generation) is None
        assert await repo.lock_own(10, "p1", new.generation) is not None


async def test_the_snapshot_keeps_when_an_uploading_was_first_seen(
    sessions: SessionFactory, cipher: TokenCipher
):
    await seed_watch(sessions, cipher, token="t1", owner=1, counters=[(10, "A")], chats=[GROUP])
    later = NOW + timedelta(hours=1)
    async with sessions.begin() as session:
        snapshots = SnapshotRepository(session)
        await snapshots.record(10, [Uploading(1, "UPLOADED"), Uploading(2, "PREPARED")], now=NOW)
        await snapshots.record(10, [Uploading(1, "PROCESSED")], now=later)
        await snapshots.mark_stuck_warned(10, {2})
    async with sessions.begin() as session:
        assert await SnapshotRepository(session).load(10) == {
            1: ("PROCESSED", False),
            2: ("PREPARED", True),
        }


async def claim_chats(sessions: SessionFactory, now: datetime) -> list[int]:
    async with sessions.begin() as session:
        outbox = OutboxRepository(session)
        chats = await outbox.claim_chats(
            now=now,
            private_since=now - timedelta(seconds=1),
            group_since=now - timedelta(seconds=3),
            limit=10,
        )
        for chat_id, _ in chats:
            rows = await outbox.due_messages(chat_id, now=now, limit=1)
            await outbox.lease([rows[0].id], "p1", now + timedelta(seconds=60), now=now)
    return sorted(chat_id for chat_id, _ in chats)


async def enqueue(sessions: SessionFactory, chat_id: int, text: str = "hi") -> int:
    async with sessions.begin() as session:
        return (await OutboxRepository(session).enqueue(chat_id, text, now=NOW)).id


async def test_of_two_senders_that_saw_the_same_free_messages_only_one_leases_them(
    sessions: SessionFactory, cipher: TokenCipher
):
    await seed_watch(sessions, cipher, token="t", owner=1, counters=[], chats=[GROUP])
    ids = [await enqueue(sessions, GROUP.id), await enqueue(sessions, GROUP.id)]
    until = NOW + timedelta(seconds=60)

    async def lease(owner: str) -> set[int]:
        async with sessions.begin() as session:
            return await OutboxRepository(session).lease(ids, owner, until, now=NOW)

    first, second = await asyncio.gather(lease("p1"), lease("p2"))
    assert sorted([first, second], key=len) == [set(), set(ids)]


async def test_a_sent_message_cannot_be_leased_again(sessions: SessionFactory, cipher: TokenCipher):
    await seed_watch(sessions, cipher, token="t", owner=1, counters=[], chats=[GROUP])
    message_id = await enqueue(sessions, GROUP.id)
    async with sessions.begin() as session:
        await OutboxRepository(session).mark_sent([message_id], NOW)
    async with sessions.begin() as session:
        won = await OutboxRepository(session).lease(
            [message_id], "p2", NOW + timedelta(seconds=60), now=NOW
        )
    assert won == set()


async def test_a_chat_being_sent_to_is_not_claimed_by_another_sender(
    sessions: SessionFactory, cipher: TokenCipher
):
    await seed_watch(sessions, cipher, token="t", owner=1, counters=[], chats=[GROUP, PRIVATE])
    await enqueue(sessions, GROUP.id)
    await enqueue(sessions, GROUP.id)
    await enqueue(sessions, PRIVATE.id)

    assert await claim_chats(sessions, NOW) == [GROUP.id, PRIVATE.id]
    assert await claim_chats(sessions, NOW) == []


async def test_messages_to_one_chat_are_paced_by_its_type(
    sessions: SessionFactory, cipher: TokenCipher
):
    await seed_watch(sessions, cipher, token="t", owner=1, counters=[], chats=[GROUP, PRIVATE])
    for chat in (GROUP, PRIVATE):
        sent = await enqueue(sessions, chat.id)
        await enqueue(sessions, chat.id)
        async with sessions.begin() as session:
            await OutboxRepository(session).mark_sent([sent], NOW)

    assert await claim_chats(sessions, NOW + timedelta(seconds=0.5)) == []
    assert await claim_chats(sessions, NOW + timedelta(seconds=1.5)) == [PRIVATE.id]
    assert await claim_chats(sessions, NOW + timedelta(seconds=3.5)) == [GROUP.id]


async def test_a_postponed_chat_waits_without_holding_up_another(
    sessions: SessionFactory, cipher: TokenCipher
):
    await seed_watch(sessions, cipher, token="t", owner=1, counters=[], chats=[GROUP, PRIVATE])
    held = await enqueue(sessions, GROUP.id)
    await enqueue(sessions, PRIVATE.id)
    async with sessions.begin() as session:
        await OutboxRepository(session).postpone(
            GROUP.id, [held], until=NOW + timedelta(seconds=30), error="429", failed=False
        )

    assert await claim_chats(sessions, NOW) == [PRIVATE.id]
    assert await claim_chats(sessions, NOW + timedelta(seconds=31)) == [GROUP.id]


async def test_a_migrated_group_keeps_its_pending_messages_and_subscriptions(
    sessions: SessionFactory, cipher: TokenCipher
):
    await seed_watch(sessions, cipher, token="t", owner=1, counters=[(10, "A")], chats=[GROUP])
    await enqueue(sessions, GROUP.id)
    async with sessions.begin() as session:
        await ChatRepository(session).migrate(GROUP.id, -1009)
        await OutboxRepository(session).move_chat(GROUP.id, -1009)

    assert [row.chat_id for row in await outbox_rows(sessions)] == [-1009]
    async with sessions.begin() as session:
        subscribers = await SubscriptionRepository(session).subscribers(10)
    assert [s.chat_id for s in subscribers] == [-1009]


async def test_counter_rows_read_back(sessions: SessionFactory, cipher: TokenCipher):
    await seed_watch(sessions, cipher, token="t", owner=1, counters=[(10, "A")], chats=[GROUP])

    assert (await counter_row(sessions, 10)).name == "A"


async def test_a_planned_claims_lease_ends_at_the_planned_poll_so_any_process_may_take_it(
    sessions: SessionFactory, cipher: TokenCipher
):
    await seed_watch(
        sessions, cipher, token="t1", owner=1, counters=[(10, "A"), (11, "B")], chats=[GROUP]
    )
    planned = {10: NOW + timedelta(seconds=20)}  # 11 is not planned: the full lease
    async with sessions.begin() as session:
        jobs = await PollingRepository(session).claim(
            "p1",
            now=NOW,
            lease_seconds=60,
            limit=10,
            day=NOW.date(),
            plan=lambda job: planned.get(job.counter_id),
        )
    claimed_at = datetime.now(UTC)

    assert {job.counter_id: job.planned for job in jobs} == {10: planned[10], 11: None}
    short, full = await counter_row(sessions, 10), await counter_row(sessions, 11)
    assert short.next_poll_at == planned[10]
    assert short.last_polled_at == NOW  # the quiet poll it plans, as made now
    assert short.lease_until is not None
    assert full.lease_until is not None
    assert timedelta(seconds=15) < short.lease_until - claimed_at <= timedelta(seconds=20)
    assert timedelta(seconds=55) < full.lease_until - claimed_at <= timedelta(seconds=60)
    assert full.next_poll_at is None  # unplanned: the schedule is the poll's to write
