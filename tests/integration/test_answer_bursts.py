"""A burst of /uploadings handled at once: answers are read update by update, none is lost."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import pytest
from sqlalchemy import event, text
from telegram import Update

from tests.integration.chat_harness import ChatHarness

USERS = [3001 + n for n in range(6)]


def counter_of(user: int) -> int:
    return 500 + user - USERS[0]


@pytest.fixture
async def chat(harness: ChatHarness) -> ChatHarness:
    """Six users, each with a token, a private chat, a linked counter and its list stored."""
    for user in USERS:
        counter = counter_of(user)
        harness.telegram.add_user(user, f"User {user}", "en")
        harness.metrica.add_token(f"y0_token-of-{user}-0123456789", [counter])
        harness.metrica.add_counter(counter, f"Shop {counter}", f"shop{counter}.example")
        harness.metrica.add_uploading(counter, id=counter * 10, status="MATCHED")
        await harness.say(user, user, f"/token y0_token-of-{user}-0123456789")
        await harness.say(user, user, f"/link {counter}")
        shown = await harness.say(user, user, f"/uploadings {counter}")
        assert f"{counter * 10} · " in _text(shown)
    harness.services.chats.forget(*USERS)  # each burst answer reads its chat's language again
    return harness


def _text(messages: list[dict[str, Any]]) -> str:
    return "\n".join(message["text"] for message in messages)


async def burst(chat: ChatHarness, texts: dict[int, str]) -> dict[int, list[dict[str, Any]]]:
    """Every user's message in one batch, handled at once as PTB does; the replies per chat."""
    before = {user: len(chat.telegram.sent(user)) for user in texts}
    for user, message in texts.items():
        chat.telegram.send_text(user, user, message)
    with chat.telegram.lock:
        raws = list(chat.telegram.world.updates)
        chat.telegram.world.updates.clear()
    updates = [Update.de_json(raw, chat.app.bot) for raw in raws]
    assert [update.update_id for update in updates] == sorted(u.update_id for u in updates)
    await asyncio.gather(*(chat.app.process_update(update) for update in updates))
    return {user: chat.telegram.sent(user)[before[user] :] for user in texts}


@contextmanager
def chats_read(chat: ChatHarness) -> Iterator[list[int]]:
    """The burst users' chat ids, in the order the database was asked about them."""
    seen: list[int] = []

    def record(*args: Any) -> None:
        parameters = args[3]
        values = parameters.values() if isinstance(parameters, dict) else parameters or ()
        seen.extend(value for value in values if value in USERS)

    engine = chat.services.engine.sync_engine
    event.listen(engine, "before_cursor_execute", record)
    try:
        yield seen
    finally:
        event.remove(engine, "before_cursor_execute", record)


def runs(values: list[int]) -> list[int]:
    """Consecutive repeats folded: [1, 1, 2, 1] -> [1, 2, 1]."""
    return [value for n, value in enumerate(values) if n == 0 or values[n - 1] != value]


async def test_a_burst_is_read_one_update_after_another_in_the_updates_order(
    chat: ChatHarness,
) -> None:
    with chats_read(chat) as seen:
        replies = await burst(chat, {user: f"/uploadings {counter_of(user)}" for user in USERS})
    # Each update's reads (its chat's language, then the link and the list) come before the next
    # update's first read: reply k can leave after k answers' reads, not after all of them.
    assert runs(seen) == USERS
    assert seen.count(USERS[0]) >= 2  # the language and the link were both read
    for user in USERS:
        assert f"{counter_of(user) * 10} · " in _text(replies[user])
        assert len(replies[user]) == 1
    assert chat.errors == []


async def test_an_answer_that_fails_in_a_burst_loses_no_other_reply(chat: ChatHarness) -> None:
    broken = USERS[2]
    async with chat.services.sessions.begin() as session:  # an unreadable stored list
        await session.execute(
            text(
                "update counter_lists set payload = :junk, digest = 'broken'"
                " where counter_id = :counter"
            ),
            {"junk": b"not zlib", "counter": counter_of(broken)},
        )
    replies = await burst(chat, {user: f"/uploadings {counter_of(user)}" for user in USERS})
    assert len(chat.errors) == 1  # the broken one reached the error handler
    assert "Something went wrong" in _text(replies[broken])
    for user in USERS:
        assert len(replies[user]) == 1
        if user != broken:
            assert f"{counter_of(user) * 10} · " in _text(replies[user])
    assert not chat.services.answering.busy
