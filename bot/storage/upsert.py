"""INSERT ... ON CONFLICT for both dialects we run on."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sqlalchemy import Table
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncSession


async def upsert(
    session: AsyncSession,
    table: Table,
    rows: Sequence[dict[str, Any]],
    *,
    keys: Sequence[str],
    update: Sequence[str],
    accumulate: Sequence[str] = (),
) -> None:
    """Insert rows, or on a key conflict set the `update` columns and add to `accumulate` ones."""
    if not rows:
        return
    dialect = session.get_bind().dialect.name
    insert = postgresql.insert if dialect == "postgresql" else sqlite.insert
    statement = insert(table).values(list(rows))
    excluded = statement.excluded
    if update or accumulate:
        values: dict[str, Any] = {name: excluded[name] for name in update}
        values |= {name: table.c[name] + excluded[name] for name in accumulate}
        statement = statement.on_conflict_do_update(index_elements=list(keys), set_=values)
    else:
        statement = statement.on_conflict_do_nothing(index_elements=list(keys))
    await session.execute(statement)
