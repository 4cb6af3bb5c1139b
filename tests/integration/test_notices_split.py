"""Notices about many counters at once reach the outbox as several messages that each fit."""

from __future__ import annotations

from datetime import timedelta

import pytest

from bot import access
from bot.clock import utc_now
from bot.crypto import TokenCipher
from bot.monitor import pausing
from bot.storage.credentials import CredentialRepository
from bot.storage.db import SessionFactory
from bot.storage.quota import RequestCountRepository
from bot.texts.markup import fits
from tests.monitor_seed import ChatSpec, outbox_rows, seed_watch

TEAM = ChatSpec(-100, "group", "ru")
COUNTERS = [(10_000 + n, f"Магазин & <{n}> " + "🛒" * 40) for n in range(150)]


async def test_a_quota_notice_about_many_counters_is_split(
    sessions: SessionFactory, cipher: TokenCipher
) -> None:
    credential = await seed_watch(
        sessions, cipher, token="y0_token", owner=501, counters=COUNTERS, chats=[TEAM]
    )
    now = utc_now()

    async with sessions.begin() as session:  # the one login that can poll them spent its share
        stored = await CredentialRepository(session).get(credential)
        assert stored is not None
        await RequestCountRepository(session).add(stored.quota_key, now.date(), "monitor", 10)
        _, told = await pausing.pause_for_quota(
            session, "p1", day=now.date(), allowance=10, until=now + timedelta(hours=1), now=now
        )

    texts = [row.text for row in await outbox_rows(sessions, TEAM.id)]
    assert told == 1
    assert len(texts) > 1
    assert all(fits(text) for text in texts)
    assert all(str(counter_id) in "".join(texts) for counter_id, _ in COUNTERS)


@pytest.mark.parametrize("notice", ["revoked", "unreadable"])
async def test_a_notice_about_many_suspended_links_is_split(
    sessions: SessionFactory, cipher: TokenCipher, notice: str
) -> None:
    credential = await seed_watch(
        sessions, cipher, token="y0_token", owner=501, counters=COUNTERS, chats=[TEAM]
    )
    now = utc_now()

    async with sessions.begin() as session:
        act = access.revoke if notice == "revoked" else access.unreadable
        told = await act(session, credential, now)

    texts = [row.text for row in await outbox_rows(sessions, TEAM.id)]
    assert told == 2  # the chat, and the owner in private
    assert len(texts) > 1
    assert all(fits(text) for text in texts)
    assert all(str(counter_id) in "".join(texts) for counter_id, _ in COUNTERS)
