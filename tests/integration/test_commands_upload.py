"""/upload in-process: which counter, which file, what is refused before anything is fetched."""

from __future__ import annotations

import pytest

from tests.integration.chat_harness import ChatHarness
from tests.integration.conftest import ANNA, TOKEN, with_team

CSV = b"UserId,DateTime\n1,1700000000\n"


@pytest.fixture
async def chat(harness: ChatHarness) -> ChatHarness:
    return await with_team(harness)


async def send_file(chat: ChatHarness, caption: str, **options: object) -> str:
    before = len(chat.telegram.sent(ANNA))
    chat.telegram.send_document(ANNA, ANNA, CSV, file_name="c.csv", caption=caption, **options)
    await chat.deliver()
    return "\n".join(message["text"] for message in chat.telegram.sent(ANNA)[before:])


async def test_with_several_counters_linked_the_command_must_name_one(chat: ChatHarness):
    await chat.say(ANNA, ANNA, "/link 101")
    await chat.say(ANNA, ANNA, "/link 102")
    answer = await send_file(chat, "/upload")
    assert "Несколько счётчиков привязано" in answer
    assert "101, 102" in answer
    assert chat.metrica.uploads() == []
    assert chat.telegram.calls("getFile") == []
    assert "Загрузка" in await send_file(chat, "/upload 102 second")
    [upload] = chat.metrica.uploads()
    assert (upload.counter, upload.comment, upload.token) == ("102", "second", TOKEN)


async def test_a_file_over_twenty_megabytes_is_refused_before_it_is_fetched(chat: ChatHarness):
    await chat.say(ANNA, ANNA, "/link 101")
    answer = await send_file(chat, "/upload", file_size=25 * 1024 * 1024)
    assert "больше 20 МБ" in answer
    assert chat.telegram.calls("getFile") == []
    assert chat.metrica.uploads() == []


async def test_the_command_without_a_file_explains_itself(chat: ChatHarness):
    await chat.say(ANNA, ANNA, "/link 101")
    [reply] = await chat.say(ANNA, ANNA, "/upload 101")
    assert "CSV-файл" in reply["text"]
    assert chat.metrica.uploads() == []


async def test_a_caption_for_another_bot_is_left_alone(chat: ChatHarness):
    await chat.say(ANNA, ANNA, "/link 101")
    assert await send_file(chat, "/upload@other_bot 101") == ""
    assert chat.metrica.uploads() == []


async def test_a_counter_not_linked_here_is_refused(chat: ChatHarness):
    await chat.say(ANNA, ANNA, "/link 101")
    answer = await send_file(chat, "/upload 102")
    assert "не привязан" in answer
    assert chat.metrica.uploads() == []
    assert chat.telegram.calls("getFile") == []  # nothing downloaded for nothing
