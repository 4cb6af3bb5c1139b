"""A posted token's message is deleted before anything else can hold it up.

The database write for the chat and the Metrica check come after the delete, so neither a
locked database nor a slow Metrica keeps the token visible (in private chats and groups).
"""

from __future__ import annotations

import asyncio
import sqlite3
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from tests.integration.chat_harness import ChatHarness
from tests.integration.conftest import ANNA, TOKEN

TEAM = -100500
WAIT = 15.0  # far more than deleting takes; far less than the database's 30 s busy timeout


@pytest.fixture
def chat(harness: ChatHarness) -> ChatHarness:
    harness.telegram.add_user(ANNA, "Anna", "en")
    harness.telegram.add_group(TEAM, "Team", admins=[ANNA])
    harness.metrica.add_token(TOKEN, [101])
    return harness


@contextmanager
def database_locked(chat: ChatHarness) -> Iterator[None]:
    """Another writer holds the SQLite file's write lock meanwhile."""
    path = Path(str(chat.services.engine.url.database))
    connection = sqlite3.connect(path, isolation_level=None)
    try:
        connection.execute("BEGIN IMMEDIATE")
        yield
    finally:
        connection.execute("ROLLBACK")
        connection.close()


async def deleted_while_held(chat: ChatHarness, chat_id: int) -> asyncio.Task[None]:
    """Post the token and wait until its message is deleted; the update's task (still busy)."""
    posted = chat.telegram.send_text(chat_id, ANNA, f"/token {TOKEN}")
    handling = asyncio.create_task(chat.deliver())
    params = await chat.telegram.wait_for_request_async("deleteMessage", timeout=WAIT)
    assert params["message_id"] == posted["message_id"]
    assert not handling.done(), "the update finished: nothing was held up"
    return handling


@pytest.mark.parametrize("where", ["private", "group"])
async def test_the_token_is_deleted_while_the_database_is_locked(
    chat: ChatHarness, where: str
) -> None:
    chat_id = ANNA if where == "private" else TEAM
    with database_locked(chat):
        handling = await deleted_while_held(chat, chat_id)
    await handling

    [reply] = chat.telegram.sent(chat_id)
    assert ("Token saved" if where == "private" else "exposed") in reply["text"]


async def test_the_token_is_deleted_while_metrica_is_slow(chat: ChatHarness) -> None:
    chat.metrica.pause()
    try:
        handling = await deleted_while_held(chat, ANNA)
    finally:
        chat.metrica.resume()
    await handling

    [reply] = chat.telegram.sent(ANNA)
    assert "Token saved" in reply["text"]
