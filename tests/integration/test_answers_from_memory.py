"""Answers from memory: a remembered language or page never outlives a change, nor crosses chats."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from telegram import Update

from tests.integration.chat_harness import ChatHarness
from tests.integration.conftest import ANNA, BORIS, with_team

GROUP, OTHER_GROUP = -1001500, -1001600


@pytest.fixture
async def chat(harness: ChatHarness) -> ChatHarness:
    harness.telegram.add_group(GROUP, "Team", admins=[ANNA])
    harness.telegram.add_group(OTHER_GROUP, "Others", admins=[BORIS])
    await with_team(harness)
    harness.metrica.add_uploading(101, id=42, status="MATCHED")
    await harness.say(GROUP, ANNA, "/link 101")
    return harness


async def say(chat: ChatHarness, where: int, user: int, text: str) -> str:
    return "\n".join(message["text"] for message in await chat.say(where, user, text))


async def test_lang_is_heard_at_once_though_the_chats_language_is_remembered(chat: ChatHarness):
    assert "Команды" in await say(chat, GROUP, ANNA, "/help")  # Anna's language, remembered
    assert len(chat.services.chats) >= 1
    await say(chat, GROUP, ANNA, "/lang en")
    assert "Commands" in await say(chat, GROUP, ANNA, "/help")
    await say(chat, GROUP, ANNA, "/lang ru")
    assert "Команды" in await say(chat, GROUP, BORIS, "/help")


async def test_a_page_shown_in_one_chat_is_not_shown_where_the_counter_is_not_linked(
    chat: ChatHarness,
):
    shown = await say(chat, GROUP, ANNA, "/uploadings 101")
    assert "42 · " in shown
    assert len(chat.services.pages) == 1
    for where, user in ((OTHER_GROUP, BORIS), (BORIS, BORIS), (ANNA, ANNA)):
        refused = await say(chat, where, user, "/uploadings 101")
        assert "42 · " not in refused
        assert "не привязан" in refused or "is not linked" in refused


async def test_a_link_paused_after_its_page_was_shown_gets_no_page_from_memory(
    chat: ChatHarness,
):
    assert "42 · " in await say(chat, GROUP, ANNA, "/uploadings 101")
    async with chat.services.sessions.begin() as session:
        await session.execute(text("update credentials set is_valid = false"))
    again = await say(chat, GROUP, ANNA, "/uploadings 101")
    assert "42 · " not in again
    assert "приостановлен" in again


async def test_the_same_page_is_rendered_once_for_every_chat_that_may_see_it(chat: ChatHarness):
    requests = len(chat.metrica.requests)
    first = await say(chat, GROUP, ANNA, "/uploadings 101")
    second = await say(chat, GROUP, ANNA, "/uploadings 101")
    assert first == second
    assert len(chat.services.pages) == 1
    assert len(chat.metrica.requests) == requests + 1  # the first asked Metrica; then stored


async def test_a_list_waiting_for_metrica_does_not_hold_up_answers_from_memory(
    chat: ChatHarness,
):
    await say(chat, ANNA, ANNA, "/link 101")
    await say(chat, ANNA, ANNA, "/link 102")
    assert "42 · " in await say(chat, ANNA, ANNA, "/uploadings 101")  # stored: fresh now
    async with chat.services.sessions.begin() as session:
        await session.execute(text("delete from counter_lists where counter_id = 102"))
    chat.metrica.pause()
    chat.telegram.send_text(ANNA, ANNA, "/uploadings 102")  # has to ask Metrica: held there
    with chat.telegram.lock:
        [raw] = chat.telegram.world.updates
        chat.telegram.world.updates.clear()
    held = asyncio.create_task(chat.app.process_update(Update.de_json(raw, chat.app.bot)))
    try:
        await chat.metrica.wait_for_requests_async(1, path_contains="counter/102/")
        async with asyncio.timeout(10):  # not a speed limit: held up, it would wait forever
            assert "42 · " in await say(chat, ANNA, ANNA, "/uploadings 101")
        assert not held.done()
    finally:
        chat.metrica.resume()
        await held
