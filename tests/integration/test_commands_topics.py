"""Commands in forum topics, /subscribe's words and /subscriptions' buttons, presses answered
first, "typing", menus, descriptions and /start's buttons: the real Application, one update at
a time, against the fake Bot API and Metrica."""

from __future__ import annotations

from typing import Any

import pytest
from telegram import Update

from bot.telegram.commands import MEMORY_GRACE
from bot.telegram.invocation import reply
from bot.telegram.menu import set_command_menu, set_descriptions
from tests.integration.chat_harness import ChatHarness, buttons
from tests.integration.conftest import ANNA, BORIS, with_team

FORUM, GROUP = -1003100, -1003200
CALLS, ALERTS = 7, 9


@pytest.fixture
async def chat(harness: ChatHarness) -> ChatHarness:
    harness.telegram.add_forum(FORUM, "Team", admins=[ANNA])
    harness.telegram.create_topic(FORUM, "Calls", thread_id=CALLS)
    harness.telegram.create_topic(FORUM, "Alerts", thread_id=ALERTS)
    harness.telegram.add_group(GROUP, "Group", admins=[ANNA])
    return await with_team(harness)


async def say_in(
    chat: ChatHarness, text: str, *, thread: int | None, user: int = ANNA, where: int = FORUM
) -> list[dict[str, Any]]:
    """Write in a topic (None: General); the bot's messages sent in reply."""
    before = len(chat.telegram.sent(where))
    chat.telegram.send_text(where, user, text, thread_id=thread)
    await chat.deliver()
    return chat.telegram.sent(where)[before:]


async def subscriptions_rows(chat: ChatHarness) -> list[tuple[Any, ...]]:
    return await chat.query(
        "select chat_id, counter_id, thread_id, topic_name, hears, silent from subscriptions"
    )


async def test_subscribing_in_a_topic_sends_there_and_again_from_another_topic_moves_it(
    chat: ChatHarness,
) -> None:
    await say_in(chat, "/link 101", thread=None)

    [made] = await say_in(chat, "/subscribe 101", thread=CALLS)
    assert made["message_thread_id"] == CALLS
    assert "в тему «Calls»" in made["text"]
    assert await subscriptions_rows(chat) == [(FORUM, 101, CALLS, "Calls", "all", False)]

    [moved] = await say_in(chat, "/subscribe 101", thread=ALERTS)
    assert moved["message_thread_id"] == ALERTS
    assert "перенесена в тему «Alerts»" in moved["text"]
    assert await subscriptions_rows(chat) == [(FORUM, 101, ALERTS, "Alerts", "all", False)]

    [general] = await say_in(chat, "/subscribe 101", thread=None)
    assert general["message_thread_id"] is None
    assert "перенесена в General" in general["text"]
    [listing] = await say_in(chat, "/subscriptions", thread=CALLS)
    assert listing["message_thread_id"] == CALLS
    assert "📌 General" in listing["text"]


async def test_a_topic_known_only_by_its_id_is_named_by_it(chat: ChatHarness) -> None:
    await say_in(chat, "/link 101", thread=None)
    [prompt] = await say_in(chat, "/uploadings 101", thread=CALLS)  # a bot message in topic 7
    chat.telegram.send_text(FORUM, ANNA, "/subscribe 101", reply_to=prompt["message_id"])
    await chat.deliver()
    [made] = chat.telegram.sent(FORUM, thread_id=CALLS)[-1:]
    assert "в тему 7" in made["text"]
    assert await subscriptions_rows(chat) == [(FORUM, 101, CALLS, None, "all", False)]


async def test_subscribe_words_in_any_order_change_the_one_subscription_and_say_what_changed(
    chat: ChatHarness,
) -> None:
    await chat.say(GROUP, ANNA, "/link 101")
    [made] = await chat.say(GROUP, ANNA, "/subscribe 101")
    assert "каждая смена статуса" in made["text"]

    [changed] = await chat.say(GROUP, ANNA, "/subscribe SILENT final 101")
    assert "теперь итоговые статусы (было: все изменения)" in changed["text"]
    assert "теперь без звука" in changed["text"]
    [same] = await chat.say(GROUP, ANNA, "/subscribe 101 final")
    assert "Ничего не изменилось" in same["text"]
    assert "без звука" in same["text"]
    [loud] = await chat.say(GROUP, ANNA, "/subscribe loud 101 failures")
    assert "снова со звуком" in loud["text"]
    assert await subscriptions_rows(chat) == [(GROUP, 101, None, None, "failures", False)]

    for wrong in ("/subscribe 101 final failures", "/subscribe 101 quiet", "/subscribe 1 2"):
        [usage] = await chat.say(GROUP, ANNA, wrong)
        assert "all|final|failures" in usage["text"]
    assert len(await subscriptions_rows(chat)) == 1


async def test_the_counter_buttons_keep_the_words_and_the_topic(chat: ChatHarness) -> None:
    await say_in(chat, "/link 101", thread=None)
    await say_in(chat, "/link 102", thread=None)

    [prompt] = await say_in(chat, "/subscribe final silent", thread=CALLS)
    assert prompt["message_thread_id"] == CALLS
    assert [data for _, data in buttons(prompt)] == ["sw:101:2:1", "sw:102:2:1"]
    await chat.press(FORUM, prompt["message_id"], ANNA, "sw:102:2:1")

    shown = chat.message(FORUM, prompt["message_id"])
    assert "Подписка оформлена" in shown["text"]
    assert await subscriptions_rows(chat) == [(FORUM, 102, CALLS, None, "final", True)]


async def test_subscriptions_buttons_change_what_it_hears_and_its_sound_for_admins_only(
    chat: ChatHarness,
) -> None:
    await chat.say(GROUP, ANNA, "/link 101")
    await chat.say(GROUP, ANNA, "/subscribe 101")
    [listing] = await chat.say(GROUP, BORIS, "/subscriptions")
    assert "все изменения" in listing["text"]
    assert [data for _, data in buttons(listing)] == ["sf:101:1", "ss:101:1"]

    refused = await chat.press(GROUP, listing["message_id"], BORIS, "sf:101:1")
    assert refused["show_alert"] is True
    assert "администратор" in refused["text"]

    answer = await chat.press(GROUP, listing["message_id"], ANNA, "sf:101:1")
    assert "show_alert" not in answer
    shown = chat.message(GROUP, listing["message_id"])
    assert "итоговые статусы" in shown["text"]
    assert [data for _, data in buttons(shown)] == ["sf:101:2", "ss:101:1"]
    await chat.press(GROUP, listing["message_id"], ANNA, "ss:101:1")
    shown = chat.message(GROUP, listing["message_id"])
    assert "🔕 без звука" in shown["text"]
    assert await subscriptions_rows(chat) == [(GROUP, 101, None, None, "final", True)]

    await chat.say(GROUP, ANNA, "/unsubscribe 101")
    before = len(chat.telegram.sent(GROUP))
    await chat.press(GROUP, listing["message_id"], ANNA, "sf:101:2")
    [stale] = chat.telegram.sent(GROUP)[before:]
    assert "Подписки на счётчик" in stale["text"]
    assert await subscriptions_rows(chat) == []


async def test_every_part_of_a_long_reply_goes_to_the_topic(chat: ChatHarness) -> None:
    message = chat.telegram.send_text(FORUM, ANNA, "hello", thread_id=CALLS)
    with chat.telegram.lock:
        chat.telegram.world.updates.clear()
    update = Update.de_json({"update_id": 1, "message": message}, chat.app.bot)

    await reply(update, "\n".join(f"line {n} " + "x" * 90 for n in range(120)))

    parts = chat.telegram.sent(FORUM)
    assert len(parts) > 1
    assert [part["message_thread_id"] for part in parts] == [CALLS] * len(parts)


async def test_errors_and_new_messages_from_buttons_stay_in_the_topic(chat: ChatHarness) -> None:
    [error] = await say_in(chat, "/uploadings 101", thread=CALLS)
    assert error["message_thread_id"] == CALLS
    assert "не привязан" in error["text"]

    chat.metrica.add_uploading(101, id=5, comment="weekly")
    await say_in(chat, "/link 101", thread=None)
    [page] = await say_in(chat, "/uploadings 101", thread=CALLS)
    before = len(chat.telegram.sent(FORUM))
    answer = await chat.press(FORUM, page["message_id"], BORIS, "dt:101:5")
    [detail] = chat.telegram.sent(FORUM)[before:]
    assert "show_alert" not in answer
    assert detail["message_thread_id"] == CALLS
    assert "weekly" in detail["text"]

    await chat.press(FORUM, page["message_id"], BORIS, "dt:101:999")
    [missing] = chat.telegram.sent(FORUM)[before + 1 :]
    assert missing["message_thread_id"] == CALLS
    assert "999" in missing["text"]


async def test_a_press_is_answered_before_the_work_and_typing_goes_before_the_reply(
    chat: ChatHarness,
) -> None:
    chat.metrica.add_uploading(101, id=5)
    await chat.say(GROUP, ANNA, "/link 101")
    [page] = await chat.say(GROUP, BORIS, "/uploadings")
    typing = chat.telegram.chat_actions(GROUP)[-1]
    assert typing["action"] == "typing"
    assert typing["index"] < page["call_index"]

    await chat.press(GROUP, page["message_id"], BORIS, "dt:101:5")
    [answer] = chat.telegram.callback_answer_log
    detail = chat.telegram.sent(GROUP)[-1]
    typing = chat.telegram.chat_actions(GROUP)[-1]
    assert answer["index"] < typing["index"] < detail["call_index"]
    assert not answer["show_alert"]
    assert not answer["text"]


async def test_menus_show_members_what_they_may_use_and_admins_the_rest_in_both_languages(
    chat: ChatHarness,
) -> None:
    await set_command_menu(chat.app.bot)
    await set_descriptions(chat.app.bot)

    for lang in ("ru", "en", ""):
        members = [c["command"] for c in chat.telegram.commands_for("all_group_chats", lang)]
        admins = [c["command"] for c in chat.telegram.commands_for("all_chat_administrators", lang)]
        assert members == [
            "counters",
            "uploadings",
            "uploading",
            "export",
            "chart",
            "subscriptions",
            "help",
        ]
        assert set(members) < set(admins)
        assert {"link", "subscribe", "unsubscribe", "unlink", "lang"} <= set(admins)
        assert "token" not in admins
        assert chat.telegram.my_description(lang)
        assert len(chat.telegram.my_short_description(lang)) <= 120
    assert "Метрик" in chat.telegram.my_description("ru")
    assert "Metrica" in chat.telegram.my_short_description("en")


async def test_start_in_private_offers_to_add_the_bot_to_a_group_or_a_channel(
    chat: ChatHarness,
) -> None:
    [start] = await chat.say(BORIS, BORIS, "/start")
    markup = start["reply_markup"]["inline_keyboard"]
    urls = [row[0]["url"] for row in markup]
    assert urls[0].startswith("https://t.me/metrica_calls_bot?startgroup=added&admin=")
    assert "delete_messages" in urls[0]
    assert urls[1].startswith("https://t.me/metrica_calls_bot?startchannel&admin=")
    assert "post_messages" in urls[1]

    assert await chat.say(GROUP, ANNA, "/start@metrica_calls_bot added") == []
    [welcome] = await chat.say(GROUP, ANNA, "/start")
    assert "reply_markup" not in welcome or not welcome["reply_markup"]


async def test_an_answer_from_a_fresh_stored_list_goes_alone_a_slow_one_after_typing(
    chat: ChatHarness,
) -> None:
    chat.metrica.add_uploading(101, id=5)
    await chat.say(GROUP, ANNA, "/link 101")
    await chat.say(GROUP, BORIS, "/uploadings")
    actions = len(chat.telegram.chat_actions(GROUP))
    [page] = await chat.say(GROUP, BORIS, "/uploadings")
    [detail] = await chat.say(GROUP, BORIS, "/uploading 5")
    assert "5" in page["text"]
    assert "5" in detail["text"]
    assert len(chat.telegram.chat_actions(GROUP)) == actions  # both from the stored list

    chat.metrica.latency = MEMORY_GRACE + 0.3  # not in the list: Metrica is asked, slowly
    [missing] = await chat.say(GROUP, BORIS, "/uploading 999")
    [typing] = chat.telegram.chat_actions(GROUP)[actions:]
    assert typing["action"] == "typing"
    assert typing["index"] < missing["call_index"]
