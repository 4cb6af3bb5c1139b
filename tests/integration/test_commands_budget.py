"""Commands inside the budget: the stored list, one shared fetch, per-user and per-login limits."""

from __future__ import annotations

import asyncio
import re
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text
from telegram import Update

from bot.monitor.poller import Poller
from bot.storage.quota import RequestCountRepository
from tests.integration.chat_harness import ChatHarness, buttons
from tests.integration.conftest import ANNA, BORIS, with_team

GROUP = -1001500
LIST = "calls_uploadings"
AS_OF = re.compile(r"по состоянию на \d\d:\d\d UTC")


@pytest.fixture
async def chat(harness: ChatHarness) -> ChatHarness:
    harness.telegram.add_group(GROUP, "Team", admins=[ANNA])
    await with_team(harness)
    for number in range(1, 24):
        harness.metrica.add_uploading(101, id=number)
    await harness.say(GROUP, ANNA, "/link 101")
    return harness


def lists(chat: ChatHarness) -> int:
    """List requests Metrica got so far."""
    return len([r for r in chat.metrica.requests if LIST in r.path])


async def stale(chat: ChatHarness) -> None:
    """The stored list grows older than POLL_INTERVAL_SECONDS."""
    async with chat.services.sessions.begin() as session:
        await session.execute(
            text("update counter_lists set fetched_at = :at"),
            {"at": datetime.now(UTC) - timedelta(days=2)},
        )


async def uploadings(chat: ChatHarness, user: int = BORIS) -> dict:
    [page] = await chat.say(GROUP, user, "/uploadings")
    return page


async def test_a_hundred_concurrent_uploadings_make_one_metrica_request(chat: ChatHarness):
    users = list(range(5000, 5100))
    for user in users:
        chat.telegram.add_user(user, f"User {user}", "en")
        chat.telegram.send_text(GROUP, user, "/uploadings")
    with chat.telegram.lock:
        pending = list(chat.telegram.world.updates)
        chat.telegram.world.updates.clear()
    chat.metrica.latency = 0.3  # the one request is still running when the others ask

    await asyncio.gather(
        *(chat.app.process_update(Update.de_json(raw, chat.app.bot)) for raw in pending)
    )

    assert not chat.errors
    assert lists(chat) == 1
    answers = chat.telegram.sent(GROUP)[-100:]
    assert all("1–10 из 23" in answer["text"] for answer in answers)


async def test_refresh_pressed_thirty_times_in_a_minute_asks_metrica_ten_times(chat: ChatHarness):
    page = await uploadings(chat)
    assert ("↻", "rf:101:0") in buttons(page)
    alerts = [await chat.press(GROUP, page["message_id"], BORIS, "rf:101:0") for _ in range(30)]

    assert lists(chat) == 10  # COMMANDS_PER_MINUTE, the /uploadings included
    refused = [alert for alert in alerts if alert.get("show_alert")]
    assert len(refused) == 21
    assert re.search(r"через \d+ с", refused[-1]["text"])
    assert lists(chat) == 10
    other = await chat.press(GROUP, page["message_id"], ANNA, "rf:101:0")  # her own budget
    assert "show_alert" not in other
    assert lists(chat) == 11


async def test_pages_come_from_the_fresh_stored_list_and_a_stale_one_is_fetched(
    chat: ChatHarness,
):
    page = await uploadings(chat)
    assert AS_OF.search(page["text"])
    await chat.press(GROUP, page["message_id"], BORIS, "pg:101:1")
    assert "11–20 из 23" in chat.message(GROUP, page["message_id"])["text"]
    assert lists(chat) == 1

    await stale(chat)
    await chat.press(GROUP, page["message_id"], BORIS, "pg:101:2")
    assert "21–23 из 23" in chat.message(GROUP, page["message_id"])["text"]
    assert lists(chat) == 2


async def test_past_the_users_limit_a_stale_list_answers_saying_so(chat: ChatHarness):
    page = await uploadings(chat)
    for _ in range(9):
        await chat.press(GROUP, page["message_id"], BORIS, "rf:101:0")
    await stale(chat)

    answer = await uploadings(chat)

    assert lists(chat) == 10
    assert "1–10 из 23" in answer["text"]
    assert re.search(
        r"Это сохранённый список: вы достигли 10 запросов.*через \d+ с", answer["text"]
    )
    assert re.search(r"по состоянию на \d{4}-\d\d-\d\d \d\d:\d\d UTC", answer["text"])


async def test_a_spent_command_reserve_leaves_the_monitors_share_alone(chat: ChatHarness):
    page = await uploadings(chat)
    [(key,)] = await chat.query("select quota_key from credentials where user_id = :u", u=ANNA)
    async with chat.services.sessions.begin() as session:
        await RequestCountRepository(session).add(key, datetime.now(UTC).date(), "command", 1000)
    await stale(chat)

    answer = await uploadings(chat)
    alert = await chat.press(GROUP, page["message_id"], BORIS, "rf:101:0")

    assert lists(chat) == 1
    assert "квота Метрики почти исчерпана" in answer["text"]
    assert "1–10 из 23" in answer["text"]
    assert alert["show_alert"] is True
    assert "для команд почти исчерпана" in alert["text"]
    [(monitor,)] = await chat.query("select count(*) from request_counts where kind = 'monitor'")
    assert monitor == 0


async def test_uploading_comes_from_the_stored_list_and_an_unknown_id_asks_once(
    chat: ChatHarness,
):
    await uploadings(chat)
    [detail] = await chat.say(GROUP, BORIS, "/uploading 7")
    assert "Загрузка 7" in detail["text"]
    assert AS_OF.search(detail["text"])
    assert buttons(detail) == [("↻", "ur:101:7")]
    metrica_calls = [r.path for r in chat.metrica.requests if r.path != "/info"]
    assert len(metrica_calls) == 3  # /token's counters, /link's counter, the list

    chat.metrica.add_uploading(101, id=99)
    [new] = await chat.say(GROUP, BORIS, "/uploading 99")
    assert "Загрузка 99" in new["text"]
    assert len([r for r in chat.metrica.requests if "calls_uploading/99" in r.path]) == 1


async def test_the_monitors_list_answers_commands_without_asking_metrica(chat: ChatHarness):
    await chat.say(GROUP, ANNA, "/subscribe 101")
    await chat.query("select 1")
    poller = Poller(chat.services, owner="test")
    for job in await poller.claim(10):
        await poller.poll(job)
    async with chat.services.sessions.begin() as session:  # an idle counter, polled long ago
        await session.execute(
            text("update counter_lists set fetched_at = :at"),
            {"at": datetime.now(UTC) - timedelta(minutes=5)},
        )
    before = lists(chat)

    page = await uploadings(chat)

    assert lists(chat) == before
    assert "1–10 из 23" in page["text"]


async def test_metricas_own_daily_refusal_is_answered_from_the_stored_list(chat: ChatHarness):
    await uploadings(chat)
    await stale(chat)
    chat.metrica.set_quota("y0_anna-token-0123456789", 0)

    answer = await uploadings(chat)

    assert "1–10 из 23" in answer["text"]
    assert "квота Метрики почти исчерпана" in answer["text"]
    assert lists(chat) == 2
    again = await uploadings(chat)  # the login rests until 00:00 UTC: no request at all
    assert "почти исчерпана" in again["text"]
    assert lists(chat) == 2
