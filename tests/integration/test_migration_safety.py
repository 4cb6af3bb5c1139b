"""Migrations are safe for data (SQLite table rebuilds lose no row elsewhere) and safe to run
from several processes at once (PostgreSQL: one migrates, the others wait).

Each test adds a throwaway revision to a temporary copy of migrations/, never to the real one.
"""

from __future__ import annotations

import asyncio
import shutil
import subprocess
import sys
import time
from pathlib import Path

import asyncpg
import pytest
from alembic.script import ScriptDirectory
from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot.clock import utc_now
from bot.crypto import TokenCipher
from bot.storage.db import create_engine, create_session_factory
from bot.storage.migrate import MIGRATIONS_DIR, alembic_config, upgrade
from bot.storage.outbox import OutboxRepository
from tests.databases import postgres_database, requires_postgres
from tests.monitor_seed import ChatSpec, seed_watch
from tests.process_env import inherited_environment

ROOT = Path(__file__).resolve().parents[2]
TEST_LOCK = 424_242  # what the throwaway revision waits on, so the test decides when it ends

REBUILD_CHATS = """
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"


def upgrade() -> None:
    with op.batch_alter_table("chats", recreate="always") as batch:
        batch.add_column(sa.Column("note", sa.String(16), nullable=True))
"""

WAIT_THEN_CREATE = """
import sqlalchemy as sa
from alembic import op

revision = "9999"
down_revision = "{head}"


def upgrade() -> None:
    op.execute("SELECT pg_advisory_xact_lock({lock})")
    op.create_table("throwaway", sa.Column("id", sa.Integer, primary_key=True))
"""


@pytest.fixture
def migrations_copy(tmp_path: Path) -> Path:
    """migrations/ copied; the test adds its revision there."""
    copy = tmp_path / "migrations"
    shutil.copytree(MIGRATIONS_DIR, copy, ignore=shutil.ignore_patterns("__pycache__"))
    return copy


def add_revision(copy: Path, template: str) -> None:
    head = ScriptDirectory.from_config(alembic_config("sqlite://")).get_current_head()
    source = template.format(head=head, lock=TEST_LOCK)
    (copy / "versions" / "9999_throwaway.py").write_text(source)


async def counts(url: str) -> dict[str, int]:
    engine = create_engine(url)
    try:
        async with engine.connect() as connection:
            tables = ("chats", "chat_counters", "subscriptions", "outbox", "uploading_states")
            found = {}
            for table in tables:
                query = text(f"SELECT count(*) FROM {table}")  # noqa: S608 - our table names
                found[table] = (await connection.execute(query)).scalar_one()
            return found
    finally:
        await engine.dispose()


async def seed(url: str) -> None:
    engine = create_engine(url)
    sessions = create_session_factory(engine)
    try:
        await seed_watch(
            sessions,
            TokenCipher(b"QbT4iFUASe7WFL2JFASCDJhuRA4Sj1fYu7sHPC6pccg="),
            token="y0_token",
            owner=501,
            counters=[(11, "Shop"), (12, "Blog")],
            chats=[ChatSpec(-100), ChatSpec(-200)],
        )
        async with sessions.begin() as session:
            await OutboxRepository(session).enqueue(-100, "hello", now=utc_now())
    finally:
        await engine.dispose()


def test_rebuilding_chats_on_sqlite_loses_no_row_elsewhere(
    tmp_path: Path, migrations_copy: Path
) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3"
    upgrade(url)
    asyncio.run(seed(url))
    before = asyncio.run(counts(url))
    assert before["subscriptions"] == 4
    add_revision(migrations_copy, REBUILD_CHATS)

    upgrade(url, migrations_dir=migrations_copy)

    assert asyncio.run(counts(url)) == before


def test_foreign_keys_are_on_again_after_migrating(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3"
    upgrade(url)

    async def pragma() -> int:
        engine = create_engine(url)
        try:
            async with engine.connect() as connection:
                return int((await connection.execute(text("PRAGMA foreign_keys"))).scalar_one())
        finally:
            await engine.dispose()

    assert asyncio.run(pragma()) == 1


@requires_postgres
def test_concurrent_upgrades_on_postgresql_migrate_once(migrations_copy: Path) -> None:
    add_revision(migrations_copy, WAIT_THEN_CREATE)
    with postgres_database() as url:
        upgrade(url)  # at the real head; the throwaway revision is what both processes apply
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        loop = asyncio.new_event_loop()  # the lock's connection lives on this loop
        holder = loop.run_until_complete(_hold_lock(dsn))
        try:
            processes = [_upgrade_process(url, migrations_copy) for _ in range(2)]
            _wait_for_waiters(dsn, 2)  # one in the migration, one at the door (or both inside)
        finally:
            loop.run_until_complete(_release(holder))
            loop.close()
        results = [process.communicate(timeout=60) for process in processes]

        codes = [process.returncode for process in processes]
        assert codes == [0, 0], [stderr for _, stderr in results]
        assert asyncio.run(_scalar(dsn, "SELECT version_num FROM alembic_version")) == "9999"


def _upgrade_process(url: str, migrations: Path) -> subprocess.Popen[str]:
    code = (
        "import sys; from pathlib import Path; from bot.storage.migrate import upgrade; "
        "upgrade(sys.argv[1], migrations_dir=Path(sys.argv[2]))"
    )
    return subprocess.Popen(
        [sys.executable, "-c", code, url, str(migrations)],
        env={**inherited_environment(), "PYTHONPATH": str(ROOT)},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


async def _hold_lock(dsn: str) -> asyncpg.Connection:
    connection = await asyncpg.connect(dsn)
    await connection.execute(f"SELECT pg_advisory_lock({TEST_LOCK})")
    return connection


async def _release(connection: asyncpg.Connection) -> None:
    await connection.execute(f"SELECT pg_advisory_unlock({TEST_LOCK})")
    await connection.close()


async def _scalar(dsn: str, query: str) -> object:
    connection = await asyncpg.connect(dsn)
    try:
        return await connection.fetchval(query)
    finally:
        await connection.close()


def _wait_for_waiters(dsn: str, count: int, timeout: float = 60.0) -> None:
    """Until `count` sessions of this database wait for an advisory lock."""
    query = (
        "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
        "WHERE l.locktype = 'advisory' AND NOT l.granted AND d.datname = current_database()"
    )
    deadline = time.monotonic() + timeout
    while asyncio.run(_scalar(dsn, query)) != count:
        assert time.monotonic() < deadline, "the upgrades never reached the locks"
        time.sleep(0.05)
