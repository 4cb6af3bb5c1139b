"""SQLite's one write lock never outlives the transaction that took it, whatever interrupts it."""

from __future__ import annotations

import sqlite3

import pytest
from sqlalchemy import text
from sqlalchemy.engine import make_url
from sqlalchemy.exc import OperationalError

from bot.storage.chats import ChatRepository
from bot.storage.db import create_engine, create_session_factory


def lock_is_free(url: str) -> bool:
    """Whether another connection can take the write lock right now (no waiting)."""
    probe = sqlite3.connect(str(make_url(url).database), timeout=0, isolation_level=None)
    try:
        probe.execute("BEGIN IMMEDIATE")
        probe.execute("ROLLBACK")
    except sqlite3.OperationalError:
        return False
    else:
        return True
    finally:
        probe.close()


async def test_a_connection_closed_mid_transaction_gives_the_write_lock_back_at_once(
    sqlite_database_url: str,
) -> None:
    engine = create_engine(sqlite_database_url)
    sessions = create_session_factory(engine)
    try:
        async with sessions.begin() as session:
            for chat_id in (1, 2):
                await ChatRepository(session).touch(chat_id, "private", None)
        async with engine.connect() as connection:
            await connection.execute(text("UPDATE chats SET title = 'x'"))  # holds the lock
            raw = await connection.get_raw_connection()
            # What a task cancelled while a statement ran leaves behind: a cursor of it still
            # referenced (by the CancelledError's traceback), and SQLAlchemy closing the
            # connection. Without a rollback first, sqlite3 keeps the connection open as a
            # zombie, write lock included, for as long as the cursor lives.
            cursor = await raw.driver_connection.execute("SELECT id FROM chats")
            await connection.invalidate()
            assert lock_is_free(sqlite_database_url)
            del cursor
    finally:
        await engine.dispose()


async def test_a_lock_timeout_gives_up_waiting_for_a_lock_held_elsewhere(
    sqlite_database_url: str,
) -> None:
    engine = create_engine(sqlite_database_url)
    quick = create_session_factory(engine, lock_timeout=0.1)
    holder = sqlite3.connect(
        str(make_url(sqlite_database_url).database), timeout=0, isolation_level=None
    )
    try:
        holder.execute("BEGIN IMMEDIATE")
        with pytest.raises(OperationalError, match="database is locked"):
            async with quick.begin() as session:
                await ChatRepository(session).touch(1, "private", None)
        holder.execute("ROLLBACK")
        async with quick.begin() as session:  # the connection is fine afterwards
            await ChatRepository(session).touch(1, "private", None)
        async with engine.connect() as connection:  # and the pool's wait is the usual one
            timeout = await connection.exec_driver_sql("PRAGMA busy_timeout")
            assert timeout.scalar() == 30_000
    finally:
        holder.close()
        await engine.dispose()
