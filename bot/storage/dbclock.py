"""The database's clock in SQL, so leases mean the same thing to every process, whatever its own."""

from __future__ import annotations

from datetime import datetime, timedelta

from sqlalchemy import Float, bindparam, func, literal
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.sql.elements import ColumnElement
from sqlalchemy.types import DateTime, Interval

# SQLite keeps datetimes as text ("2026-11-28 10:00:00.000000"); strftime's milliseconds in the
# same layout compare with them in time order.
_SQLITE_FORMAT = "%Y-%m-%d %H:%M:%f"


def db_now(session: AsyncSession, *, plus: float = 0.0) -> ColumnElement[datetime]:
    """The database's current UTC time (plus some seconds) as an SQL expression."""
    if session.get_bind().dialect.name == "postgresql":
        now: ColumnElement[datetime] = func.clock_timestamp()
        if plus:
            return now + literal(timedelta(seconds=plus), Interval())
        return now
    modifiers = [f"{plus:+.3f} seconds"] if plus else []
    return func.strftime(_SQLITE_FORMAT, "now", *modifiers, type_=DateTime)


def db_now_plus_each(session: AsyncSession, name: str) -> ColumnElement[datetime]:
    """The database's current UTC time plus the seconds of bound parameter `name`.

    For a statement run with many parameter sets, each with its own number of seconds.
    """
    seconds = bindparam(name, type_=Float)
    if session.get_bind().dialect.name == "postgresql":
        return func.clock_timestamp() + func.make_interval(0, 0, 0, 0, 0, 0, seconds)
    modifier = func.printf("%+.3f seconds", seconds)
    return func.strftime(_SQLITE_FORMAT, "now", modifier, type_=DateTime)
