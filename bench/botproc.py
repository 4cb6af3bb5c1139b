"""The real bot (`python -m bot`) as a process against the fakes, as tests/e2e starts it.

The fakes run in threads of the benchmark process; the bot's CPU and memory are read from
/proc for its own process only.
"""

from __future__ import annotations

import signal
import subprocess
import tempfile
import time
from collections.abc import Mapping
from pathlib import Path

from bench.common import (
    SECRET_KEY,
    process_cpu_seconds,
    process_peak_rss_mb,
    process_thread_cpu,
    python,
)
from fakes.metrica import FakeMetrica
from fakes.telegram import FakeTelegram
from tests.process_env import inherited_environment

START_TIMEOUT = 60.0
STOP_TIMEOUT = 20.0


class BotProcess:
    """One `python -m bot` with its own data directory and log file."""

    def __init__(
        self,
        telegram: FakeTelegram,
        metrica: FakeMetrica,
        database_url: str,
        env: Mapping[str, str] | None = None,
        name: str = "bot",
    ) -> None:
        self.telegram = telegram
        self.data_dir = Path(tempfile.mkdtemp(prefix=f"bench-{name}-"))
        self.log_path = self.data_dir / f"{name}.log"
        inherited = inherited_environment()
        self.env = {
            **inherited,
            "TELEGRAM_BOT_TOKEN": telegram.token,
            "TELEGRAM_API_URL": telegram.url,
            "METRICA_API_URL": metrica.url,
            "LOGIN_API_URL": metrica.url,
            "DATABASE_URL": database_url,
            "BOT_SECRET_KEY": SECRET_KEY,
            "DATA_DIR": str(self.data_dir),
            "LOG_LEVEL": "INFO",
            "PYTHONUNBUFFERED": "1",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
            **(env or {}),
        }
        self.process: subprocess.Popen[bytes] | None = None

    @property
    def pid(self) -> int:
        assert self.process is not None
        return self.process.pid

    def start(self, *, wait_for_polling: bool = True) -> BotProcess:
        """Launch; wait until it asks Telegram for updates (or, if it does not, has started)."""
        polls_before = self.telegram.get_updates_calls
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(
                [python(), "-m", "bot"],
                cwd=self.data_dir,
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        deadline = time.monotonic() + START_TIMEOUT
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"bot exited with {self.process.returncode}\n{self.tail()}")
            if wait_for_polling and self.telegram.wait_until_polling(0.2, after=polls_before):
                return self
            if not wait_for_polling and "monitor started" in self.log():
                return self
            time.sleep(0.05)
        raise RuntimeError(f"bot did not start within {START_TIMEOUT}s\n{self.tail()}")

    def cpu_seconds(self) -> float:
        return process_cpu_seconds(self.pid)

    def thread_cpu(self) -> tuple[float, float]:
        """CPU seconds of the event-loop thread and of the other live threads (aiosqlite's)."""
        return process_thread_cpu(self.pid)

    def peak_rss_mb(self) -> float:
        return process_peak_rss_mb(self.pid)

    def stop(self) -> int | None:
        """SIGTERM, then SIGKILL if it does not exit in time; the exit code (None if killed)."""
        if self.process is None or self.process.poll() is not None:
            return None if self.process is None else self.process.returncode
        self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            return None

    def log(self) -> str:
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def tail(self, lines: int = 40) -> str:
        return "\n".join(self.log().splitlines()[-lines:])

    def count_in_log(self, text: str) -> int:
        return self.log().count(text)
