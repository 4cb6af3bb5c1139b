"""Fresh migrated databases for tests: SQLite always, PostgreSQL with TEST_DATABASE_URL."""

from __future__ import annotations

import asyncio
import os
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.config import normalize_database_url
from bot.storage.migrate import upgrade

POSTGRES_URL = os.environ.get("TEST_DATABASE_URL", "")

requires_postgres = pytest.mark.skipif(
    not POSTGRES_URL, reason="set TEST_DATABASE_URL=postgresql://... to run PostgreSQL tests"
)


def sqlite_url(directory: Path) -> str:
    """A new SQLite file URL in the directory."""
    return f"sqlite+aiosqlite:///{directory / f'bot-{uuid.uuid4().hex[:8]}.sqlite3'}"


@contextmanager
def postgres_database(server_url: str = POSTGRES_URL, *, prefix: str = "bot_test") -> Iterator[str]:
    """Create an empty database on the server of `server_url`, drop it afterwards."""
    base = make_url(normalize_database_url(server_url))
    name = f"{prefix}_{uuid.uuid4().hex[:12]}"
    admin_dsn = base.set(drivername="postgresql").render_as_string(hide_password=False)
    asyncio.run(_admin(admin_dsn, f'CREATE DATABASE "{name}"'))
    try:
        yield base.set(database=name).render_as_string(hide_password=False)
    finally:
        asyncio.run(_admin(admin_dsn, f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))


async def _admin(dsn: str, statement: str) -> None:
    connection = await asyncpg.connect(dsn)
    try:
        await connection.execute(statement)
    finally:
        await connection.close()


@contextmanager
def migrated_database(kind: str, directory: Path) -> Iterator[str]:
    """An empty database of the kind ('sqlite' or 'postgres') upgraded to head."""
    if kind == "sqlite":
        url = sqlite_url(directory)
        upgrade(url)
        yield url
        return
    if not POSTGRES_URL:
        pytest.skip("set TEST_DATABASE_URL=postgresql://... to run PostgreSQL tests")
    with postgres_database() as url:
        upgrade(url)
        yield url
