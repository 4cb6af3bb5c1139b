"""Fixtures shared by every kind of test."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from hypothesis import HealthCheck, settings
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.crypto import TokenCipher
from bot.storage.db import SessionFactory, create_engine, create_session_factory
from tests.databases import migrated_database

# Property tests are deterministic (the same examples every run, no example database) and
# free of timing: a loaded machine makes them slower, never red.
settings.register_profile(
    "bot",
    derandomize=True,
    database=None,
    deadline=None,
    max_examples=100,
    suppress_health_check=[HealthCheck.too_slow],
)
# `pytest --hypothesis-profile=explore tests/...` searches wider, with fresh random examples.
settings.register_profile(
    "explore", parent=settings.get_profile("bot"), derandomize=False, max_examples=2000
)
settings.load_profile("bot")


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A migrated empty database: a SQLite file, and PostgreSQL when TEST_DATABASE_URL is set."""
    with migrated_database(request.param, tmp_path) as url:
        yield url


@pytest.fixture
def sqlite_database_url(tmp_path: Path) -> Iterator[str]:
    """A migrated empty SQLite file only."""
    with migrated_database("sqlite", tmp_path) as url:
        yield url


@pytest.fixture
async def engine(database_url: str) -> AsyncIterator[AsyncEngine]:
    """An engine on the migrated database, disposed afterwards."""
    engine = create_engine(database_url)
    yield engine
    await engine.dispose()


@pytest.fixture
def sessions(engine: AsyncEngine) -> SessionFactory:
    """Session factory on the migrated database."""
    return create_session_factory(engine)


@pytest.fixture
def cipher() -> TokenCipher:
    """A cipher with a fresh key."""
    return TokenCipher(Fernet.generate_key())
