"""SIGTERM at any point of start-up: exit code 0, nothing left half-done, leases released.

Each test holds one Telegram call of the start-up (the fake answers it only when released), so
the signal lands at a known step, never by luck of timing.
"""

from __future__ import annotations

import asyncio
import signal
import sqlite3
from pathlib import Path

import asyncpg
import pytest
from sqlalchemy.engine import make_url

from bot.storage.migrate import MIGRATION_LOCK
from fakes.metrica import FakeMetrica
from fakes.telegram import FakeTelegram
from tests.databases import postgres_database, requires_postgres
from tests.e2e.conftest import SECRET_KEY, BotFactory, BotProcess
from tests.e2e.test_monitor_processes import free_port, wait_for
from tests.monitor_seed import ChatSpec, seed_database

pytestmark = pytest.mark.e2e

ANNA = 501
TEAM = ChatSpec(-100, "group", "en")
SHOP = 11
BROKEN = ("Traceback", "Event loop stopped before Future completed", "Task was destroyed")


def webhook_env() -> dict[str, str]:
    port = free_port()
    return {
        "WEBHOOK_URL": f"https://bot.example/hook/{port}",
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
    }


def stop_while_held(
    telegram: FakeTelegram, bot: BotProcess, method: str, metrica: FakeMetrica | None = None
) -> int:
    """Wait until the bot is inside `method`, SIGTERM it once, let the calls answer; exit code."""
    telegram.wait_for_request(method, timeout=30)
    assert bot.process is not None
    bot.process.send_signal(signal.SIGTERM)
    telegram.release(method)
    if metrica is not None:
        metrica.resume()
    return bot.wait_exit()


def assert_clean(bot: BotProcess, code: int) -> None:
    log = bot.log()
    assert code == 0, bot.log_tail()
    assert not [marker for marker in BROKEN if marker in log], bot.log_tail()


@pytest.mark.parametrize(
    ("mode", "method"),
    [
        ("polling", "getMe"),  # initialising the bot
        ("polling", "setMyCommands"),  # post_init: the menus, the monitor
        ("polling", "deleteWebhook"),  # starting to poll
        ("webhook", "getMe"),
        ("webhook", "setWebhook"),  # the webhook server is being set up
    ],
)
def test_a_stop_signal_at_each_step_of_start_up_exits_cleanly(
    fake_telegram: FakeTelegram, bot_process: BotFactory, mode: str, method: str
) -> None:
    fake_telegram.hold(method)
    bot = bot_process(webhook_env() if mode == "webhook" else None, wait=False)

    code = stop_while_held(fake_telegram, bot, method)

    assert_clean(bot, code)


def test_a_stop_signal_right_after_the_webhook_is_set_exits_cleanly(
    fake_telegram: FakeTelegram, bot_process: BotFactory
) -> None:
    bot = bot_process(webhook_env(), wait=False)
    fake_telegram.wait_for_request("setWebhook", timeout=30)

    code = bot.terminate()

    assert_clean(bot, code)


def test_a_stop_signal_while_the_first_poll_is_in_flight_releases_its_lease(
    fake_telegram: FakeTelegram, fake_metrica: FakeMetrica, bot_process: BotFactory, tmp_path: Path
) -> None:
    fake_telegram.add_group(TEAM.id, "Team", type="group")
    fake_metrica.add_token("t-anna", [SHOP])
    fake_metrica.add_uploading(SHOP, status="MATCHED")
    database = tmp_path / "bot.sqlite3"
    seed_database(
        f"sqlite+aiosqlite:///{database}",
        SECRET_KEY,
        token="t-anna",
        owner=ANNA,
        counters=[(SHOP, "Shop")],
        chats=[TEAM],
    )
    fake_metrica.pause()  # the poll stays in flight, its counter leased
    fake_telegram.hold("setWebhook")  # and start-up stays in the middle
    bot = bot_process(webhook_env(), wait=False)
    fake_metrica.wait_for_requests(1, path_contains="/calls_uploadings", timeout=30)
    assert leases(database) == [True]

    code = stop_while_held(fake_telegram, bot, "setWebhook", fake_metrica)

    assert_clean(bot, code)
    assert leases(database) == [False]


def leases(database: Path) -> list[bool]:
    """Whether each counter is leased by some process."""
    with sqlite3.connect(database) as connection:
        rows = connection.execute("SELECT lease_owner FROM counters ORDER BY id").fetchall()
    return [owner is not None for (owner,) in rows]


@requires_postgres
def test_a_stop_signal_while_another_process_migrates_exits_cleanly_without_starting(
    fake_telegram: FakeTelegram, bot_process: BotFactory
) -> None:
    with postgres_database() as url:
        dsn = make_url(url).set(drivername="postgresql").render_as_string(hide_password=False)
        loop = asyncio.new_event_loop()  # the lock's connection lives on this loop
        holder = loop.run_until_complete(asyncpg.connect(dsn))
        try:
            loop.run_until_complete(holder.execute(f"SELECT pg_advisory_lock({MIGRATION_LOCK})"))
            bot = bot_process({"DATABASE_URL": url}, wait=False)
            wait_for(lambda: waiting_for_advisory_locks(dsn) == 1, timeout=30)
            assert bot.process is not None
            bot.process.send_signal(signal.SIGTERM)
        finally:
            loop.run_until_complete(holder.close())  # "the other process" is done migrating
            loop.close()

        code = bot.wait_exit()

    assert_clean(bot, code)
    assert "not starting" in bot.log()
    assert fake_telegram.requests == []


def waiting_for_advisory_locks(dsn: str) -> int:
    """Sessions of the database waiting for an advisory lock."""

    async def count() -> int:
        connection = await asyncpg.connect(dsn)
        try:
            return int(
                await connection.fetchval(
                    "SELECT count(*) FROM pg_locks l JOIN pg_database d ON d.oid = l.database "
                    "WHERE l.locktype = 'advisory' AND NOT l.granted "
                    "AND d.datname = current_database()"
                )
            )
        finally:
            await connection.close()

    return asyncio.run(count())
