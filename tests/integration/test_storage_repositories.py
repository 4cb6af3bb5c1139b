"""Repositories over a real database: what they store is what the bot relies on."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.crypto import TokenCipher
from bot.domain import Counter as CounterInfo
from bot.storage.chats import ChatRepository
from bot.storage.counters import CounterRepository
from bot.storage.credentials import CredentialRepository
from bot.storage.db import SessionFactory, create_engine, create_session_factory
from bot.storage.quota import RequestCountRepository
from bot.storage.subscriptions import SubscriptionRepository

TOKEN = "y0_AgAAAAAAsecretSECRETsecret0123456789"
NOW = datetime(2026, 11, 27, 10, 0, tzinfo=UTC)


async def seed_link(sessions: SessionFactory, cipher: TokenCipher, chat_id: int = -1001) -> int:
    async with sessions.begin() as session:
        await ChatRepository(session).touch(chat_id, "group", "Team")
        credential = await CredentialRepository(session, cipher).save(7, TOKEN, "fp", "login")
        counters = CounterRepository(session)
        await counters.remember(CounterInfo(42, "Shop", "shop.example"))
        await counters.link(chat_id, 42, 7, credential.id)
        await SubscriptionRepository(session).subscribe(chat_id, 42)
        return credential.id


async def test_a_saved_token_reads_back_but_is_stored_encrypted(
    sessions: SessionFactory, cipher: TokenCipher
) -> None:
    await seed_link(sessions, cipher)
    async with sessions.begin() as session:
        repo = CredentialRepository(session, cipher)
        credential = await repo.for_user(7)
        assert credential is not None
        assert repo.token(credential) == TOKEN
        assert TOKEN.encode() not in credential.token_encrypted


async def test_the_token_is_not_readable_in_the_sqlite_file(
    sqlite_database_url: str, cipher: TokenCipher
) -> None:

    engine = create_engine(sqlite_database_url)
    await seed_link(create_session_factory(engine), cipher)
    await engine.dispose()
    database = Path(make_url(sqlite_database_url).database or "")
    files = [database, *database.parent.glob(database.name + "-*")]
    content = b"".join(path.read_bytes() for path in files if path.exists())
    assert b"Shop" in content  # the file really holds the data we wrote
    assert TOKEN.encode() not in content
    assert TOKEN[10:30].encode() not in content


async def test_only_the_first_caller_notices_a_revoked_token(
    sessions: SessionFactory, cipher: TokenCipher
) -> None:
    credential_id = await seed_link(sessions, cipher)
    async with sessions.begin() as session:
        repo = CredentialRepository(session, cipher)
        assert await repo.mark_invalid(credential_id, NOW) is True
        assert await repo.mark_invalid(credential_id, NOW) is False


async def test_a_migrated_group_keeps_its_links_and_subscriptions(
    sessions: SessionFactory, cipher: TokenCipher
) -> None:
    await seed_link(sessions, cipher, chat_id=-1001)
    async with sessions.begin() as session:
        await ChatRepository(session).migrate(-1001, -100_555)
    async with sessions.begin() as session:
        linked = await CounterRepository(session).linked(-100_555)
        assert [(counter.id, subscribed) for counter, subscribed in linked] == [(42, True)]
        assert await CounterRepository(session).linked(-1001) == []
        chats = await SubscriptionRepository(session).active_chats(42)
        assert [chat.id for chat in chats] == [-100_555]


async def test_an_inactive_chat_keeps_its_setup_but_gets_no_notifications(
    sessions: SessionFactory, cipher: TokenCipher
) -> None:
    await seed_link(sessions, cipher)
    async with sessions.begin() as session:
        await ChatRepository(session).set_active(-1001, active=False)
    async with sessions.begin() as session:
        assert await SubscriptionRepository(session).active_chats(42) == []
        assert await SubscriptionRepository(session).of_chat(-1001) == [42]


async def test_unlinking_removes_the_subscription_and_hides_the_counter(
    sessions: SessionFactory, cipher: TokenCipher
) -> None:
    await seed_link(sessions, cipher)
    async with sessions.begin() as session:
        assert await CounterRepository(session).unlink(-1001, 42) is True
        assert await CounterRepository(session).unlink(-1001, 42) is False
    async with sessions.begin() as session:
        assert await CounterRepository(session).linked(-1001) == []
        assert await SubscriptionRepository(session).of_chat(-1001) == []


async def test_request_counts_add_up_across_processes(sessions: SessionFactory) -> None:
    day = date(2026, 11, 27)
    async with sessions.begin() as session:
        await RequestCountRepository(session).add("anna", day, "monitor", 10)
    async with sessions.begin() as session:
        await RequestCountRepository(session).add("anna", day, "monitor", 5)
    async with sessions.begin() as session:
        counts = RequestCountRepository(session)
        assert await counts.used(["anna", "boris"], day, "monitor") == {"anna": 15}
        assert await counts.used(["anna"], day, "command") == {}


async def test_concurrent_takes_never_count_past_the_limit(sessions: SessionFactory) -> None:
    day = date(2026, 11, 27)

    async def take() -> bool:
        async with sessions.begin() as session:
            return await RequestCountRepository(session).take("anna", day, "monitor", 7)

    taken = await asyncio.gather(*(take() for _ in range(20)))
    assert sum(taken) == 7
    async with sessions.begin() as session:
        assert await RequestCountRepository(session).used(["anna"], day, "monitor") == {"anna": 7}
        assert not await RequestCountRepository(session).take("anna", day, "monitor", 0)


async def test_two_first_messages_of_a_new_chat_at_once_both_succeed(
    sessions: SessionFactory,
) -> None:
    async def first_contact(title: str) -> None:
        async with sessions.begin() as session:
            await ChatRepository(session).touch(-1009, "supergroup", title)

    await asyncio.gather(*(first_contact(f"Team {n}") for n in range(5)))
    async with sessions.begin() as session:
        chat = await ChatRepository(session).get(-1009)
    assert chat is not None
    assert chat.is_active
    assert chat.title is not None
    assert chat.title.startswith("Team ")


async def test_a_double_tapped_link_and_subscribe_succeed_once(
    sessions: SessionFactory, cipher: TokenCipher
) -> None:
    credential_id = await seed_link(sessions, cipher)
    async with sessions.begin() as session:
        await ChatRepository(session).touch(-1010, "supergroup", "Other team")

    async def link_and_subscribe() -> tuple[bool, bool]:
        async with sessions.begin() as session:
            counters = CounterRepository(session)
            await counters.remember(CounterInfo(42, "Shop", "shop.example"))
            linked = await counters.link(-1010, 42, 7, credential_id)
            subscribed = await SubscriptionRepository(session).subscribe(-1010, 42)
            return linked, subscribed

    results = await asyncio.gather(*(link_and_subscribe() for _ in range(4)))
    assert sorted(results) == [(False, False)] * 3 + [(True, True)]
