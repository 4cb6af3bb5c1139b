"""The real bot (`python -m bot`) as a child process pointed at the fakes, its log in a file."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

from cryptography.fernet import Fernet

STOP_TIMEOUT = 30.0
# The developer's own bot settings and proxies must not reach the demo's bot.
_THEIRS = ("TELEGRAM_", "METRICA_", "WEBHOOK_", "BOT_", "DATABASE_", "METRICS_", "LOG_")
_NAMES = {
    "LOGIN_API_URL",
    "COMMANDS_PER_MINUTE",
    "DATA_DIR",
    "POLL_INTERVAL_SECONDS",
    "IDLE_POLL_INTERVAL_SECONDS",
    "STUCK_AFTER_MINUTES",
    "DAILY_QUOTA",
    "QUOTA_SHARE",
    "RECEIVE_UPDATES",
    "LEASE_SECONDS",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
}


# On Linux the bot gets SIGTERM when the demo dies, even by SIGKILL (PR_SET_PDEATHSIG, set in
# the child itself before it becomes the bot: the demo has threads, so no preexec_fn).
_ORPHAN_GUARD = """
import ctypes, os, signal, sys
ctypes.CDLL(None, use_errno=True).prctl(1, signal.SIGTERM)
if os.getppid() != int(sys.argv[1]):
    sys.exit(0)
os.execv(sys.executable, [sys.executable, "-m", "bot"])
"""


def _command() -> list[str]:
    if sys.platform.startswith("linux"):
        return [sys.executable, "-c", _ORPHAN_GUARD, str(os.getpid())]
    return [sys.executable, "-m", "bot"]


class BotProcess:
    """Start, watch and stop the bot."""

    def __init__(self, *, telegram_url: str, token: str, metrica_url: str, data_dir: Path) -> None:
        self.data_dir = data_dir
        self.log_path = data_dir / "bot.log"
        self._env = {
            **_inherited(),
            "TELEGRAM_BOT_TOKEN": token,
            "TELEGRAM_API_URL": telegram_url,
            "METRICA_API_URL": metrica_url,
            # Where a bot that learns a token's login asks (the fake Metrica serves /info too);
            # ignored by a bot without that setting. Nothing may reach the internet.
            "LOGIN_API_URL": metrica_url,
            "DATA_DIR": str(data_dir),
            "DATABASE_URL": f"sqlite+aiosqlite:///{data_dir / 'bot.sqlite3'}",
            "BOT_SECRET_KEY": Fernet.generate_key().decode(),
            "POLL_INTERVAL_SECONDS": "2",
            "IDLE_POLL_INTERVAL_SECONDS": "4",
            "DAILY_QUOTA": "1000000",  # polling every 2 s all day must fit the budget
            "PYTHONUNBUFFERED": "1",
            "NO_PROXY": "127.0.0.1,localhost",
            "no_proxy": "127.0.0.1,localhost",
        }
        self._process: subprocess.Popen[bytes] | None = None

    def start(self) -> None:
        """Launch it in its own session: Ctrl-C reaches the demo, which stops the bot in order."""
        with self.log_path.open("ab") as log:
            self._process = subprocess.Popen(
                _command(),
                cwd=self.data_dir,  # no .env of the repository
                env=self._env,
                stdin=subprocess.DEVNULL,
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )

    @property
    def exit_code(self) -> int | None:
        """None while it runs."""
        return self._process.poll() if self._process else None

    def wait_until(self, ready: Callable[[], bool], timeout: float) -> bool:
        """Block until `ready()` (False if the bot exits or time runs out first)."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if ready():
                return True
            if self.exit_code is not None:
                return False
            time.sleep(0.1)
        return False

    def stop(self) -> int | None:
        """SIGTERM and wait for the clean stop (SIGKILL if it hangs); the exit code."""
        process = self._process
        if process is None:
            return None
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)
        try:
            return process.wait(timeout=STOP_TIMEOUT)
        except subprocess.TimeoutExpired:
            process.kill()
            return process.wait()

    def log_tail(self, lines: int) -> list[str]:
        """The last lines of the bot's log."""
        if not self.log_path.exists():
            return []
        return self.log_path.read_text(encoding="utf-8", errors="replace").splitlines()[-lines:]


def _inherited() -> dict[str, str]:
    return {
        key: value
        for key, value in os.environ.items()
        if not key.upper().startswith(_THEIRS) and key.upper() not in _NAMES
    }
