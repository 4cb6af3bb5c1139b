"""Migrations bring an empty database to head, and the models agree with them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.db import create_engine
from bot.storage.migrate import upgrade
from bot.storage.models import Base
from tests.databases import POSTGRES_URL, postgres_database, sqlite_url


async def test_an_empty_database_is_upgraded_to_every_table(engine: AsyncEngine) -> None:
    async with engine.connect() as connection:
        tables = await connection.run_sync(lambda sync: set(inspect(sync).get_table_names()))
    assert set(Base.metadata.tables) <= tables
    assert "alembic_version" in tables


async def test_the_models_agree_with_the_migrations(engine: AsyncEngine) -> None:
    def differences(sync: object) -> list[object]:
        context = MigrationContext.configure(sync, opts={"compare_type": True})  # type: ignore[arg-type]
        return list(compare_metadata(context, Base.metadata))

    async with engine.connect() as connection:
        diff = await connection.run_sync(differences)
    assert diff == []


def test_upgrading_twice_is_harmless(sqlite_database_url: str) -> None:
    upgrade(sqlite_database_url)
    upgrade(sqlite_database_url)


async def test_sqlite_runs_with_wal_and_foreign_keys(sqlite_database_url: str) -> None:
    engine = create_engine(sqlite_database_url)
    async with engine.connect() as connection:
        journal = (await connection.execute(text("PRAGMA journal_mode"))).scalar()
        foreign_keys = (await connection.execute(text("PRAGMA foreign_keys"))).scalar()
    await engine.dispose()
    assert journal == "wal"
    assert foreign_keys == 1


@pytest.fixture(params=["sqlite", "postgres"])
def empty_database(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A database with no tables at all."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    if not POSTGRES_URL:
        pytest.skip("set TEST_DATABASE_URL=postgresql://... to run PostgreSQL tests")
    with postgres_database() as url:
        yield url


def test_links_tokens_and_counts_of_an_older_database_carry_over(empty_database: str):
    upgrade(empty_database, "0001")
    asyncio.run(run(empty_database, OLD_ROWS))

    upgrade(empty_database)

    keys, links, counts, paused, kept = asyncio.run(
        run(
            empty_database,
            [QUOTA_KEYS, LINKS, COUNTS, "SELECT id, paused_reason FROM counters", KEPT],
        )
    )
    assert keys == [(1, "anna"), (2, "fp:fp-boris")]
    assert links == [(-1, 10, None), (-2, 10, "revoked"), (-3, 10, "deleted")]
    assert counts == [("anna", "monitor", 120), ("fp:orphan", "monitor", 5)]
    assert paused == [(10, None)]
    assert kept == [(1, 1)]  # rebuilding tables cascaded nothing away


async def run(url: str, statements: list[str]) -> list[list[tuple[object, ...]]]:
    """Run statements in one transaction; the rows of each."""
    engine = create_engine(url)
    try:
        async with engine.begin() as connection:
            results = [await connection.execute(text(statement)) for statement in statements]
            return [
                [tuple(row) for row in result] if result.returns_rows else [] for result in results
            ]
    finally:
        await engine.dispose()


OLD_ROWS = [
    "INSERT INTO chats (id, type, is_active) VALUES (-1, 'group', true), (-2, 'group', true), "
    "(-3, 'group', true)",
    "INSERT INTO credentials (id, user_id, token_encrypted, fingerprint, login, is_valid) VALUES "
    "(1, 501, 'x', 'fp-anna', 'Anna', true), (2, 502, 'y', 'fp-boris', NULL, false)",
    "INSERT INTO counters (id, name, site, credential_id, has_baseline, is_hot, failures, "
    "paused_reason) VALUES (10, 'Shop', '', 2, true, false, 0, 'revoked')",
    "INSERT INTO chat_counters (chat_id, counter_id, linked_by, credential_id) VALUES "
    "(-1, 10, 501, 1), (-2, 10, 502, 2), (-3, 10, 503, NULL)",
    "INSERT INTO subscriptions (chat_id, counter_id, final_only) VALUES (-1, 10, false)",
    "INSERT INTO uploading_states (counter_id, uploading_id, status, first_seen_at, changed_at, "
    "stuck_warned) VALUES (10, 7, 'MATCHED', '2026-11-27 10:00:00', '2026-11-27 10:00:00', false)",
    "INSERT INTO request_counts (fingerprint, day, count) VALUES "
    "('fp-anna', '2026-11-27', 120), ('orphan', '2026-11-27', 5)",
]
QUOTA_KEYS = "SELECT id, quota_key FROM credentials ORDER BY id"
LINKS = "SELECT chat_id, counter_id, suspended_reason FROM chat_counters ORDER BY chat_id DESC"
COUNTS = "SELECT key, kind, count FROM request_counts ORDER BY key"
KEPT = "SELECT (SELECT count(*) FROM subscriptions), (SELECT count(*) FROM uploading_states)"
