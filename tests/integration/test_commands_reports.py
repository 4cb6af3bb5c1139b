"""/export and /chart in process: picking the counter, the shared list, the budget, empty lists."""

from __future__ import annotations

import csv
import io
import re

import pytest

from tests.integration.chat_harness import ChatHarness, buttons
from tests.integration.conftest import ANNA, BORIS, with_team

GROUP = -1001600
LIST = "calls_uploadings"


@pytest.fixture
async def chat(harness: ChatHarness) -> ChatHarness:
    harness.telegram.add_group(GROUP, "Team", admins=[ANNA])
    await with_team(harness)
    for number in range(1, 13):
        harness.metrica.add_uploading(101, id=number, status="PROCESSED", line_quantity=8)
    await harness.say(GROUP, ANNA, "/link 101")
    return harness


def lists(chat: ChatHarness) -> int:
    return len([r for r in chat.metrica.requests if LIST in r.path])


def csv_ids(document: dict) -> list[str]:
    reader = csv.DictReader(io.StringIO(document["content"].decode("utf-8-sig"), newline=""))
    return [row["id"] for row in reader]


async def test_with_two_counters_linked_buttons_pick_which_one(chat: ChatHarness) -> None:
    await chat.say(GROUP, ANNA, "/link 102")
    [prompt] = await chat.say(GROUP, BORIS, "/export")
    assert [data for _, data in buttons(prompt)] == ["ex:101", "ex:102"]
    await chat.press(GROUP, prompt["message_id"], BORIS, "ex:101")
    [document] = chat.telegram.documents(GROUP)
    assert csv_ids(document) == [str(n) for n in range(12, 0, -1)]

    [prompt] = await chat.say(GROUP, BORIS, "/chart 7")
    assert [data for _, data in buttons(prompt)] == ["ch:101:7", "ch:102:7"]
    await chat.press(GROUP, prompt["message_id"], BORIS, "ch:101:7")
    [photo] = chat.telegram.photos(GROUP)
    assert "Загрузок: <b>12</b>" in photo["raw_text"]
    assert "Строк: <b>96</b> из 120 прошли проверку (80%)" in photo["raw_text"]


async def test_a_fresh_stored_list_answers_without_asking_metrica(chat: ChatHarness) -> None:
    await chat.say(GROUP, BORIS, "/uploadings")
    asked = lists(chat)
    await chat.say(GROUP, BORIS, "/export")
    await chat.say(GROUP, BORIS, "/chart")
    assert lists(chat) == asked
    assert len(chat.telegram.documents(GROUP)) == 1
    assert len(chat.telegram.photos(GROUP)) == 1


async def test_the_file_answer_goes_to_the_forum_topic_it_was_asked_in(
    harness: ChatHarness,
) -> None:
    forum, topic = -1001900, 7
    harness.telegram.add_forum(forum, "Forum", admins=[ANNA])
    harness.telegram.create_topic(forum, "Calls", thread_id=topic)
    await with_team(harness)
    harness.metrica.add_uploading(101)
    await harness.say(forum, ANNA, "/link 101")
    harness.telegram.send_text(forum, ANNA, "/export", thread_id=topic)
    harness.telegram.send_text(forum, ANNA, "/chart", thread_id=topic)
    await harness.deliver()
    assert len(harness.telegram.documents(forum, thread_id=topic)) == 1
    assert len(harness.telegram.photos(forum, thread_id=topic)) == 1
    actions = {a["action"] for a in harness.telegram.chat_actions(forum, thread_id=topic)}
    assert {"upload_document", "upload_photo"} <= actions


async def test_a_counter_without_uploadings_gets_sentences_not_files(
    harness: ChatHarness,
) -> None:
    await with_team(harness)
    await harness.say(ANNA, ANNA, "/link 101")
    [export] = await harness.say(ANNA, ANNA, "/export")
    [chart] = await harness.say(ANNA, ANNA, "/chart 365")
    assert "нет загрузок звонков" in export["text"]
    assert re.search(r"нет загрузок звонков с \d{4}-\d\d-\d\d по \d{4}-\d\d-\d\d", chart["text"])
    assert harness.telegram.documents(ANNA) == []
    assert harness.telegram.photos(ANNA) == []


async def test_bad_days_are_explained_and_nothing_is_asked(chat: ChatHarness) -> None:
    asked = lists(chat)
    [zero] = await chat.say(GROUP, BORIS, "/chart 0")
    [words] = await chat.say(GROUP, BORIS, "/chart 101 week")
    assert "от 1 до 365 дней, а не 0" in zero["text"]  # the group speaks Anna's Russian
    assert words["text"].startswith("Как пользоваться: /chart@")
    assert lists(chat) == asked
