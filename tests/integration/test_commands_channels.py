"""Channels: commands posted there work, and a channel is managed from a private chat."""

from __future__ import annotations

import pytest

from bot.telegram.menu import set_command_menu
from tests.integration.chat_harness import ChatHarness, buttons
from tests.integration.conftest import ANNA, BORIS, with_team

CHANNEL, CLOSED = -1002000, -1003000


@pytest.fixture
async def chat(harness: ChatHarness) -> ChatHarness:
    harness.telegram.add_channel(CHANNEL, "Team news", "team_news", admins=[ANNA])
    harness.telegram.add_channel(CLOSED, "Closed", "closed_news", admins=[ANNA], bot_is_admin=False)
    return await with_team(harness)


async def say(chat: ChatHarness, user: int, text: str) -> str:
    return "\n".join(message["text"] for message in await chat.say(user, user, text))


async def post(chat: ChatHarness, text: str) -> str:
    return "\n".join(message["text"] for message in await chat.post(CHANNEL, text))


async def test_a_channel_is_linked_and_subscribed_from_a_private_chat(chat: ChatHarness) -> None:
    linked = await say(chat, ANNA, "/link 101 @team_news")
    assert "Shop (shop.example, 101) привязан в чате «Team news»" in linked
    assert f"/subscribe 101 {CHANNEL}" in linked
    assert "в чате «Team news»" in await say(chat, ANNA, f"/subscribe 101 {CHANNEL}")
    assert await chat.query("select chat_id, counter_id from subscriptions") == [(CHANNEL, 101)]
    assert await chat.query("select type, language from chats where id = :c", c=CHANNEL) == [
        ("channel", "ru")
    ]
    assert "🔔" in await say(chat, ANNA, "/counters @team_news")
    assert "Shop" in await say(chat, ANNA, "/subscriptions @team_news")
    assert chat.telegram.sent(CHANNEL) == []


async def test_a_channel_is_unsubscribed_and_unlinked_from_a_private_chat(
    chat: ChatHarness,
) -> None:
    await chat.say(ANNA, ANNA, "/link 101 @team_news")
    await chat.say(ANNA, ANNA, "/subscribe 101 @team_news")
    assert "отменена" in await say(chat, ANNA, "/unsubscribe 101 @team_news")
    assert "отвязан в чате «Team news»" in await say(chat, ANNA, "/unlink 101 @team_news")
    assert await chat.query("select * from chat_counters") == []


async def test_subscribe_buttons_for_a_channel_remember_the_channel(chat: ChatHarness) -> None:
    await chat.say(ANNA, ANNA, "/link 101 @team_news")
    await chat.say(ANNA, ANNA, "/link 102 @team_news")
    [choice] = await chat.say(ANNA, ANNA, "/subscribe @team_news")
    assert [data for _, data in buttons(choice)] == ["sb:101:1002000", "sb:102:1002000"]
    await chat.press(ANNA, choice["message_id"], ANNA, "sb:102:1002000")
    assert await chat.query("select chat_id, counter_id from subscriptions") == [(CHANNEL, 102)]


@pytest.mark.parametrize(
    ("user", "target", "expected"),
    [
        (BORIS, "@team_news", "@team_news is not found, or you are not an admin there"),
        (ANNA, "@closed_news", "Я не администратор Closed"),
        (ANNA, "@nope_channel", "Чат @nope_channel не найден"),
        (ANNA, "-100999", "Чат -100999 не найден"),
    ],
)
async def test_managing_a_chat_needs_both_the_user_and_the_bot_as_admins(
    chat: ChatHarness, user: int, target: str, expected: str
) -> None:
    chat.metrica.add_token("y0_boris-token-000000", [101])
    await chat.say(BORIS, BORIS, "/token y0_boris-token-000000")
    assert expected in await say(chat, user, f"/link 101 {target}")
    assert await chat.query("select * from chat_counters") == []


async def test_commands_posted_in_the_channel_work(chat: ChatHarness) -> None:
    chat.metrica.add_uploading(101, id=77, comment="posted")
    await chat.say(ANNA, ANNA, "/link 101 @team_news")
    assert "Shop" in await post(chat, "/counters")
    assert "77 · " in await post(chat, "/uploadings")
    assert "Подписка оформлена" in await post(chat, "/subscribe")
    assert "/link@metrica_calls_bot" in await post(chat, "/help")
    assert await chat.query("select chat_id from subscriptions") == [(CHANNEL,)]


async def test_link_posted_in_a_channel_explains_how_to_do_it_from_a_private_chat(
    chat: ChatHarness,
) -> None:
    reply = await post(chat, "/link 101")  # nobody spoke in the channel yet: English
    assert "/link <counter id> @team_news" in reply


async def test_channel_posts_for_another_bot_are_ignored(chat: ChatHarness) -> None:
    assert await chat.post(CHANNEL, "/counters@some_other_bot") == []


async def test_a_token_posted_in_a_channel_is_deleted(chat: ChatHarness) -> None:
    message = chat.telegram.channel_post(CHANNEL, "/token y0_leaked-token-0000")
    await chat.deliver()
    assert (CHANNEL, message["message_id"]) not in chat.telegram.world.messages
    assert "data-access" in chat.telegram.sent(CHANNEL)[-1]["raw_text"]


async def test_paging_in_a_channel_works_for_a_member_pressing_the_button(
    chat: ChatHarness,
) -> None:
    for number in range(1, 13):
        chat.metrica.add_uploading(101, id=number)
    await chat.say(ANNA, ANNA, "/link 101 @team_news")
    [page] = await chat.post(CHANNEL, "/uploadings")
    await chat.press(CHANNEL, page["message_id"], BORIS, "pg:101:1")
    assert "11–12" in chat.message(CHANNEL, page["message_id"])["text"]


async def test_the_command_menu_is_set_for_private_chats_and_groups_in_both_languages(
    chat: ChatHarness,
) -> None:
    await set_command_menu(chat.app.bot)
    private = {"type": "all_private_chats"}
    groups = {"type": "all_group_chats"}
    ru = chat.telegram.my_commands(private, "ru")
    assert [c["command"] for c in ru][:5] == ["start", "token", "login", "logout", "link"]
    assert "Привязать" in next(c["description"] for c in ru if c["command"] == "link")
    in_groups = [c["command"] for c in chat.telegram.my_commands(groups, "en")]
    assert not {"token", "login", "logout"} & set(in_groups)
    assert chat.telegram.my_commands(groups, "")


async def test_a_refused_command_menu_does_not_stop_the_bot(chat: ChatHarness) -> None:
    chat.telegram.fail_next("setMyCommands", status=400, description="Bad Request: nope")
    await set_command_menu(chat.app.bot)
    assert chat.telegram.my_commands({"type": "all_private_chats"}, "ru") == []
