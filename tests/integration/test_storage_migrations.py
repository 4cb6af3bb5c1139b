"""Migrations bring an empty database to head, and the models agree with them."""

from __future__ import annotations

import asyncio
from collections.abc import Iterator
from pathlib import Path

import pytest
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.db import create_engine
from bot.storage.migrate import alembic_config, upgrade
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
def empty_database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """An empty database (no revision applied)."""
    if request.param == "sqlite":
        yield sqlite_url(tmp_path)
        return
    if not POSTGRES_URL:
        pytest.skip("set TEST_DATABASE_URL=postgresql://... to run PostgreSQL tests")
    with postgres_database() as url:
        yield url


def _execute(url: str, *statements: str) -> list[tuple[object, ...]]:
    async def run() -> list[tuple[object, ...]]:
        engine = create_engine(url)
        try:
            async with engine.begin() as connection:
                rows: list[tuple[object, ...]] = []
                for statement in statements:
                    result = await connection.execute(text(statement))
                    rows = [tuple(row) for row in result] if result.returns_rows else []
                return rows
        finally:
            await engine.dispose()

    return asyncio.run(run())


def test_final_only_subscriptions_keep_hearing_final_across_the_0003_migration(
    empty_database_url: str,
) -> None:
    url = empty_database_url
    upgrade(url, "0001")
    _execute(
        url,
        "INSERT INTO chats (id, type, is_active) VALUES (-1, 'group', true), (-2, 'group', true)",
        "INSERT INTO counters (id, name, site, has_baseline, is_hot, failures) "
        "VALUES (7, 'A', '', false, false, 0)",
        "INSERT INTO chat_counters (chat_id, counter_id, linked_by) VALUES (-1, 7, 1), (-2, 7, 1)",
        "INSERT INTO subscriptions (chat_id, counter_id, final_only) "
        "VALUES (-1, 7, true), (-2, 7, false)",
    )

    upgrade(url)
    rows = _execute(
        url,
        "SELECT chat_id, hears, silent, thread_id FROM subscriptions ORDER BY chat_id DESC",
    )
    assert rows == [(-1, "final", False, None), (-2, "all", False, None)]

    command.downgrade(alembic_config(url), "0001")
    rows = _execute(url, "SELECT chat_id, final_only FROM subscriptions ORDER BY chat_id DESC")
    assert rows == [(-1, True), (-2, False)]


def test_links_tokens_and_counts_of_an_older_database_carry_over(empty_database_url: str):
    upgrade(empty_database_url, "0001")
    asyncio.run(run(empty_database_url, OLD_ROWS))

    upgrade(empty_database_url)

    keys, links, counts, paused, kept = asyncio.run(
        run(
            empty_database_url,
            [QUOTA_KEYS, LINKS, COUNTS, "SELECT id, paused_reason FROM counters ORDER BY id", KEPT],
        )
    )
    assert keys == [(1, "anna"), (2, "fp:fp-boris")]
    assert links == [(-1, 10, None), (-2, 10, "revoked"), (-3, 10, "deleted")]
    assert counts == [("anna", "monitor", 120), ("fp:orphan", "monitor", 5)]
    assert paused == [(10, None), (11, None), (12, "gone")]
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
    "paused_reason) VALUES (10, 'Shop', '', 2, true, false, 0, 'revoked'), "
    "(11, 'Blog', '', 2, true, false, 0, 'unreadable'), (12, 'Old', '', 1, true, false, 0, 'gone')",
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
