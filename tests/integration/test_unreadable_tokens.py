"""A stored token that no configured key decrypts is a state, not a crash.

The key was lost or replaced without rotation: the monitor marks the credential unusable,
suspends the links made with it (like a refused token, issue 9) and tells the owner (and the
chats) once; commands say to save the token again; nothing retries forever or answers
"internal error".
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from bot.crypto import TokenCipher
from bot.domain import SuspendReason
from bot.storage.credentials import CredentialRepository
from bot.storage.models import ChatCounter
from fakes.metrica import FakeMetrica
from tests.integration.chat_harness import ChatHarness
from tests.integration.conftest import ANNA, BORIS, with_team
from tests.integration.test_monitor_poller import SHOP, TEAM, World, build_world
from tests.monitor_harness import close_services
from tests.monitor_seed import ChatSpec, counter_row, seed_watch

LOST_KEY = TokenCipher(Fernet.generate_key())  # what the tokens were encrypted with


@pytest.fixture
async def world(database_url: str, tmp_path: Path) -> AsyncIterator[World]:
    with FakeMetrica() as metrica:
        built = await build_world(database_url, tmp_path, metrica)
        yield built
    await close_services(built.services)


async def seed_unreadable(world: World) -> int:
    return await seed_watch(
        world.services.sessions,
        LOST_KEY,
        token="y0_token_of_anna",
        owner=501,
        counters=[(SHOP, "Shop"), (12, "Blog")],
        chats=[TEAM],
        login="anna",
    )


async def test_the_monitor_marks_it_tells_the_owner_once_and_stops_retrying(world: World):
    credential = await seed_unreadable(world)

    assert await world.due_pass() == [SHOP, 12]
    assert await world.due_pass(3600) == []
    await world.poller.sweep_revoked()

    [owner_notice] = await world.texts(501)
    [chat_notice] = await world.texts(TEAM.id)
    assert "can't read" in owner_notice
    assert "/token" in owner_notice
    assert "Shop" in chat_notice
    assert "Blog" in chat_notice
    assert world.metrica.requests == []
    for counter_id in (SHOP, 12):
        counter = await counter_row(world.services.sessions, counter_id)
        # Issue 9: the links pause, not the counter (another chat's token may still poll it).
        assert counter.paused_reason is None
        assert counter.lease_owner is None
        assert counter.failures == 0
    async with world.services.sessions.begin() as session:
        reasons = await session.scalars(select(ChatCounter.suspended_reason))
        assert list(reasons) == [SuspendReason.UNREADABLE] * 2
    async with world.services.sessions.begin() as session:
        stored = await CredentialRepository(session, world.services.cipher).get(credential)
        assert stored is not None
        assert not stored.is_valid


@pytest.fixture
async def chat(harness: ChatHarness) -> ChatHarness:
    await with_team(harness)  # Anna's token is saved (readable) and sees counter 101
    await harness.say(ANNA, ANNA, "/link 101")
    await seed_watch(  # Boris's token was saved with a key the bot no longer has
        harness.services.sessions,
        LOST_KEY,
        token="y0_boris-token-000000",
        owner=BORIS,
        counters=[(102, "Blog")],
        chats=[ChatSpec(-100600, "group", "en")],
    )
    return harness


async def say(chat: ChatHarness, user: int, text: str, chat_id: int | None = None) -> str:
    sent = await chat.say(chat_id or user, user, text)
    return "\n".join(message["text"] for message in sent)


async def test_token_alone_says_it_cannot_be_read(chat: ChatHarness) -> None:
    assert "can't read" in await say(chat, BORIS, "/token")


@pytest.mark.parametrize("command", ["/link 101", "/uploadings 102"])
async def test_commands_say_to_save_it_again_instead_of_an_internal_error(
    chat: ChatHarness, command: str
) -> None:
    chat.telegram.add_group(-100600, "Blog team", admins=[BORIS])
    reply = await say(chat, BORIS, command, -100600 if "uploadings" in command else None)
    assert "can't read" in reply
    assert "/token" in reply


async def test_saving_it_again_makes_it_work(chat: ChatHarness) -> None:
    chat.metrica.add_token("y0_boris-token-000000", [101, 102])
    assert "Token saved" in await say(chat, BORIS, "/token y0_boris-token-000000")
    assert "Metrica accepts it" in await say(chat, BORIS, "/token")


async def test_a_token_readable_by_the_linker_still_serves_the_chat(chat: ChatHarness) -> None:
    assert "Shop" in await say(chat, ANNA, "/uploadings 101")


async def test_a_member_asking_through_it_hears_the_link_is_paused_and_the_owner_is_told_once(
    chat: ChatHarness,
) -> None:
    chat.telegram.add_group(-100600, "Blog team", admins=[BORIS])

    first = await say(chat, ANNA, "/uploadings 102", -100600)
    again = await say(chat, ANNA, "/uploadings 102", -100600)

    assert "is paused" in first
    assert "is paused" in again
    assert chat.metrica.requests_for("y0_boris-token-000000") == []
    reasons = await chat.query("select suspended_reason from chat_counters where counter_id = 102")
    assert reasons == [("unreadable",)]
    [owner] = await chat.query("select text from outbox where chat_id = :c", c=BORIS)
    assert "can't read" in owner[0]
    assert await chat.query("select text from outbox where chat_id = -100600") == []
