"""The database engine and session factory, for SQLite (default) and PostgreSQL."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.engine import make_url
from sqlalchemy.ext.asyncio import (
    AsyncEngine,
    AsyncSession,
    async_sessionmaker,
    create_async_engine,
)

SessionFactory = async_sessionmaker[AsyncSession]
_READ_ONLY = "bot_read_only"  # an execution option: begin without the write lock


def create_engine(url: str, *, echo: bool = False, foreign_keys: bool = True) -> AsyncEngine:
    """An async engine; SQLite gets WAL, foreign keys and a busy timeout on every connection.

    `foreign_keys=False` is for migrations only: batch mode rebuilds a table by dropping it,
    and with foreign keys on that drop cascades to every row that refers to it.
    """
    parsed = make_url(url)
    if parsed.get_backend_name() != "sqlite":
        return create_async_engine(url, echo=echo, pool_pre_ping=True, pool_size=10)
    if parsed.database and parsed.database != ":memory:":
        Path(parsed.database).parent.mkdir(parents=True, exist_ok=True)
    engine = create_async_engine(url, echo=echo, connect_args={"timeout": 30})
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas if foreign_keys else _no_fk_pragmas)
    event.listen(engine.sync_engine, "begin", _sqlite_begin_immediate)
    return engine


def _sqlite_pragmas(dbapi_connection: Any, _record: object, *, foreign_keys: bool = True) -> None:
    """WAL lets readers and the writer work together; foreign keys are off by default."""
    dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event issue BEGIN
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # Set outside any transaction: inside one SQLite ignores it.
    cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute("PRAGMA busy_timeout=30000")
    cursor.close()


def _no_fk_pragmas(dbapi_connection: Any, record: object) -> None:
    """The same pragmas with foreign keys off (migrations)."""
    _sqlite_pragmas(dbapi_connection, record, foreign_keys=False)


def _sqlite_begin_immediate(connection: Any) -> None:
    """Take the write lock at BEGIN, so two writers wait instead of failing to upgrade.

    A reader (`create_read_session_factory`) begins without it: in WAL mode readers never
    wait for the writer, so a burst of commands does not queue behind SQLite's one lock.
    """
    reading = connection.get_execution_options().get(_READ_ONLY, False)
    connection.exec_driver_sql("BEGIN" if reading else "BEGIN IMMEDIATE")


def create_session_factory(engine: AsyncEngine) -> SessionFactory:
    """Sessions that keep loaded objects usable after commit."""
    return async_sessionmaker(engine, expire_on_commit=False)


def create_read_session_factory(engine: AsyncEngine) -> SessionFactory:
    """Sessions for transactions that only read: on SQLite they take no write lock.

    A transaction begun here that writes fails on SQLite when another writer holds the lock,
    so only reads belong here. PostgreSQL begins every transaction the same way.
    """
    return async_sessionmaker(
        engine.execution_options(**{_READ_ONLY: True}), expire_on_commit=False
    )
