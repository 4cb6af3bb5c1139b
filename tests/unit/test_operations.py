"""Operations pieces on their own: JSON log lines, the heartbeat, stop signals, the pump's beat."""

from __future__ import annotations

import json
import logging
import signal
import sys
import threading
from pathlib import Path

import pytest

from bot.config import ConfigError, load_settings
from bot.heartbeat import Heartbeat, read
from bot.logformat import JsonFormatter
from bot.logs import RedactingFilter
from bot.monitor.pump import Pump
from bot.stopping import StopSignal

TOKEN = "123456:ABC-def"


def formatted(message: str, *args: object, **extra: object) -> dict[str, object]:
    record = logging.LogRecord(
        "bot.monitor.poller", logging.WARNING, __file__, 1, message, args, None
    )
    record.__dict__.update(extra)
    RedactingFilter(["s3cr3t-value"]).filter(record)  # the handler's filter runs first
    line = JsonFormatter("host-1-abcd").format(record)
    assert "\n" not in line
    return json.loads(line)


def test_a_json_line_has_the_fields_and_the_ids_the_call_gave() -> None:
    entry = formatted("counter %s: %s", 11, "paused", counter_id=11)

    assert entry == {
        "time": entry["time"],
        "level": "WARNING",
        "logger": "bot.monitor.poller",
        "message": "counter 11: paused",
        "instance": "host-1-abcd",
        "counter_id": 11,
    }
    assert str(entry["time"]).endswith("+00:00")


def test_a_json_line_is_redacted_like_a_text_line() -> None:
    entry = formatted("GET /bot123:AAH-x/getMe with %s and OAuth y0_abc", "s3cr3t-value")
    assert entry["message"] == "GET /bot***/getMe with *** and OAuth ***"


def test_a_json_line_carries_the_exception() -> None:
    try:
        _ = 1 / 0
    except ZeroDivisionError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "failed", None, sys.exc_info())
    entry = json.loads(JsonFormatter("i").format(record))
    assert "ZeroDivisionError: division by zero" in str(entry["exception"])


def test_log_format_and_metrics_port_are_checked(
    monkeypatch: pytest.MonkeyPatch, tmp_path: Path
) -> None:
    monkeypatch.chdir(tmp_path)
    assert load_settings(telegram_bot_token=TOKEN, log_format="JSON").log_format == "json"
    assert load_settings(telegram_bot_token=TOKEN, metrics_port="").metrics_port is None
    with pytest.raises(ConfigError) as caught:
        load_settings(telegram_bot_token=TOKEN, log_format="xml", metrics_port=70000)
    assert sorted(caught.value.problems) == [
        "LOG_FORMAT must be text (the default) or json (one JSON object per line)",
        "METRICS_PORT input should be less than 65536",
    ]


def test_the_heartbeat_is_written_at_most_once_a_second_and_cleared_only_by_its_writer(
    tmp_path: Path,
) -> None:
    now = [100.0]
    mine = Heartbeat(tmp_path / "data", "me", clock=lambda: now[0])
    mine.beat()
    first = mine.path.stat().st_mtime_ns
    mine.path.write_text("me 2020-01-01T00:00:00+00:00\n")  # a marker the next beat replaces
    now[0] += 0.5
    mine.beat()
    assert mine.path.read_text().startswith("me 2020")  # too soon: not rewritten
    now[0] += 0.6
    mine.beat()
    assert not mine.path.read_text().startswith("me 2020")
    assert mine.path.stat().st_mtime_ns >= first

    beat = read(mine.path)
    assert beat is not None
    assert beat.instance == "me"
    assert beat.age < 60
    Heartbeat(tmp_path / "data", "another").clear()
    assert mine.path.exists()
    mine.clear()
    assert read(mine.path) is None


def test_the_first_stop_signal_stops_and_arms_the_deadline_later_ones_are_ignored(
    caplog: pytest.LogCaptureFixture,
) -> None:
    gave_up = threading.Event()
    signals = StopSignal(deadline=0.05, give_up=lambda code: gave_up.set())

    signals.received(signal.SIGTERM)
    signals.received(signal.SIGINT)

    assert signals.requested
    assert "SIGINT while stopping: already stopping" in caplog.text
    assert gave_up.wait(5)  # nothing stopped the process: the deadline fires


async def test_the_pump_beats_after_each_claim_but_not_after_a_failed_one() -> None:
    beats: list[int] = []
    results: list[object] = [RuntimeError("database down"), [], [1]]

    async def claim(free: int) -> list[int]:
        result = results.pop()
        if isinstance(result, Exception):
            raise result
        return result  # type: ignore[return-value]

    async def work(item: int) -> None:
        return None

    pump: Pump[int] = Pump(
        "t", claim=claim, work=work, concurrency=2, interval=1, on_pass=lambda: beats.append(1)
    )
    await pump.run_once()
    await pump.run_once()
    await pump.run_once()

    assert len(beats) == 2
