"""End-to-end harness: the real bot process (`python -m bot`) against local fake servers.

Fixtures:
    fake_telegram  a started FakeTelegram (token TOKEN), stopped after the test
    fake_metrica   a started FakeMetrica, stopped after the test
    bot_process    a factory: bot_process(env=None, *, postgres=False, wait=True) -> BotProcess,
                   started with its environment pointing at the fakes and waiting until it polls;
                   DATA_DIR and the SQLite file (bot.sqlite3) are in tmp_path, the log is
                   tmp_path/bot.log (bot2.log... for further processes in the same test)

At teardown every bot still running gets SIGTERM and must exit with code 0 within 20 s; a bot
that died on its own fails the test. Failures carry the tail of the bot's log.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator, Mapping
from pathlib import Path

import pytest

from fakes.metrica import FakeMetrica
from fakes.telegram import FakeTelegram
from tests.process_env import inherited_environment

TOKEN = "123456:TEST-token"
# A fixed Fernet key (Fernet.generate_key()), so encrypted tokens survive restarts.
SECRET_KEY = "QbT4iFUASe7WFL2JFASCDJhuRA4Sj1fYu7sHPC6pccg="
START_TIMEOUT = 30.0
STOP_TIMEOUT = 20.0
LOG_TAIL_LINES = 80
_E2E_DIR = Path(__file__).parent


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    """Every test under tests/e2e is an e2e test."""
    for item in items:
        if _E2E_DIR in Path(str(item.path)).parents:
            item.add_marker(pytest.mark.e2e)


class BotProcess:
    """One `python -m bot` subprocess; the log accumulates across restarts."""

    def __init__(self, env: dict[str, str], log_path: Path, telegram: FakeTelegram) -> None:
        self.env = env
        self.log_path = log_path
        self.telegram = telegram
        self.process: subprocess.Popen[bytes] | None = None
        self.stopped_by_test = False

    @property
    def pid(self) -> int | None:
        """The current process id (None before the first start)."""
        return self.process.pid if self.process else None

    @property
    def running(self) -> bool:
        """Whether the process is alive."""
        return self.process is not None and self.process.poll() is None

    def start(self, *, wait: bool = True) -> BotProcess:
        """Launch the bot; with `wait`, block until it calls getUpdates (or fail with the log)."""
        assert not self.running, "the bot is already running"
        polls_before = self.telegram.get_updates_calls
        with self.log_path.open("ab") as log:
            log.write(f"\n===== start {time.strftime('%H:%M:%S')} =====\n".encode())
            log.flush()
            self.process = subprocess.Popen(
                [sys.executable, "-m", "bot"],
                cwd=self.env["DATA_DIR"],  # no stray .env file from the repository
                env=self.env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        self.stopped_by_test = False
        if wait:
            self.wait_until_polling(after=polls_before)
        return self

    def wait_until_polling(self, *, after: int = 0, timeout: float = START_TIMEOUT) -> None:
        """Block until getUpdates was called more than `after` times; fail early if it dies."""
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.telegram.wait_until_polling(timeout=0.2, after=after):
                return
            if not self.running:
                code = self.process.returncode if self.process else None
                raise AssertionError(f"bot exited with {code} before polling\n{self.log_tail()}")
        raise AssertionError(f"bot did not call getUpdates within {timeout}s\n{self.log_tail()}")

    def kill(self) -> None:
        """SIGKILL, as a crash or an OOM kill would."""
        self.stopped_by_test = True
        if self.running and self.process:
            self.process.send_signal(signal.SIGKILL)
            self.process.wait(timeout=STOP_TIMEOUT)

    def terminate(self, timeout: float = STOP_TIMEOUT) -> int:
        """SIGTERM and wait; the exit code (AssertionError with the log if it hangs)."""
        assert self.process is not None, "the bot was never started"
        self.stopped_by_test = True
        if self.running:
            self.process.send_signal(signal.SIGTERM)
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
            raise AssertionError(
                f"bot did not exit within {timeout}s of SIGTERM\n{self.log_tail()}"
            ) from None

    def wait_exit(self, timeout: float = STOP_TIMEOUT) -> int:
        """Wait for the bot to exit on its own (e.g. a configuration error); its exit code."""
        assert self.process is not None, "the bot was never started"
        self.stopped_by_test = True
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            raise AssertionError(f"bot still running after {timeout}s\n{self.log_tail()}") from None

    def restart(self, *, wait: bool = True) -> BotProcess:
        """Stop (SIGTERM, expecting exit 0) if running, then start again with the same env."""
        if self.running:
            code = self.terminate()
            assert code == 0, f"bot exited with {code} on SIGTERM\n{self.log_tail()}"
        return self.start(wait=wait)

    def log(self) -> str:
        """Everything the bot wrote to stdout and stderr so far."""
        if not self.log_path.exists():
            return ""
        return self.log_path.read_text(encoding="utf-8", errors="replace")

    def log_tail(self, lines: int = LOG_TAIL_LINES) -> str:
        """The last lines of the log, framed for an assertion message."""
        tail = "\n".join(self.log().splitlines()[-lines:])
        return f"--- last {lines} lines of {self.log_path} ---\n{tail}\n--- end of log ---"


def bot_environment(
    *,
    telegram: FakeTelegram,
    metrica: FakeMetrica,
    data_dir: Path,
    database_url: str,
    extra: Mapping[str, str] | None = None,
) -> dict[str, str]:
    """The process environment: ours, not the developer's bot settings or proxies."""
    inherited = inherited_environment()
    return {
        **inherited,
        "TELEGRAM_BOT_TOKEN": telegram.token,
        "TELEGRAM_API_URL": telegram.url,
        "METRICA_API_URL": metrica.url,
        "LOGIN_API_URL": metrica.url,
        "DATABASE_URL": database_url,
        "BOT_SECRET_KEY": SECRET_KEY,
        "DATA_DIR": str(data_dir),
        "POLL_INTERVAL_SECONDS": "1",
        "IDLE_POLL_INTERVAL_SECONDS": "2",
        "LOG_LEVEL": "DEBUG",
        "PYTHONUNBUFFERED": "1",
        "NO_PROXY": "127.0.0.1,localhost",
        "no_proxy": "127.0.0.1,localhost",
        **(extra or {}),
    }


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    """A fake Bot API server for one test."""
    with FakeTelegram(TOKEN) as fake:
        yield fake


@pytest.fixture
def fake_metrica() -> Iterator[FakeMetrica]:
    """A fake Metrica API server for one test."""
    with FakeMetrica() as fake:
        yield fake


BotFactory = Callable[..., BotProcess]


@pytest.fixture
def bot_process(
    fake_telegram: FakeTelegram, fake_metrica: FakeMetrica, tmp_path: Path
) -> Iterator[BotFactory]:
    """Factory starting the real bot with DATA_DIR=tmp_path (shared by every call in a test)."""
    started: list[BotProcess] = []

    def start(
        env: Mapping[str, str] | None = None, *, postgres: bool = False, wait: bool = True
    ) -> BotProcess:
        data_dir = tmp_path
        log_name = f"bot{len(started) + 1}.log" if started else "bot.log"
        if postgres:
            database_url = os.environ.get("TEST_DATABASE_URL", "")
            if not database_url:
                pytest.skip("TEST_DATABASE_URL is not set (PostgreSQL e2e test)")
        else:
            database_url = f"sqlite+aiosqlite:///{data_dir}/bot.sqlite3"
        bot = BotProcess(
            bot_environment(
                telegram=fake_telegram,
                metrica=fake_metrica,
                data_dir=data_dir,
                database_url=database_url,
                extra=env,
            ),
            tmp_path / log_name,
            fake_telegram,
        )
        started.append(bot)
        return bot.start(wait=wait)

    yield start
    problems = [_stop_at_teardown(bot) for bot in started]
    failures = [problem for problem in problems if problem]
    if failures:
        print("\n\n".join(failures))
        pytest.fail("\n\n".join(failures), pytrace=False)


def _stop_at_teardown(bot: BotProcess) -> str | None:
    """SIGTERM a running bot and expect exit 0; report a bot that died unnoticed."""
    if bot.process is None:
        return None
    if not bot.running:
        code = bot.process.returncode
        if bot.stopped_by_test:
            return None
        return f"bot (pid {bot.pid}) exited on its own with code {code}\n{bot.log_tail()}"
    try:
        code = bot.terminate()
    except AssertionError as error:
        return str(error)
    if code != 0:
        return f"bot (pid {bot.pid}) exited with code {code} on SIGTERM\n{bot.log_tail()}"
    return None
