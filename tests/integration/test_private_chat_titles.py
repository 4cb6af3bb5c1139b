"""A private group's title never reaches someone who is not its admin.

Naming a chat by id from a private chat (/counters -100…, /link … -100…) answers the same
"not found, or you are not an admin there" whether the chat exists or not, without its title.
"""

from __future__ import annotations

import pytest

from tests.integration.chat_harness import ChatHarness
from tests.integration.conftest import ANNA, BORIS, with_team

PRIVATE_GROUP = -1004000
MISSING = -1009999


@pytest.fixture
async def chat(harness: ChatHarness) -> ChatHarness:
    harness.telegram.add_group(PRIVATE_GROUP, "Secret merger plans", admins=[ANNA])
    return await with_team(harness)


async def say(chat: ChatHarness, user: int, text: str) -> str:
    return "\n".join(message["text"] for message in await chat.say(user, user, text))


@pytest.mark.parametrize(
    "command",
    ["/counters {chat}", "/link 101 {chat}", "/unlink 101 {chat}", "/subscribe 101 {chat}"],
)
async def test_someone_not_admin_there_gets_no_title(chat: ChatHarness, command: str) -> None:
    existing = await say(chat, BORIS, command.format(chat=PRIVATE_GROUP))
    missing = await say(chat, BORIS, command.format(chat=MISSING))

    assert "Secret" not in existing
    assert f"{PRIVATE_GROUP} is not found, or you are not an admin there" in existing
    assert existing.replace(str(PRIVATE_GROUP), str(MISSING)) == missing


async def test_its_admin_sees_the_title(chat: ChatHarness) -> None:
    assert "Secret merger plans" in await say(chat, ANNA, f"/link 101 {PRIVATE_GROUP}")
