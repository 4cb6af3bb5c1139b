"""Run modes: a monitor-only process, a webhook process, and two processes on PostgreSQL."""

from __future__ import annotations

import re
import socket
import time
from pathlib import Path

import pytest

from fakes.metrica import FakeMetrica
from fakes.telegram import FakeTelegram
from tests.databases import postgres_database, requires_postgres
from tests.e2e.conftest import SECRET_KEY, BotFactory
from tests.monitor_seed import ChatSpec, seed_database

pytestmark = pytest.mark.e2e

ANNA, BORIS = 501, 502
TEAM = ChatSpec(-100, "group", "en")
SALES = ChatSpec(-200, "supergroup", "ru")
MONITOR_ENV = {
    "POLL_INTERVAL_SECONDS": "1",
    "IDLE_POLL_INTERVAL_SECONDS": "1",
    "DAILY_QUOTA": "10000000",  # polling every second all day must fit the budget
    "LEASE_SECONDS": "5",
}


def wait_for(condition, timeout: float = 20.0) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, "condition not met in time"
        time.sleep(0.05)


def sqlite_url(tmp_path: Path) -> str:
    return f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3"


def test_a_monitor_only_process_delivers_without_asking_for_updates_and_stops_cleanly(
    fake_telegram: FakeTelegram, fake_metrica: FakeMetrica, bot_process: BotFactory, tmp_path: Path
):
    fake_telegram.add_group(TEAM.id, "Team", type="group")
    fake_metrica.add_token("t-anna", [11])
    uploading = fake_metrica.add_uploading(11, status="MATCHED")
    seed_database(
        sqlite_url(tmp_path),
        SECRET_KEY,
        token="t-anna",
        owner=ANNA,
        counters=[(11, "Shop")],
        chats=[TEAM],
    )
    bot = bot_process({**MONITOR_ENV, "RECEIVE_UPDATES": "false"}, wait=False)
    fake_metrica.wait_for_requests(2, path_contains="/calls_uploadings", timeout=20)

    fake_metrica.set_status(11, uploading["id"], "PROCESSED")
    fake_telegram.wait_for_message(TEAM.id, contains="PROCESSED", timeout=15)

    assert fake_telegram.get_updates_calls == 0
    assert bot.terminate() == 0, bot.log_tail()
    assert re.search(r"monitor \S+ stopped", bot.log())


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def test_webhook_mode_registers_the_webhook_and_stops_cleanly(
    fake_telegram: FakeTelegram, bot_process: BotFactory
):
    port = free_port()
    env = {
        "WEBHOOK_URL": f"https://bot.example/hook/{port}",
        "WEBHOOK_LISTEN": "127.0.0.1",
        "WEBHOOK_PORT": str(port),
        "WEBHOOK_SECRET": "s3cret-token",
    }
    bot = bot_process(env, wait=False)

    wait_for(lambda: fake_telegram.webhook.get("url"))

    assert fake_telegram.webhook["url"] == env["WEBHOOK_URL"]
    assert fake_telegram.webhook["secret_token"] == "s3cret-token"
    assert fake_telegram.get_updates_calls == 0
    assert bot.terminate() == 0, bot.log_tail()


@requires_postgres
def test_two_processes_on_postgresql_share_the_work_and_deliver_each_change_once(
    fake_telegram: FakeTelegram, fake_metrica: FakeMetrica, bot_process: BotFactory
):
    fake_telegram.add_group(TEAM.id, "Team", type="group")
    fake_telegram.add_group(SALES.id, "Sales")
    owners = {ANNA: ("t-anna", [11, 12, 13]), BORIS: ("t-boris", [21, 22, 23])}
    uploadings = []
    for token, counters in owners.values():
        fake_metrica.add_token(token, counters)
        uploadings += [(c, fake_metrica.add_uploading(c, status="MATCHED")["id"]) for c in counters]
    with postgres_database() as url:
        for owner, (token, counters) in owners.items():
            seed_database(
                url,
                SECRET_KEY,
                token=token,
                owner=owner,
                counters=[(c, f"Counter {c}") for c in counters],
                chats=[TEAM, SALES],
            )
        env = {**MONITOR_ENV, "DATABASE_URL": url}
        first = bot_process(env)
        second = bot_process({**env, "RECEIVE_UPDATES": "false"}, wait=False)
        fake_metrica.wait_for_requests(12, path_contains="/calls_uploadings", timeout=20)

        with fake_metrica.lock:
            for counter_id, uploading_id in uploadings:
                fake_metrica.set_status(counter_id, uploading_id, "PROCESSED")
        for chat in (TEAM, SALES):
            wait_for(lambda chat=chat: mentions(fake_telegram, chat.id, uploadings) == [1] * 6)
        time.sleep(2)  # more passes of both processes: nothing may be sent twice

        for chat in (TEAM, SALES):
            assert mentions(fake_telegram, chat.id, uploadings) == [1] * 6
        assert first.terminate() == 0, first.log_tail()
        assert second.terminate() == 0, second.log_tail()
    assert "changes" in first.log()
    assert "changes" in second.log()


def mentions(telegram: FakeTelegram, chat_id: int, uploadings: list[tuple[int, int]]) -> list[int]:
    """How many messages in the chat tell each uploading's change to PROCESSED."""
    texts = [m["text"] for m in telegram.sent(chat_id)]
    marker = "№" if chat_id == SALES.id else "#"
    return [sum(f"{marker}{uid}:" in text for text in texts) for _, uid in uploadings]
