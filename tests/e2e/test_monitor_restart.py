"""Killing the bot between detecting a change and delivering it loses nothing, doubles nothing."""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from fakes.metrica import FakeMetrica
from fakes.telegram import FakeTelegram
from tests.e2e.conftest import SECRET_KEY, BotFactory
from tests.monitor_seed import ChatSpec, seed_database

pytestmark = pytest.mark.e2e

TOKEN = "y0_token_of_anna"
ANNA = 501
TEAM = -100
SHOP = 11
MONITOR_ENV = {
    "POLL_INTERVAL_SECONDS": "1",
    "IDLE_POLL_INTERVAL_SECONDS": "1",
    "DAILY_QUOTA": "10000000",  # polling every second all day must fit the budget
    "LEASE_SECONDS": "5",  # a killed process's claims are taken over quickly
}


def wait_for(condition, timeout: float = 15.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def test_a_change_detected_before_a_kill_is_delivered_once_after_the_restart(
    fake_telegram: FakeTelegram, fake_metrica: FakeMetrica, bot_process: BotFactory, tmp_path: Path
):
    fake_telegram.add_group(TEAM, "Team", type="group")
    fake_metrica.add_token(TOKEN, [SHOP], login="anna")
    uploading = fake_metrica.add_uploading(SHOP, status="MATCHED")
    seed_database(
        f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3",
        SECRET_KEY,
        token=TOKEN,
        owner=ANNA,
        counters=[(SHOP, "Shop")],
        chats=[ChatSpec(TEAM, "group", "en")],
    )
    bot = bot_process(MONITOR_ENV)
    fake_metrica.wait_for_requests(2, path_contains="/calls_uploadings")  # baseline taken

    fake_telegram.fail_next("sendMessage", status=500)
    fake_metrica.set_status(SHOP, uploading["id"], "PROCESSED")
    fake_telegram.wait_for_request("sendMessage", timeout=15)  # detected, stored, not delivered
    bot.kill()
    assert fake_telegram.sent(TEAM) == []

    bot.start()
    message = fake_telegram.wait_for_message(TEAM, contains="PROCESSED", timeout=20)
    sends = len(fake_telegram.calls("sendMessage"))
    wait_for(lambda: "sent 1 notification" in bot.log())
    time.sleep(2)  # a few more polls and sender passes

    assert "MATCHED" in message["text"]
    assert len(fake_telegram.sent(TEAM)) == 1
    assert len(fake_telegram.calls("sendMessage")) == sends
