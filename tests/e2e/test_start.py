"""The bot process starts against the fakes, greets users and stops cleanly."""

from __future__ import annotations

import pytest

from fakes.telegram import FakeTelegram
from tests.e2e.conftest import BotFactory

pytestmark = pytest.mark.e2e

ANNA = 1001
REPLY_TIMEOUT = 15.0


def test_start_in_a_private_chat_explains_how_to_add_a_token(
    fake_telegram: FakeTelegram, bot_process: BotFactory
) -> None:
    bot_process()
    fake_telegram.add_user(ANNA, "Anna", language_code="ru")

    fake_telegram.send_text(ANNA, ANNA, "/start")

    reply = fake_telegram.wait_for_message(ANNA, contains="/token", timeout=REPLY_TIMEOUT)
    assert reply["parse_mode"] == "HTML"
    assert not reply["deleted"]


def test_help_answers_with_the_commands(
    fake_telegram: FakeTelegram, bot_process: BotFactory
) -> None:
    bot_process()
    fake_telegram.add_user(ANNA, "Anna", language_code="en")

    fake_telegram.send_text(ANNA, ANNA, "/help")

    reply = fake_telegram.wait_for_message(ANNA, timeout=REPLY_TIMEOUT)
    assert reply["parse_mode"] == "HTML"
    assert "/token" in reply["text"]


def test_bot_exits_with_code_zero_on_sigterm(
    fake_telegram: FakeTelegram, bot_process: BotFactory
) -> None:
    bot = bot_process()
    fake_telegram.add_user(ANNA, "Anna")
    fake_telegram.send_text(ANNA, ANNA, "/start")
    fake_telegram.wait_for_message(ANNA, timeout=REPLY_TIMEOUT)

    assert bot.terminate() == 0, bot.log_tail()
    assert not bot.running
