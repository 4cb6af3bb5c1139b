"""The database engine and session factory, for SQLite (default) and PostgreSQL."""

from __future__ import annotations

import contextlib
import sqlite3
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
_LOCK_TIMEOUT = "bot_lock_timeout"  # an execution option: wait less for the write lock
BUSY_TIMEOUT = 30  # seconds a SQLite writer waits for the write lock before "database is locked"


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
    engine = create_async_engine(
        url, echo=echo, connect_args={"timeout": BUSY_TIMEOUT, "factory": _RollbackOnClose}
    )
    event.listen(engine.sync_engine, "connect", _sqlite_pragmas if foreign_keys else _no_fk_pragmas)
    event.listen(engine.sync_engine, "begin", _sqlite_begin_immediate)
    return engine


class _RollbackOnClose(sqlite3.Connection):
    """A SQLite connection that ends its transaction when closed, so no write lock outlives it.

    sqlite3's close() does not roll back: it leaves a connection whose statements are still
    referenced somewhere (the cursor of a statement a cancelled task was waiting on, kept by the
    CancelledError's traceback) open as a "zombie" until they are freed, and a zombie keeps its
    transaction, SQLite's one write lock included. SQLAlchemy closes the connection of a task
    cancelled mid-statement (as a stop cancels the monitor's loops), so every writer after it,
    the stop's own release of leases among them, waited out the busy timeout.
    """

    def close(self) -> None:
        """Roll back first (pending reads are aborted), then close."""
        with contextlib.suppress(sqlite3.Error):  # closed already, or broken: close() says so
            if self.in_transaction:
                self.rollback()
        super().close()


def _sqlite_pragmas(dbapi_connection: Any, _record: object, *, foreign_keys: bool = True) -> None:
    """WAL lets readers and the writer work together; foreign keys are off by default."""
    dbapi_connection.isolation_level = None  # let SQLAlchemy's "begin" event issue BEGIN
    cursor = dbapi_connection.cursor()
    cursor.execute("PRAGMA journal_mode=WAL")
    # Set outside any transaction: inside one SQLite ignores it.
    cursor.execute(f"PRAGMA foreign_keys={'ON' if foreign_keys else 'OFF'}")
    cursor.execute("PRAGMA synchronous=NORMAL")
    cursor.execute(f"PRAGMA busy_timeout={BUSY_TIMEOUT * 1000}")
    cursor.close()


def _no_fk_pragmas(dbapi_connection: Any, record: object) -> None:
    """The same pragmas with foreign keys off (migrations)."""
    _sqlite_pragmas(dbapi_connection, record, foreign_keys=False)


def _sqlite_begin_immediate(connection: Any) -> None:
    """Take the write lock at BEGIN, so two writers wait instead of failing to upgrade.

    A reader (`create_read_session_factory`) begins without it: in WAL mode readers never
    wait for the writer, so a burst of commands does not queue behind SQLite's one lock.
    A factory with a `lock_timeout` waits that long for the lock instead of BUSY_TIMEOUT.
    """
    options = connection.get_execution_options()
    if options.get(_READ_ONLY, False):
        connection.exec_driver_sql("BEGIN")
        return
    timeout = options.get(_LOCK_TIMEOUT)
    if timeout is None:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
        return
    connection.exec_driver_sql(f"PRAGMA busy_timeout={round(timeout * 1000)}")
    try:
        connection.exec_driver_sql("BEGIN IMMEDIATE")
    finally:  # only the lock's wait was to be shorter: the pooled connection is shared
        connection.exec_driver_sql(f"PRAGMA busy_timeout={BUSY_TIMEOUT * 1000}")


def create_session_factory(
    engine: AsyncEngine, *, lock_timeout: float | None = None
) -> SessionFactory:
    """Sessions that keep loaded objects usable after commit.

    With `lock_timeout`, a SQLite transaction waits at most that many seconds for the write
    lock, then fails with "database is locked" (for writes that must not wait BUSY_TIMEOUT,
    such as those of a stop). PostgreSQL has no such wait at BEGIN and ignores it.
    """
    bound = engine
    if lock_timeout is not None:
        bound = engine.execution_options(**{_LOCK_TIMEOUT: lock_timeout})
    return async_sessionmaker(bound, expire_on_commit=False)


def create_read_session_factory(engine: AsyncEngine) -> SessionFactory:
    """Sessions for transactions that only read: on SQLite they take no write lock.

    A transaction begun here that writes fails on SQLite when another writer holds the lock,
    so only reads belong here. PostgreSQL begins every transaction the same way.
    """
    return async_sessionmaker(read_only(engine), expire_on_commit=False)


def read_only(engine: AsyncEngine) -> AsyncEngine:
    """The engine for connections that only read: on SQLite they begin without the write lock."""
    return engine.execution_options(**{_READ_ONLY: True})
