"""Every encrypted column, read and replaced by id: what `rotate-key` re-encrypts.

A new encrypted column belongs in ENCRYPTED, or rotating keys would strand it under an old key.
"""

from __future__ import annotations

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession
from sqlalchemy.orm import InstrumentedAttribute

from bot.storage.models import Credential, DeviceLogin

EncryptedColumn = InstrumentedAttribute[bytes] | InstrumentedAttribute[bytes | None]

ENCRYPTED: tuple[EncryptedColumn, ...] = (
    Credential.token_encrypted,
    Credential.refresh_token_encrypted,
    DeviceLogin.device_code_encrypted,
)


class CiphertextRepository:
    """Encrypted values of one column by row id; never commits."""

    def __init__(self, session: AsyncSession, column: EncryptedColumn) -> None:
        self._session = session
        self._column = column
        self._id = column.class_.id

    async def batch(self, *, after_id: int, limit: int) -> list[tuple[int, bytes]]:
        """(id, ciphertext) of the next rows by id that hold a value."""
        rows = await self._session.execute(
            select(self._id, self._column)
            .where(self._id > after_id, self._column.is_not(None))
            .order_by(self._id)
            .limit(limit)
        )
        return [(row_id, ciphertext) for row_id, ciphertext in rows]

    async def replace(self, row_id: int, old: bytes, new: bytes) -> bool:
        """Store `new` unless the value changed meanwhile (a user saved another one)."""
        result = await self._session.execute(
            update(self._column.class_)
            .where(self._id == row_id, self._column == old)
            .values({self._column.key: new})
        )
        return bool(getattr(result, "rowcount", 0))
