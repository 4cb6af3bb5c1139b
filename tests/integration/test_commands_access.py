"""Access per link: a chat reads a counter only through its own link's token, which may pause."""

from __future__ import annotations

import logging

import pytest
from sqlalchemy import text

from tests.integration.chat_harness import ChatHarness
from tests.integration.conftest import ANNA, BORIS, TOKEN, with_team

GROUP = -1001500
BORIS_TOKEN = "y0_boris-token-9876543210"
NEW_TOKEN = "y0_anna-new-token-55555555"
PAUSED = "приостановлен"


@pytest.fixture
async def chat(harness: ChatHarness) -> ChatHarness:
    harness.telegram.add_group(GROUP, "Team", admins=[ANNA, BORIS])
    await with_team(harness)
    harness.metrica.add_token(BORIS_TOKEN, [101], login="boris")
    harness.metrica.add_uploading(101, id=42, status="MATCHED")
    await harness.say(BORIS, BORIS, f"/token {BORIS_TOKEN}")
    await harness.say(GROUP, ANNA, "/link 101")
    return harness


async def say(chat: ChatHarness, user: int, text: str, where: int = GROUP) -> str:
    return "\n".join(message["text"] for message in await chat.say(where, user, text))


async def outbox(chat: ChatHarness, chat_id: int) -> list[str]:
    rows = await chat.query("select text from outbox where chat_id = :c order by id", c=chat_id)
    return [text for (text,) in rows]


async def test_a_chat_never_reads_through_the_askers_own_token(chat: ChatHarness):
    async with chat.services.sessions.begin() as session:  # refused, not yet noticed by anyone
        await session.execute(
            text("update credentials set is_valid = false where user_id = :u"), {"u": ANNA}
        )
    before = len(chat.metrica.requests_for(BORIS_TOKEN))

    reply = await say(chat, BORIS, "/uploadings 101")

    assert PAUSED in reply
    assert "/link" in reply
    assert len(chat.metrica.requests_for(BORIS_TOKEN)) == before


async def test_a_token_refused_during_a_command_pauses_the_link_and_tells_the_owner(
    chat: ChatHarness,
):
    chat.metrica.revoke(TOKEN)

    reply = await say(chat, BORIS, "/uploadings")

    assert PAUSED in reply  # Boris cannot renew Anna's token: an admin may link it again
    assert await outbox(chat, GROUP) == []  # told by the reply, not twice
    [owner] = await outbox(chat, ANNA)
    assert "/token" in owner
    assert await chat.query("select suspended_reason from chat_counters") == [("revoked",)]
    assert PAUSED in await say(chat, BORIS, "/uploadings")  # no more requests with it
    assert len([r for r in chat.metrica.requests_for(TOKEN) if "uploadings" in r.path]) == 1


async def test_token_delete_pauses_the_link_and_a_new_token_resumes_it(chat: ChatHarness):
    await chat.say(GROUP, ANNA, "/subscribe 101")
    async with chat.services.sessions.begin() as session:  # the monitor polled it meanwhile
        await session.execute(text("update counters set has_baseline = true"))
    assert "сообщил об этом: 1" in await say(chat, ANNA, "/token delete", ANNA)
    [deleted] = await outbox(chat, GROUP)
    assert "Anna" in deleted
    assert PAUSED in await say(chat, BORIS, "/uploadings")
    assert "⏸" in await say(chat, BORIS, "/counters")
    assert PAUSED in await say(chat, ANNA, "/subscribe 101")

    chat.metrica.add_token(NEW_TOKEN, [101, 102], login=chat.metrica.login_of(TOKEN))
    await chat.say(ANNA, ANNA, f"/token {NEW_TOKEN}")

    [_, resumed] = await outbox(chat, GROUP)
    assert "снова работает" in resumed
    assert "42 · " in await say(chat, BORIS, "/uploadings")
    [(credential, reason)] = await chat.query(
        "select credential_id, suspended_reason from chat_counters"
    )
    assert credential is not None
    assert reason is None
    # Nobody else listened meanwhile: the next poll starts from a silent baseline.
    assert await chat.query("select has_baseline from counters") == [(0,)]


async def test_an_admin_links_a_paused_counter_again_with_a_token_that_works(chat: ChatHarness):
    chat.metrica.revoke(TOKEN)
    await say(chat, BORIS, "/uploadings")

    assert "привязан" in await say(chat, BORIS, "/link 101")

    assert "42 · " in await say(chat, ANNA, "/uploadings")
    [(linked_by, reason)] = await chat.query(
        "select linked_by, suspended_reason from chat_counters"
    )
    assert (linked_by, reason) == (BORIS, None)


async def test_a_saved_token_learns_its_yandex_login(chat: ChatHarness):
    [(login, uid, key)] = await chat.query(
        "select login, uid, quota_key from credentials where user_id = :u", u=BORIS
    )
    assert (login, key) == ("boris", "boris")
    assert uid == chat.metrica.uid_of("boris")


async def test_without_yandex_id_the_tokens_fingerprint_counts_and_it_is_logged_once(
    chat: ChatHarness, caplog: pytest.LogCaptureFixture
):
    caplog.set_level(logging.WARNING)
    chat.metrica.fail_info_next(status=503)
    await chat.say(ANNA, ANNA, f"/token {TOKEN}")

    [(login, key)] = await chat.query(
        "select login, quota_key from credentials where user_id = :u", u=ANNA
    )
    assert login is None
    assert key.startswith("fp:")
    warnings = [r for r in caplog.records if "could not learn the Yandex login" in r.message]
    assert len(warnings) == 1
    assert TOKEN not in caplog.text


async def test_a_token_yandex_id_refuses_is_rejected_before_asking_metrica(chat: ChatHarness):
    bad = "y0_not-a-real-token-000000"
    before = len([r for r in chat.metrica.requests if r.path != "/info"])

    reply = await say(chat, ANNA, f"/token {bad}", ANNA)

    assert "не приняла этот токен" in reply
    assert len([r for r in chat.metrica.requests if r.path != "/info"]) == before
    assert await chat.query("select count(*) from credentials") == [(2,)]
