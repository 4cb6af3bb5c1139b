"""Notices about many counters at once reach the outbox as several messages that each fit."""

from __future__ import annotations

from datetime import timedelta

from bot.clock import utc_now
from bot.crypto import TokenCipher
from bot.monitor import pausing
from bot.storage.db import SessionFactory
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

    async with sessions.begin() as session:
        told = await pausing.pause_for_quota(
            session, credential, until=now + timedelta(hours=1), resets_at=now, now=now
        )

    texts = [row.text for row in await outbox_rows(sessions, TEAM.id)]
    assert told == 1
    assert len(texts) > 1
    assert all(fits(text) for text in texts)
    assert all(str(counter_id) in "".join(texts) for counter_id, _ in COUNTERS)
