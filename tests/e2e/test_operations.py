"""Operations: `python -m bot health`, the Prometheus endpoint and JSON logs of the real process."""

from __future__ import annotations

import json
import os
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Callable, Mapping
from pathlib import Path

import httpx
import pytest
from prometheus_client.parser import text_string_to_metric_families

from fakes.metrica import FakeMetrica
from fakes.telegram import FakeTelegram
from tests.e2e.conftest import SECRET_KEY, BotFactory
from tests.monitor_seed import ChatSpec, seed_database

pytestmark = pytest.mark.e2e

ANNA, BORIS = 501, 502
TEAM = ChatSpec(-100, "group", "en")
MONITOR_ENV = {
    "POLL_INTERVAL_SECONDS": "1",
    "IDLE_POLL_INTERVAL_SECONDS": "1",
    "DAILY_QUOTA": "1000000",
}
WAIT = 30.0


def wait_for(condition: Callable[[], object], timeout: float = WAIT, what: str = "") -> object:
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"not met within {timeout}s: {what}"
        time.sleep(0.1)
    return result


def health(env: Mapping[str, str], *args: str) -> tuple[int, str]:
    """Run `python -m bot health` as Docker's HEALTHCHECK would: exit code and its one line."""
    done = subprocess.run(
        [sys.executable, "-m", "bot", "health", *args],
        env=dict(env),
        cwd=env["DATA_DIR"],
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    return done.returncode, (done.stdout + done.stderr).strip()


def watched_counter(telegram: FakeTelegram, metrica: FakeMetrica, data_dir: Path) -> int:
    """A group subscribed to counter 11 (one uploading, MATCHED) in the bot's SQLite file."""
    telegram.add_group(TEAM.id, "Team", type="group")
    metrica.add_token("t-anna", [11])
    uploading = metrica.add_uploading(11, status="MATCHED")
    seed_database(
        f"sqlite+aiosqlite:///{data_dir}/bot.sqlite3",
        SECRET_KEY,
        token="t-anna",
        owner=ANNA,
        counters=[(11, "Shop")],
        chats=[TEAM],
        login="anna",
    )
    return int(uploading["id"])


def test_health_is_0_while_the_bot_runs_and_1_with_the_reason_when_it_stalls(
    fake_telegram: FakeTelegram, bot_process: BotFactory, tmp_path: Path
) -> None:
    bot = bot_process()
    wait_for((tmp_path / "heartbeat").exists, what="the first heartbeat")

    code, line = health(bot.env)
    assert (code, line.split(":")[0]) == (0, "healthy"), line

    assert bot.process is not None
    bot.process.send_signal(signal.SIGSTOP)  # a hung process: alive, doing nothing
    try:
        code, line = wait_for(lambda: _unhealthy(health(bot.env, "--max-age", "2")))  # type: ignore[misc]
        assert code == 1
        assert line.startswith("unhealthy: heartbeat of "), line
        assert line.endswith("s old (limit 2 s)"), line
    finally:
        bot.process.send_signal(signal.SIGCONT)
    wait_for(lambda: health(bot.env)[0] == 0, what="healthy again after SIGCONT")

    assert bot.terminate() == 0, bot.log_tail()
    code, line = health(bot.env)
    assert code == 1
    assert line.startswith("unhealthy: no heartbeat at "), line


def _unhealthy(result: tuple[int, str]) -> tuple[int, str] | None:
    return result if result[0] != 0 else None


def test_health_is_1_when_the_database_does_not_answer(bot_process: BotFactory) -> None:
    bot = bot_process()
    closed = free_port()  # nothing listens there
    env = {**bot.env, "DATABASE_URL": f"postgresql://postgres@127.0.0.1:{closed}/test"}

    code, line = health(env)

    assert code == 1
    assert line.startswith("unhealthy: database does not answer: "), line
    assert "postgres@" not in line  # the URL (it may hold a password) is not printed


def test_health_names_a_configuration_error(tmp_path: Path) -> None:
    env = {key: value for key, value in os.environ.items() if not key.startswith("TELEGRAM_")}
    env["DATA_DIR"] = str(tmp_path)

    code, line = health(env)

    assert (code, line) == (
        1,
        "unhealthy: configuration error: TELEGRAM_BOT_TOKEN is required but not set",
    )


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def scrape(port: int) -> dict[tuple[str, frozenset[tuple[str, str]]], float]:
    """Every sample of the endpoint, by name and labels."""
    text = httpx.get(f"http://127.0.0.1:{port}/metrics", trust_env=False, timeout=10).text
    return {
        (sample.name, frozenset(sample.labels.items())): sample.value
        for family in text_string_to_metric_families(text)
        for sample in family.samples
    }


def value(
    samples: Mapping[tuple[str, frozenset[tuple[str, str]]], float], name: str, **labels: str
):
    return samples.get((name, frozenset(labels.items())))


def test_the_metrics_endpoint_counts_polls_requests_commands_sends_and_429s(
    fake_telegram: FakeTelegram, fake_metrica: FakeMetrica, bot_process: BotFactory, tmp_path: Path
) -> None:
    uploading_id = watched_counter(fake_telegram, fake_metrica, tmp_path)
    fake_metrica.fail_next("/calls_uploadings", status=503)  # the client retries it at once
    port = free_port()
    bot_process({**MONITOR_ENV, "METRICS_PORT": str(port), "METRICS_LISTEN": "127.0.0.1"})
    fake_metrica.wait_for_requests(3, path_contains="/calls_uploadings", timeout=WAIT)
    fake_telegram.add_user(ANNA, "Anna", language_code="en")
    sent = fake_telegram.send_text(ANNA, ANNA, "/help")
    fake_telegram.wait_for_message(ANNA, after=sent["message_id"], timeout=WAIT)

    fake_telegram.fail_next(
        "sendMessage", status=429, description="Too Many Requests: retry after 1", retry_after=1
    )
    fake_metrica.set_status(11, uploading_id, "PROCESSED")
    fake_telegram.wait_for_message(TEAM.id, contains="PROCESSED", timeout=WAIT)

    def settled() -> dict[tuple[str, frozenset[tuple[str, str]]], float] | None:
        # Counters move right after Telegram's answer and the gauges every 10 s: wait for both.
        samples = scrape(port)
        done = (
            value(samples, "metrica_bot_outbox_pending") == 0
            and (value(samples, "metrica_bot_quota_used_today", login="anna") or 0) >= 3
            and value(samples, "metrica_bot_messages_sent_total") == 1
            and value(samples, "metrica_bot_command_duration_seconds_count", command="help") == 1
        )
        return samples if done else None

    samples = wait_for(settled, what="the database gauges refreshed")
    assert isinstance(samples, dict)
    assert value(samples, "metrica_bot_polls_total", outcome="ok") >= 2
    assert value(samples, "metrica_bot_polls_total", outcome="revoked") == 0
    assert (
        value(samples, "metrica_bot_metrica_requests_total", status="503", error="backend_error")
        == 1
    )
    assert value(samples, "metrica_bot_metrica_requests_total", status="200", error="") >= 2
    assert value(samples, "metrica_bot_messages_sent_total") == 1
    assert value(samples, "metrica_bot_notifications_sent_total") == 1
    assert value(samples, "metrica_bot_telegram_429_total", source="notification") == 1
    assert value(samples, "metrica_bot_telegram_429_total", source="reply") == 0
    assert value(samples, "metrica_bot_command_duration_seconds_count", command="help") == 1
    assert value(samples, "metrica_bot_quota_daily_limit") == 1_000_000
    assert value(samples, "metrica_bot_outbox_oldest_pending_age_seconds") == 0
    assert value(samples, "metrica_bot_pending_leases", kind="message") == 0
    assert value(samples, "metrica_bot_pending_leases", kind="counter") is not None


def test_json_logs_are_one_object_per_line_with_ids_and_never_a_token(
    fake_telegram: FakeTelegram, fake_metrica: FakeMetrica, bot_process: BotFactory, tmp_path: Path
) -> None:
    secret = "y0_JsonLogsSecretToken0123456789"
    watched_counter(fake_telegram, fake_metrica, tmp_path)
    fake_metrica.add_token(secret, [12])
    bot = bot_process({**MONITOR_ENV, "LOG_FORMAT": "json", "LOG_LEVEL": "DEBUG"})
    fake_telegram.add_user(BORIS, "Boris", language_code="en")
    fake_telegram.send_text(BORIS, BORIS, f"/token {secret}")
    fake_telegram.wait_for_message(BORIS, contains="Token saved", timeout=WAIT)
    fake_metrica.wait_for_requests(2, path_contains="/calls_uploadings", timeout=WAIT)
    assert bot.terminate() == 0, bot.log_tail()

    lines = [line for line in bot.log().splitlines() if line and not line.startswith("=====")]
    entries = [json.loads(line) for line in lines]  # every line is one JSON object

    assert len(entries) > 10
    for entry in entries:
        assert {"time", "level", "logger", "message", "instance"} <= entry.keys(), entry
    assert len({entry["instance"] for entry in entries}) == 1
    assert any(entry.get("counter_id") == 11 for entry in entries)
    assert secret not in bot.log()
    assert fake_telegram.token.split(":")[1] not in bot.log()


def test_an_unknown_subcommand_is_refused(tmp_path: Path) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "bot", "frobnicate"],
        cwd=tmp_path,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert done.returncode == 2
    assert "unknown command 'frobnicate'" in done.stderr
