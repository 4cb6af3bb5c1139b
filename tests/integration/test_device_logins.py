"""Pending logins and refresh schedules over a real database (SQLite file, and PostgreSQL).

One pending login per user, the device code stored encrypted, each due login claimed by one
claimer only; tokens from /login keep their refresh token encrypted and are claimed for a
refresh once.
"""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

from sqlalchemy import select

from bot.crypto import TokenCipher
from bot.oauth_schedule import PollSchedule
from bot.storage.credentials import CredentialRepository, Renewal
from bot.storage.db import SessionFactory
from bot.storage.device_logins import DeviceLoginRepository
from bot.storage.models import Credential, DeviceLogin

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)
LEASE = timedelta(seconds=30)
DEVICE_CODE = "0f1e2d3c4b5a69788796a5b4c3d2e1f0"
REFRESH = "1:fakerefresh:AbCdEfGhIjKlMnOpQrStUvWxYz012345"
ACCESS = "y0_fakeaccess_AbCdEfGhIjKlMnOpQrStUvWx"


async def add_login(sessions: SessionFactory, cipher: TokenCipher, user_id: int = 7, **kw) -> int:
    schedule = kw.pop("schedule", PollSchedule.start(NOW, 5, 300))
    async with sessions.begin() as session:
        return await DeviceLoginRepository(session, cipher).replace(
            user_id, kw.pop("code", DEVICE_CODE), "abcdefgh", chat_id=user_id, language="en",
            schedule=schedule,
        )  # fmt: skip


async def test_a_pending_login_keeps_its_device_code_only_encrypted(
    sessions: SessionFactory, cipher: TokenCipher
) -> None:
    await add_login(sessions, cipher)
    async with sessions.begin() as session:
        stored = await session.scalar(select(DeviceLogin))
        assert stored is not None
        assert DEVICE_CODE.encode() not in stored.device_code_encrypted
        assert cipher.decrypt(stored.device_code_encrypted) == DEVICE_CODE


async def test_a_second_login_replaces_the_first(
    sessions: SessionFactory, cipher: TokenCipher
) -> None:
    first = await add_login(sessions, cipher)
    second = await add_login(sessions, cipher, code="another-device-code-0123456789")

    async with sessions.begin() as session:
        rows = list(await session.scalars(select(DeviceLogin)))
        assert [row.id for row in rows] == [second]
        repo = DeviceLoginRepository(session)
        assert not await repo.finish(first)  # the old one's poller must not show its end
        assert await repo.finish(second)


async def test_a_login_is_due_one_interval_after_it_started_and_claimed_once(
    sessions: SessionFactory, cipher: TokenCipher
) -> None:
    await add_login(sessions, cipher)

    async def claim(at: datetime) -> int:
        async with sessions.begin() as session:
            return len(await DeviceLoginRepository(session).claim_due(at, LEASE, 10))

    assert await claim(NOW + timedelta(seconds=4)) == 0
    due = NOW + timedelta(seconds=5)
    claims = await asyncio.gather(*(claim(due) for _ in range(4)), return_exceptions=True)
    assert sum(c for c in claims if isinstance(c, int)) == 1
    assert await claim(due + LEASE - timedelta(seconds=1)) == 0  # leased
    assert await claim(due + LEASE) == 1  # the claimer died: taken over after the lease


async def test_a_rescheduled_login_waits_for_its_new_interval(
    sessions: SessionFactory, cipher: TokenCipher
) -> None:
    login_id = await add_login(sessions, cipher)
    polled = NOW + timedelta(seconds=5)
    async with sessions.begin() as session:
        repo = DeviceLoginRepository(session)
        [pending] = await repo.claim_due(polled, LEASE, 10)
        await repo.reschedule(login_id, pending.schedule.after_slow_down(polled))
    async with sessions.begin() as session:
        repo = DeviceLoginRepository(session)
        assert await repo.claim_due(polled + timedelta(seconds=9), LEASE, 10) == []
        [again] = await repo.claim_due(polled + timedelta(seconds=10), LEASE, 10)
        assert again.schedule.interval == 10


async def test_a_login_token_keeps_its_refresh_token_encrypted_and_is_claimed_once(
    sessions: SessionFactory, cipher: TokenCipher
) -> None:
    renewal = Renewal(REFRESH, NOW + timedelta(days=365), NOW + timedelta(days=90))
    async with sessions.begin() as session:
        credential = await CredentialRepository(session, cipher).save(
            7, ACCESS, "fp", "anna", renewal=renewal
        )
        assert credential.refresh_token_encrypted is not None
        assert REFRESH.encode() not in credential.refresh_token_encrypted
        credential_id = credential.id

    async def claim(at: datetime) -> list[tuple[int, bytes]]:
        async with sessions.begin() as session:
            return await CredentialRepository(session).claim_refreshes(at, LEASE, 10)

    assert await claim(NOW + timedelta(days=89)) == []
    due = NOW + timedelta(days=90)
    results = await asyncio.gather(*(claim(due) for _ in range(3)), return_exceptions=True)
    claimed = [c for result in results if isinstance(result, list) for c in result]
    assert [credential_id for credential_id, _ in claimed] == [credential_id]
    assert cipher.decrypt(claimed[0][1]) == REFRESH

    new = Renewal("1:fakerefresh:new-refresh-token-0123456789", None, due + timedelta(days=90))
    async with sessions.begin() as session:
        repo = CredentialRepository(session, cipher)
        assert await repo.store_refreshed(credential_id, claimed[0][1], "y0_new-access-0123", new)
        assert not await repo.store_refreshed(credential_id, claimed[0][1], "y0_other-0123", new)
    async with sessions.begin() as session:
        stored = await session.get(Credential, credential_id)
        assert stored is not None
        assert cipher.decrypt(stored.token_encrypted) == "y0_new-access-0123"
        assert stored.refresh_at == due + timedelta(days=90)


async def test_a_pasted_token_has_no_refresh_and_is_never_claimed(
    sessions: SessionFactory, cipher: TokenCipher
) -> None:
    renewal = Renewal(REFRESH, None, NOW)
    async with sessions.begin() as session:
        repo = CredentialRepository(session, cipher)
        await repo.save(7, ACCESS, "fp", "anna", renewal=renewal)
        await repo.save(7, "y0_pasted-token-0123456789", "fp2", "anna")  # /token replaces it
    async with sessions.begin() as session:
        repo = CredentialRepository(session)
        assert await repo.claim_refreshes(NOW + timedelta(days=999), LEASE, 10) == []
