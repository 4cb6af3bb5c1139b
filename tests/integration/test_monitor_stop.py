"""The monitor stops within the bot's stop deadline, whoever holds SQLite's write lock."""

from __future__ import annotations

import asyncio
import sqlite3
from pathlib import Path

import pytest
from sqlalchemy.engine import make_url
from telegram import Bot

from bot.monitor.runner import STOP_GRACE, Monitor
from bot.stopping import STOP_DEADLINE
from tests.monitor_harness import BOT_TOKEN, close_services, fast_services, monitor_settings

# What the monitor may take of the deadline when nothing is left to finish: not the grace.
STOP_BUDGET = STOP_DEADLINE - STOP_GRACE


async def test_a_stop_while_another_connection_holds_the_write_lock_ends_without_it(
    sqlite_database_url: str, tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    settings = monitor_settings(sqlite_database_url, tmp_path, metrica_url="http://127.0.0.1:9")
    services = await fast_services(settings)
    monitor = Monitor(services, Bot(BOT_TOKEN), owner="stopping")
    holder = sqlite3.connect(
        str(make_url(sqlite_database_url).database), timeout=0, isolation_level=None
    )
    try:
        await monitor.start()
        await asyncio.sleep(0)  # the loops begin their first claims
        holder.execute("BEGIN IMMEDIATE")  # another process, mid-transaction for long
        # The claims wait for the lock: cancelled at once. The release waited the 30 s busy
        # timeout, past the deadline; now it gives up and the leases expire by themselves.
        async with asyncio.timeout(STOP_BUDGET):
            await monitor.stop()
        assert "could not release leases at stop" in caplog.text
    finally:
        holder.close()
        await close_services(services)
