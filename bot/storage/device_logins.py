"""Pending /login attempts: one per user, the device code encrypted, claimed by one process.

A process claims a due login by moving its `next_poll_at` forward by the lease, on the
condition that nobody moved it meanwhile: with several processes exactly one polls it, and a
process that dies mid-poll only delays the next poll by the lease.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

from sqlalchemy import delete, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.crypto import TokenCipher
from bot.oauth_schedule import PollSchedule
from bot.storage.models import DeviceLogin


@dataclass(frozen=True, slots=True)
class PendingLogin:
    """A claimed login, with what its poll and its final message need."""

    id: int
    user_id: int
    device_code: bytes  # encrypted
    chat_id: int
    message_id: int | None
    language: str
    schedule: PollSchedule


class DeviceLoginRepository:
    """Reads and writes pending logins; never commits."""

    def __init__(self, session: AsyncSession, cipher: TokenCipher | None = None) -> None:
        self._session = session
        self._cipher = cipher

    async def replace(
        self,
        user_id: int,
        device_code: str,
        user_code: str,
        *,
        chat_id: int,
        language: str,
        schedule: PollSchedule,
    ) -> int:
        """The user's new pending login (any older one is dropped); its id."""
        if self._cipher is None:
            raise RuntimeError("this repository was made without a cipher")
        await self._session.execute(delete(DeviceLogin).where(DeviceLogin.user_id == user_id))
        login = DeviceLogin(
            user_id=user_id,
            device_code_encrypted=self._cipher.encrypt(device_code),
            user_code=user_code,
            chat_id=chat_id,
            language=language,
            interval=schedule.interval,
            next_poll_at=schedule.next_poll_at,
            expires_at=schedule.deadline,
        )
        self._session.add(login)
        await self._session.flush()
        return login.id

    async def set_message(self, login_id: int, message_id: int) -> None:
        """The message that shows the code, edited when the login ends."""
        await self._session.execute(
            update(DeviceLogin).where(DeviceLogin.id == login_id).values(message_id=message_id)
        )

    async def claim_due(self, now: datetime, lease: timedelta, limit: int) -> list[PendingLogin]:
        """Up to `limit` logins due for a poll (or past their deadline), claimed for `lease`."""
        rows = await self._session.scalars(
            select(DeviceLogin)
            .where(DeviceLogin.next_poll_at <= now)
            .order_by(DeviceLogin.next_poll_at)
            .limit(limit)
        )
        claimed = []
        for login in list(rows):
            result = await self._session.execute(
                update(DeviceLogin)
                .where(DeviceLogin.id == login.id, DeviceLogin.next_poll_at == login.next_poll_at)
                .values(next_poll_at=now + lease)
                .execution_options(synchronize_session=False)
            )
            if getattr(result, "rowcount", 0):
                claimed.append(_pending(login))
        return claimed

    async def reschedule(self, login_id: int, schedule: PollSchedule) -> None:
        """The next poll (and a longer interval after slow_down)."""
        await self._session.execute(
            update(DeviceLogin)
            .where(DeviceLogin.id == login_id)
            .values(interval=schedule.interval, next_poll_at=schedule.next_poll_at)
        )

    async def finish(self, login_id: int) -> bool:
        """Drop a login that ended; False when it was already gone (replaced or cancelled)."""
        result = await self._session.execute(delete(DeviceLogin).where(DeviceLogin.id == login_id))
        return bool(getattr(result, "rowcount", 0))

    async def cancel(self, user_id: int) -> None:
        """Drop the user's pending login, if any (/logout)."""
        await self._session.execute(delete(DeviceLogin).where(DeviceLogin.user_id == user_id))

    async def for_user(self, user_id: int) -> DeviceLogin | None:
        """The user's pending login."""
        return await self._session.scalar(select(DeviceLogin).where(DeviceLogin.user_id == user_id))


def _pending(login: DeviceLogin) -> PendingLogin:
    schedule = PollSchedule(login.interval, login.next_poll_at, login.expires_at)
    return PendingLogin(
        login.id,
        login.user_id,
        login.device_code_encrypted,
        login.chat_id,
        login.message_id,
        login.language,
        schedule,
    )
