"""INSERT ... ON CONFLICT for both dialects we run on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Base


async def upsert(
    session: AsyncSession,
    model: type[Base],
    rows: Sequence[dict[str, Any]],
    *,
    keys: Sequence[str],
    update: Sequence[str],
    accumulate: Sequence[str] = (),
) -> int:
    """Insert rows, or on a key conflict set the `update` columns and add to `accumulate` ones.

    Returns the rows inserted or updated (with neither `update` nor `accumulate`: inserted).
    """
    if not rows:
        return 0
    table = model.__table__
    assert isinstance(table, Table)  # noqa: S101 - declarative models map to tables
    statement = dialect_insert(session)(table).values(list(rows))
    excluded = statement.excluded
    if update or accumulate:
        values: dict[str, Any] = {name: excluded[name] for name in update}
        values |= {name: table.c[name] + excluded[name] for name in accumulate}
        statement = statement.on_conflict_do_update(index_elements=list(keys), set_=values)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(keys))
    result = await session.execute(statement)
    return int(getattr(result, "rowcount", 0) or 0)


def dialect_insert(session: AsyncSession) -> Any:
    """The session's dialect's INSERT, the one with ON CONFLICT."""
    return postgresql.insert if session.get_bind().dialect.name == "postgresql" else sqlite.insert
