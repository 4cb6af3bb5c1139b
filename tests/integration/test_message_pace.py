"""Every message the bot sends goes through one pace: a burst stays inside Telegram's limit."""

from __future__ import annotations

import asyncio

import pytest

from bot.telegram.pace import is_paced
from tests.integration.chat_harness import ChatHarness

FIRST_USER = 7000


async def test_a_burst_of_75_messages_to_75_chats_meets_no_429(harness: ChatHarness) -> None:
    harness.telegram.enforce_limits = True  # 30 a second overall, as Telegram
    users = range(FIRST_USER, FIRST_USER + 75)
    for user in users:
        harness.telegram.add_user(user, f"User {user}", "en")
        with harness.telegram.lock:
            harness.telegram.world.private_chat(user)

    await asyncio.gather(*(harness.app.bot.send_message(user, "hello") for user in users))

    assert harness.telegram.count_429 == 0
    assert all(harness.telegram.sent(user) for user in users)


@pytest.mark.parametrize(
    ("endpoint", "paced"),
    [
        ("sendMessage", True),
        ("editMessageText", True),
        ("sendDocument", True),
        ("copyMessage", True),
        ("sendChatAction", False),
        ("getUpdates", False),
        ("answerCallbackQuery", False),
        ("setMyCommands", False),
    ],
)
def test_only_calls_that_post_or_edit_a_message_are_paced(endpoint: str, paced: bool) -> None:
    assert is_paced(endpoint) is paced
