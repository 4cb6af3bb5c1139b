"""The fake Telegram's bot profile (descriptions, command scopes) and its call ordering."""

from __future__ import annotations

import time
from collections.abc import AsyncIterator, Iterator

import pytest
import telegram
from telegram import (
    BotCommand,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
    BotCommandScopeChat,
    BotCommandScopeChatAdministrators,
    BotCommandScopeChatMember,
    BotCommandScopeDefault,
)
from telegram.error import BadRequest

from fakes.telegram import FakeTelegram

TOKEN = "123456:TEST-token"
ANNA = 1001
GROUP = -1001000000002


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(TOKEN) as fake:
        fake.add_user(ANNA, "Anna")
        fake.add_group(GROUP, "Team", admins=[ANNA], username="team_chat")
        yield fake


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[telegram.Bot]:
    bot = telegram.Bot(TOKEN, base_url=f"{fake.url}/bot")
    async with bot:
        yield bot


async def test_descriptions_are_kept_per_language(fake: FakeTelegram, bot: telegram.Bot) -> None:
    assert await bot.set_my_description("Watches uploadings")
    assert await bot.set_my_description("Следит за загрузками", language_code="ru")
    assert await bot.set_my_short_description("Metrica calls", language_code="en")
    assert (await bot.get_my_description()).description == "Watches uploadings"
    assert (await bot.get_my_description("ru")).description == "Следит за загрузками"
    assert (await bot.get_my_description("de")).description == ""
    assert (await bot.get_my_short_description("en")).short_description == "Metrica calls"
    assert (await bot.get_my_short_description()).short_description == ""
    assert fake.my_description("ru") == "Следит за загрузками"
    assert fake.my_short_description("en") == "Metrica calls"
    assert fake.my_name() == "Metrica Calls"

    with pytest.raises(BadRequest, match=r"(?i)description is too long"):
        await bot.set_my_description("x" * 513)
    with pytest.raises(BadRequest, match=r"(?i)short description is too long"):
        await bot.set_my_short_description("x" * 121)
    assert await bot.set_my_description(None, language_code="ru")  # no text: removed
    assert fake.my_description("ru") == ""
    assert await bot.set_my_name("Звонки", language_code="ru")
    assert (await bot.get_my_name("ru")).name == "Звонки"


async def test_command_lists_are_kept_per_scope_and_language(
    fake: FakeTelegram, bot: telegram.Bot
) -> None:
    scopes = {
        "default": BotCommandScopeDefault(),
        "all_private_chats": BotCommandScopeAllPrivateChats(),
        "all_group_chats": BotCommandScopeAllGroupChats(),
        "all_chat_administrators": BotCommandScopeAllChatAdministrators(),
        "chat": BotCommandScopeChat(GROUP),
        "chat_administrators": BotCommandScopeChatAdministrators("@team_chat"),
        "chat_member": BotCommandScopeChatMember(GROUP, ANNA),
    }
    for name, scope in scopes.items():
        command = BotCommand(name[:32], f"for {name}")
        assert await bot.set_my_commands([command], scope=scope, language_code="ru")

    for name, scope in scopes.items():
        [got] = await bot.get_my_commands(scope=scope, language_code="ru")
        assert got.description == f"for {name}"
        assert await bot.get_my_commands(scope=scope) == ()  # no fallback between languages
    assert fake.commands_for("all_chat_administrators", "ru") == [
        {"command": "all_chat_administrators", "description": "for all_chat_administrators"}
    ]
    # "@username" and the numeric id are the same chat
    assert fake.commands_for("chat_administrators", "ru", chat_id=GROUP)[0]["command"] == (
        "chat_administrators"
    )
    assert fake.commands_for("chat_administrators", "ru", chat_id="@team_chat")
    assert fake.commands_for("chat_member", "ru", chat_id=GROUP, user_id=ANNA)
    assert fake.commands_for("chat", "en", chat_id=GROUP) == []
    assert len(fake.command_scopes()) == 7

    assert await bot.delete_my_commands(scope=BotCommandScopeChat("@team_chat"), language_code="ru")
    assert fake.commands_for("chat", "ru", chat_id=GROUP) == []
    with pytest.raises(BadRequest, match=r"(?i)^chat not found$"):
        await bot.set_my_commands([("x", "y")], scope=BotCommandScopeChat(-42))


async def test_a_chat_action_is_ordered_before_the_reply_it_announces(
    fake: FakeTelegram, bot: telegram.Bot
) -> None:
    fake.send_text(ANNA, ANNA, "/uploadings")
    assert await bot.send_chat_action(ANNA, "typing")
    reply = await bot.send_message(ANNA, "here")
    action = fake.wait_for_chat_action(ANNA, action="typing", timeout=0)
    sent = fake.wait_for_message(ANNA, contains="here", timeout=0)
    assert action["index"] < sent["call_index"]
    assert action["at"] <= sent["sent_at"]
    assert sent["message_id"] == reply.message_id
    assert [call["method"] for call in fake.call_log()][action["index"]] == "sendChatAction"
    with pytest.raises(BadRequest, match=r"(?i)^wrong parameter action in request$"):
        await bot.send_chat_action(ANNA, "dancing")
    assert len(fake.chat_actions(ANNA)) == 1
    with pytest.raises(AssertionError, match="upload_document"):
        fake.wait_for_chat_action(ANNA, action="upload_document", timeout=0.05)


async def test_a_callback_answer_records_when_it_came(
    fake: FakeTelegram, bot: telegram.Bot
) -> None:
    fake.send_text(ANNA, ANNA, "/start")
    markup = telegram.InlineKeyboardMarkup(
        [[telegram.InlineKeyboardButton("Go", callback_data="go")]]
    )
    sent = await bot.send_message(ANNA, "menu", reply_markup=markup)
    query_id = fake.press_button(ANNA, sent.message_id, ANNA, "go")
    before = time.monotonic()
    assert await bot.answer_callback_query(query_id, "working…")
    assert await bot.edit_message_text("done", ANNA, sent.message_id)
    [answer] = fake.callback_answer_log
    [edit] = fake.call_log("editMessageText")
    assert answer["callback_query_id"] == query_id
    assert answer["text"] == "working…"
    assert before <= answer["at"] <= edit["at"]
    assert answer["index"] < edit["index"]
    assert edit["ok"] is True
    assert edit["finished_at"] >= edit["at"]
