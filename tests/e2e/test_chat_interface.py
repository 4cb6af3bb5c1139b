"""The chat interface end to end: the real bot process against the fake Bot API and Metrica."""

from __future__ import annotations

import pytest

from fakes.metrica import FakeMetrica
from fakes.telegram import FakeTelegram
from tests.e2e.conftest import BotFactory
from tests.e2e.helpers_chat import Talk, buttons

pytestmark = pytest.mark.e2e

ANNA, BORIS = 1001, 1002
GROUP, CHANNEL = -1001500, -1002000
ANNA_TOKEN = "y0_AgAAAAAnna-e2e-token-0123456789"
BORIS_TOKEN = "y0_AgAAAABoris-e2e-token-987654321"
HTML_COMMENT = "<script>alert('x')</script> & <b>bold</b> &amp;"


def assert_clean_log(log: str) -> None:
    """No handler failed and no secret was logged."""
    assert "Traceback" not in log
    assert "unhandled error" not in log
    assert ANNA_TOKEN not in log
    assert BORIS_TOKEN not in log


@pytest.fixture
def world(fake_telegram: FakeTelegram, fake_metrica: FakeMetrica) -> Talk:
    fake_telegram.add_user(ANNA, "Anna", language_code="ru")
    fake_telegram.add_user(BORIS, "Boris", language_code="en")
    fake_telegram.add_group(GROUP, "Team", admins=[ANNA])
    fake_telegram.add_channel(CHANNEL, "Team news", "team_news", admins=[ANNA])
    fake_metrica.add_token(ANNA_TOKEN, [101, 102], login="anna")
    fake_metrica.add_token(BORIS_TOKEN, [101], login="boris")
    fake_metrica.add_counter(101, "Магазин", "shop.example")
    for day in range(1, 24):
        comment = HTML_COMMENT if day == 5 else f"upload {day}"
        created = f"2026-11-{day:02d}T09:15:00Z"
        fake_metrica.add_uploading(101, id=day, create_time=created, comment=comment)
    return Talk(fake_telegram)


def test_a_private_chat_goes_from_token_to_paged_uploadings_in_russian(
    world: Talk, bot_process: BotFactory
) -> None:
    bot = bot_process()
    token_message = world.telegram.send_text(ANNA, ANNA, f"/token {ANNA_TOKEN}")
    saved = world.telegram.wait_for_message(ANNA, contains="Токен сохранён", timeout=15)
    assert not world.exists(ANNA, token_message["message_id"])
    assert ANNA_TOKEN not in saved["raw_text"]
    assert buttons(saved) == ["ln:102", "ln:101"]

    linked = world.press_for_reply(saved, ANNA, "ln:101", expect="привязан")
    assert "Магазин (shop.example, 101)" in linked["text"]

    page = world.say(ANNA, ANNA, "/uploadings", expect="1–10 из 23")
    assert page["text"].index("23 · 2026-11-23 09:15 UTC") < page["text"].index("14 · ")
    page = world.press(page, ANNA, "pg:101:1", expect="11–20 из 23")
    assert "<script>" in page["text"]  # day 5's comment, shown as text
    assert "&lt;script&gt;" in page["raw_text"]
    page = world.press(page, ANNA, "pg:101:2", expect="21–23 из 23")
    assert buttons(page) == ["pg:101:1", "nop", "rf:101:2"]

    detail = world.say(ANNA, ANNA, "/uploading 5", expect="Комментарий")
    assert HTML_COMMENT in detail["text"]
    assert "Загружена (UPLOADED)" in detail["text"]

    world.say(ANNA, ANNA, "/subscribe", expect="Подписка оформлена")
    world.say(ANNA, ANNA, "/counters", expect="🔔")
    assert world.telegram.my_commands({"type": "all_private_chats"}, "ru")
    assert world.telegram.my_commands({"type": "all_group_chats"}, "en")
    assert_clean_log(bot.log())


def test_in_a_group_admins_change_things_and_everyone_reads_in_english(
    world: Talk, bot_process: BotFactory
) -> None:
    bot = bot_process()
    world.say(ANNA, ANNA, f"/token {ANNA_TOKEN}", expect="Токен сохранён")
    world.say(GROUP, BORIS, "/help", expect="Commands")  # Boris speaks first: English

    world.say(GROUP, BORIS, "/link 101", expect="Only admins of this chat can do that.")
    linked = world.say(GROUP, ANNA, "/link@metrica_calls_bot 101", expect="is linked here")
    assert "/subscribe@metrica_calls_bot 101" in linked["text"]

    page = world.say(GROUP, BORIS, "/uploadings", expect="1–10 of 23")
    world.press(page, BORIS, "pg:101:1", expect="11–20 of 23")

    choice = world.say(GROUP, ANNA, "/unsubscribe", expect="no subscriptions here")
    assert not buttons(choice)
    world.say(GROUP, ANNA, "/subscribe 101", expect="Subscribed")
    world.telegram.send_text(GROUP, ANNA, "/counters@some_other_bot")
    listing = world.say(GROUP, BORIS, "/counters", expect="🔔 subscribed")
    replies = [m for m in world.telegram.sent(GROUP) if m["message_id"] > page["message_id"]]
    assert listing == replies[-1]
    assert len([m for m in replies if "🔔 subscribed" in m["text"]]) == 1
    assert_clean_log(bot.log())


def test_a_token_posted_in_a_group_is_deleted_and_called_exposed(
    world: Talk, bot_process: BotFactory
) -> None:
    bot = bot_process()
    leaked = world.telegram.send_text(GROUP, BORIS, f"/token {BORIS_TOKEN}")
    warning = world.telegram.wait_for_message(GROUP, contains="exposed", timeout=15)
    assert not world.exists(GROUP, leaked["message_id"])
    assert "I deleted the message" in warning["text"]
    assert "https://id.yandex.ru/personal/data-access" in warning["raw_text"]
    assert BORIS_TOKEN not in warning["raw_text"]
    world.say(BORIS, BORIS, "/token", expect="No token saved")
    assert_clean_log(bot.log())


def test_a_channel_is_managed_from_a_private_chat_and_answers_its_own_posts(
    world: Talk, bot_process: BotFactory
) -> None:
    bot = bot_process()
    world.say(ANNA, ANNA, f"/token {ANNA_TOKEN}", expect="Токен сохранён")
    world.say(ANNA, ANNA, "/link 101 @team_news", expect="привязан в чате «Team news»")
    world.say(ANNA, ANNA, f"/subscribe 101 {CHANNEL}", expect="Подписка оформлена")

    world.say(BORIS, BORIS, f"/token {BORIS_TOKEN}", expect="Token saved")
    world.say(BORIS, BORIS, "/link 101 @team_news", expect="or you are not an admin there")

    listing = world.post(CHANNEL, "/subscriptions", expect="Магазин")
    assert "Подписки в этом чате" in listing["text"]
    page = world.post(CHANNEL, "/uploadings", expect="1–10 из 23")
    world.press(page, BORIS, "pg:101:2", expect="21–23 из 23")
    world.post(CHANNEL, "/lang en", expect="Language of this chat: English.")
    world.post(CHANNEL, "/unsubscribe", expect="Unsubscribed")
    assert_clean_log(bot.log())
