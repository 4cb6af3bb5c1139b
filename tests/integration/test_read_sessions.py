"""Read-only transactions do not queue behind a writer on SQLite (WAL lets them read)."""

from __future__ import annotations

import asyncio

from sqlalchemy import select

from bot.storage.chats import ChatRepository
from bot.storage.db import create_engine, create_read_session_factory, create_session_factory
from bot.storage.models import Chat


async def test_a_reader_is_not_held_up_by_an_open_write_transaction(
    sqlite_database_url: str,
) -> None:
    engine = create_engine(sqlite_database_url)
    sessions = create_session_factory(engine)
    reads = create_read_session_factory(engine)
    try:
        async with sessions.begin() as writer:
            await ChatRepository(writer).touch(1, "private", None)
            # A writer's BEGIN IMMEDIATE would wait here for the 30 s busy timeout.
            async with asyncio.timeout(5), reads.begin() as reader:
                seen = (await reader.execute(select(Chat.id))).scalars().all()
            assert seen == []  # the writer has not committed yet
        async with reads.begin() as reader:
            assert (await reader.execute(select(Chat.id))).scalars().all() == [1]
    finally:
        await engine.dispose()
