"""One query for an answer: the chat's link and the stored list's state read together agree with
the link (LinkRepository.access) and the state (CounterListRepository.state) read apart."""

from __future__ import annotations

from sqlalchemy import text

from bot.crypto import TokenCipher
from bot.domain import Uploading
from bot.storage.db import SessionFactory
from bot.storage.links import LinkRepository
from bot.storage.lists import CounterListRepository
from tests.integration.test_storage_repositories import NOW, seed_link

CHAT, COUNTER = -1001, 42


async def agree(sessions: SessionFactory, chat_id: int = CHAT) -> None:
    async with sessions.begin() as session:
        together = await CounterListRepository(session).linked(chat_id, COUNTER)
        link = await LinkRepository(session).access(chat_id, COUNTER)
        state = await CounterListRepository(session).state(COUNTER)
    if link is None:
        assert together is None
        return
    assert together is not None
    assert (together.link, together.stored) == (link, state)
    assert (together.name, together.site) == ("Shop", "shop.example")


async def sql(sessions: SessionFactory, statement: str) -> None:
    async with sessions.begin() as session:
        await session.execute(text(statement))


async def test_the_link_and_the_list_read_together_are_what_they_are_apart(
    sessions: SessionFactory, cipher: TokenCipher
) -> None:
    await seed_link(sessions, cipher, CHAT)
    await agree(sessions)  # no stored list yet
    await agree(sessions, chat_id=-2002)  # a chat without a link: nothing
    async with sessions.begin() as session:
        await CounterListRepository(session).save(COUNTER, [Uploading(1, "PROCESSED")], "d1", NOW)
    await agree(sessions)
    await sql(
        sessions,
        "update counters set has_baseline = true, list_digest = 'd1', failures = 0,"
        " last_polled_at = (select fetched_at from counter_lists)",
    )
    async with sessions.begin() as session:
        state = await CounterListRepository(session).state(COUNTER)
    assert state.monitored  # subscribed through a live link, polled well: the monitor keeps it
    await agree(sessions)
    await sql(sessions, "update counters set failures = 2")
    await agree(sessions)
    suspend = "update chat_counters set suspended_at = created_at, suspended_reason = 'revoked'"
    await sql(sessions, suspend)
    await agree(sessions)
    await sql(sessions, "update chat_counters set suspended_at = null, suspended_reason = null")
    await sql(sessions, "update credentials set is_valid = false")
    await agree(sessions)
    await sql(sessions, "delete from credentials")  # the link stays, without a credential
    await agree(sessions)
