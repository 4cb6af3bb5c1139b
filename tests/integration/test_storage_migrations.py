"""Migrations bring an empty database to head, and the models agree with them."""

from __future__ import annotations

from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from sqlalchemy import inspect, text
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.storage.db import create_engine
from bot.storage.migrate import upgrade
from bot.storage.models import Base


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
