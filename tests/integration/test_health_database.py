"""`python -m bot health` asks the database without needing SQLite's write lock."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

from sqlalchemy.engine import make_url

from bot.health import _database_problem
from bot.storage.migrate import upgrade
from tests.databases import sqlite_url


def test_the_database_answers_while_a_stopped_bot_holds_the_write_lock(tmp_path: Path) -> None:
    url = sqlite_url(tmp_path)
    upgrade(url)
    holder = sqlite3.connect(str(make_url(url).database), isolation_level=None)
    try:
        holder.execute("BEGIN IMMEDIATE")  # a bot frozen (SIGSTOP) in the middle of a write
        assert asyncio.run(_database_problem(url)) is None
    finally:
        holder.execute("ROLLBACK")
        holder.close()
