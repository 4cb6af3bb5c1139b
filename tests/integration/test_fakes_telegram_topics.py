"""The fake Telegram's forum topics, driven over HTTP by python-telegram-bot's own Bot."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest
import telegram
from telegram import ReplyParameters
from telegram.error import BadRequest

from fakes.telegram import FakeTelegram

TOKEN = "123456:TEST-token"
ANNA = 1001
FORUM = -1001000000001
GROUP = -1001000000002
TOPIC = 7


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(TOKEN) as fake:
        fake.add_user(ANNA, "Anna")
        fake.add_forum(FORUM, "Support", admins=[ANNA], bot_is_admin=False)
        fake.create_topic(FORUM, "Reports", thread_id=TOPIC)
        yield fake


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[telegram.Bot]:
    bot = telegram.Bot(TOKEN, base_url=f"{fake.url}/bot", base_file_url=f"{fake.url}/file/bot")
    async with bot:
        yield bot


async def test_a_message_sent_to_a_topic_is_recorded_there(
    fake: FakeTelegram, bot: telegram.Bot
) -> None:
    chat = await bot.get_chat(FORUM)
    assert chat.is_forum
    sent = await bot.send_message(FORUM, "in topic", message_thread_id=TOPIC)
    assert (sent.message_thread_id, sent.is_topic_message) == (TOPIC, True)
    assert sent.chat.is_forum
    assert sent.reply_to_message is not None  # Telegram points at the topic's creation
    assert sent.reply_to_message.forum_topic_created is not None
    general = await bot.send_message(FORUM, "in general")
    assert general.message_thread_id is None
    assert not general.is_topic_message

    assert [m["text"] for m in fake.sent(FORUM, thread_id=TOPIC)] == ["in topic"]
    assert [m["text"] for m in fake.sent(FORUM, thread_id=None)] == ["in general"]
    found = fake.wait_for_message(FORUM, thread_id=TOPIC, timeout=0)
    assert found["message_thread_id"] == TOPIC
    with pytest.raises(AssertionError, match="thread"):
        fake.wait_for_message(FORUM, contains="in general", thread_id=TOPIC, timeout=0.05)
    in_topic = [m.get("text") for m in fake.thread_messages(FORUM, TOPIC)]
    assert in_topic == [None, "in topic"]  # the forum_topic_created service message first


async def test_a_users_topic_message_arrives_with_its_thread_and_replies_land_there(
    fake: FakeTelegram, bot: telegram.Bot
) -> None:
    asked = fake.send_text(FORUM, ANNA, "/uploadings", thread_id=TOPIC)
    [update] = await bot.get_updates(timeout=0)
    message = update.message
    assert message is not None
    assert (message.message_thread_id, message.is_topic_message) == (TOPIC, True)
    assert message.text == "/uploadings"

    # The bot's helper replies with reply_parameters but no message_thread_id: Telegram keeps
    # the reply in the replied message's topic.
    reply = await bot.send_message(
        FORUM,
        "answer",
        reply_parameters=ReplyParameters(asked["message_id"], allow_sending_without_reply=True),
    )
    assert reply.message_thread_id == TOPIC
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.message_id == asked["message_id"]
    recorded = fake.wait_for_message(FORUM, contains="answer", thread_id=TOPIC, timeout=0)
    assert (recorded["reply_to_message_id"], recorded["replied"]) == (asked["message_id"], True)
    # PTB's own reply_text passes the thread explicitly, with the same result.
    via_ptb = await message.reply_text("via ptb")
    assert via_ptb.message_thread_id == TOPIC


async def test_a_closed_topic_refuses_unless_the_bot_may_manage_topics(
    fake: FakeTelegram, bot: telegram.Bot
) -> None:
    fake.close_topic(FORUM, TOPIC)
    with pytest.raises(BadRequest, match=r"(?i)^topic_closed$"):
        await bot.send_message(FORUM, "x", message_thread_id=TOPIC)
    with pytest.raises(BadRequest, match=r"(?i)topic_closed"):
        await bot.send_chat_action(FORUM, "typing", message_thread_id=TOPIC)
    assert fake.call_log("sendMessage")[-1]["error"] == "Bad Request: TOPIC_CLOSED"

    fake.set_bot_admin(FORUM)
    assert await bot.send_message(FORUM, "admins may", message_thread_id=TOPIC)
    fake.set_bot_can_manage_topics(FORUM, False)
    with pytest.raises(BadRequest, match=r"(?i)topic_closed"):
        await bot.send_message(FORUM, "x", message_thread_id=TOPIC)
    fake.reopen_topic(FORUM, TOPIC)
    assert await bot.send_message(FORUM, "open again", message_thread_id=TOPIC)
    assert fake.topics(FORUM)[0]["is_closed"] is False


async def test_a_deleted_topic_is_not_found_and_replies_to_its_messages_fall_to_general(
    fake: FakeTelegram, bot: telegram.Bot
) -> None:
    asked = fake.send_text(FORUM, ANNA, "/status", thread_id=TOPIC)
    assert fake.delete_topic(FORUM, TOPIC) == 2  # the creation message and Anna's
    with pytest.raises(BadRequest, match=r"(?i)^message thread not found$"):
        await bot.send_message(FORUM, "x", message_thread_id=TOPIC)
    with pytest.raises(BadRequest, match=r"(?i)^message to be replied not found$"):
        await bot.send_message(FORUM, "x", reply_parameters=ReplyParameters(asked["message_id"]))

    # The real-world bug: allow_sending_without_reply without message_thread_id lands in General.
    lost = await bot.send_message(
        FORUM,
        "lost",
        reply_parameters=ReplyParameters(asked["message_id"], allow_sending_without_reply=True),
    )
    assert lost.message_thread_id is None
    assert lost.reply_to_message is None
    recorded = fake.sent(FORUM, thread_id=None)[-1]
    assert (recorded["text"], recorded["replied"]) == ("lost", False)
    assert recorded["reply_to_message_id"] == asked["message_id"]
    assert fake.topics(FORUM)[0]["is_deleted"] is True


async def test_a_reply_to_a_deleted_message_in_a_live_topic_needs_the_thread_id(
    fake: FakeTelegram, bot: telegram.Bot
) -> None:
    asked = fake.send_text(FORUM, ANNA, "/status", thread_id=TOPIC)
    fake.set_bot_admin(FORUM)
    assert await bot.delete_message(FORUM, asked["message_id"])
    quote = ReplyParameters(asked["message_id"], allow_sending_without_reply=True)
    general = await bot.send_message(FORUM, "no thread", reply_parameters=quote)
    kept = await bot.send_message(
        FORUM, "with thread", reply_parameters=quote, message_thread_id=TOPIC
    )
    assert (general.message_thread_id, kept.message_thread_id) == (None, TOPIC)
    assert [m["text"] for m in fake.sent(FORUM, thread_id=TOPIC)] == ["with thread"]


async def test_general_has_no_thread_id_and_reply_chains_are_not_topics(
    fake: FakeTelegram, bot: telegram.Bot
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(FORUM, "x", message_thread_id=1)
    mine = await bot.send_message(FORUM, "in general")
    answer = fake.send_text(FORUM, ANNA, "thanks", reply_to=mine.message_id)
    # Telegram gives a reply outside topics its reply chain's thread id, without is_topic_message.
    assert answer["message_thread_id"] == mine.message_id
    assert "is_topic_message" not in answer
    with pytest.raises(BadRequest, match=r"(?i)message thread not found"):
        await bot.send_message(FORUM, "x", message_thread_id=answer["message_thread_id"])
    [update] = await bot.get_updates(timeout=0)
    assert update.message is not None
    via_ptb = await update.message.reply_text("fine")  # PTB omits the thread: not a topic
    assert via_ptb.message_thread_id is None


async def test_message_thread_id_is_ignored_outside_forums(
    fake: FakeTelegram, bot: telegram.Bot
) -> None:
    fake.add_group(GROUP, "Plain", admins=[ANNA])
    sent = await bot.send_message(GROUP, "x", message_thread_id=TOPIC)
    assert sent.message_thread_id is None
    assert fake.sent(GROUP)[0]["message_thread_id"] is None
    assert await bot.send_chat_action(GROUP, "typing", message_thread_id=TOPIC)
    assert fake.chat_actions(GROUP)[0]["message_thread_id"] is None


async def test_an_edit_keeps_the_topic_and_a_button_press_carries_it(
    fake: FakeTelegram, bot: telegram.Bot
) -> None:
    markup = telegram.InlineKeyboardMarkup(
        [[telegram.InlineKeyboardButton("Refresh", callback_data="refresh")]]
    )
    sent = await bot.send_message(FORUM, "v1", message_thread_id=TOPIC, reply_markup=markup)
    edited = await bot.edit_message_text("v2", FORUM, sent.message_id, reply_markup=markup)
    assert isinstance(edited, telegram.Message)
    assert (edited.message_thread_id, edited.is_topic_message) == (TOPIC, True)
    record = fake.wait_for_edit(FORUM, sent.message_id, contains="v2", timeout=0)
    assert record["message_thread_id"] == TOPIC

    fake.press_button(FORUM, sent.message_id, ANNA, "refresh")
    [update] = await bot.get_updates(timeout=0)
    query = update.callback_query
    assert query is not None
    assert isinstance(query.message, telegram.Message)
    assert query.message.message_thread_id == TOPIC
    assert query.message.text == "v2"


async def test_topic_lifecycle_can_be_announced_to_the_bot(
    fake: FakeTelegram, bot: telegram.Bot
) -> None:
    thread_id = fake.create_topic(FORUM, "Billing", by_user_id=ANNA, announce=True)
    fake.close_topic(FORUM, thread_id, announce=True)
    fake.reopen_topic(FORUM, thread_id, announce=True)
    created, closed, reopened = [u.message for u in await bot.get_updates(timeout=0)]
    assert created is not None
    assert created.forum_topic_created is not None
    assert created.forum_topic_created.name == "Billing"
    assert created.message_id == thread_id
    assert closed is not None
    assert closed.forum_topic_closed is not None
    assert closed.message_thread_id == thread_id
    assert reopened is not None
    assert reopened.forum_topic_reopened is not None
    with pytest.raises(ValueError, match="already taken"):
        fake.create_topic(FORUM, "Again", thread_id=thread_id)
    with pytest.raises(ValueError, match="General"):
        fake.create_topic(FORUM, "General", thread_id=1)
    fake.add_forum(FORUM - 1, "Fresh", admins=[ANNA])
    assert fake.create_topic(FORUM - 1, "First") == 2
    with pytest.raises(ValueError, match="only a supergroup"):
        fake.add_group(GROUP, "Basic", type="group", is_forum=True)
    fake.add_group(GROUP, "Plain", admins=[ANNA])
    with pytest.raises(ValueError, match="not a forum"):
        fake.create_topic(GROUP, "Nope")
