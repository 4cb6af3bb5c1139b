"""`make demo`: a scripted session typed into `python -m demo` through standard input."""

from __future__ import annotations

import re
import signal
import subprocess
import sys
import threading
from pathlib import Path

import pytest

from tests.process_env import inherited_environment

pytestmark = pytest.mark.e2e

ROOT = Path(__file__).resolve().parents[2]
START_TIMEOUT = 90.0
REPLY_TIMEOUT = 30.0
NOTIFICATION_TIMEOUT = 60.0


class DemoSession:
    """The demo process, its output collected line by line as it comes."""

    def __init__(self) -> None:
        self.process = subprocess.Popen(
            [sys.executable, "-m", "demo", "--step", "1"],
            cwd=ROOT,
            env={**inherited_environment(), "PYTHONUNBUFFERED": "1"},
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.STDOUT,
            text=True,
            encoding="utf-8",
        )
        self.lines: list[str] = []
        self._changed = threading.Condition()
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            with self._changed:
                self.lines.append(line.rstrip("\n"))
                self._changed.notify_all()
        with self._changed:
            self._changed.notify_all()

    def type(self, line: str) -> int:
        """Type a line; the index of the first output line that may answer it."""
        assert self.process.stdin is not None
        with self._changed:
            mark = len(self.lines)
        self.process.stdin.write(line + "\n")
        self.process.stdin.flush()
        return mark

    def wait_for(self, text: str, *, after: int = 0, timeout: float = REPLY_TIMEOUT) -> int:
        """The index of the first output line from `after` on containing `text`."""

        def found() -> int | None:
            hits = [i for i, line in enumerate(self.lines[after:], after) if text in line]
            return hits[0] if hits else None

        with self._changed:
            ok = self._changed.wait_for(
                lambda: found() is not None or self.process.poll() is not None, timeout
            )
            index = found()
        assert ok, f"no {text!r} within {timeout}s; output:\n{self.output()}"
        assert index is not None, f"the demo exited before {text!r}; output:\n{self.output()}"
        return index

    def output(self) -> str:
        with self._changed:
            return "\n".join(self.lines)

    def interrupt(self, timeout: float = 60.0) -> int:
        """Ctrl-C, and the exit code."""
        self.process.send_signal(signal.SIGINT)
        code = self.process.wait(timeout=timeout)
        self._reader.join(timeout=10)
        return code

    def close(self) -> None:
        """Ctrl-C if still running (the demo stops its bot), SIGKILL only if that hangs."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGINT)
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()


@pytest.fixture
def demo() -> DemoSession:
    session = DemoSession()
    yield session
    session.close()


def test_a_scripted_session_gets_replies_buttons_and_a_notification(demo: DemoSession) -> None:
    ready = demo.wait_for("The demo is ready.", timeout=START_TIMEOUT)
    data_dir = Path(re.search(r"Its database: (\S+)", demo.output())[1])  # type: ignore[index]
    assert data_dir.is_dir()

    saved = demo.wait_for("Token saved", after=demo.type("/token demo"))
    demo.wait_for("(the bot deleted your message in the private chat)", after=ready)
    demo.wait_for("[2] Shop (12345)", after=saved)
    demo.wait_for("Counter Shop (shop.example, 12345) is linked here.", after=demo.type("2"))
    demo.wait_for("Call uploadings of Shop", after=demo.type("/uploadings"))
    demo.wait_for("calls, Tuesday: wrong ClientID column")
    subscribed = demo.wait_for("Subscribed", after=demo.type("/subscribe"))
    notification = demo.wait_for(
        "bot › 📊 Shop (12345)", after=subscribed, timeout=NOTIFICATION_TIMEOUT
    )
    demo.wait_for("Uploading #", after=notification)
    demo.wait_for(":press N, or N", after=demo.type(":help"))
    moved = demo.type(":chat group")
    demo.wait_for("(now in the group: Demo team)", after=moved)
    demo.wait_for("No counters are linked here yet", after=demo.type("/counters"))

    assert demo.interrupt() == 0, demo.output()
    output = demo.output()
    assert "Demo stopped: the bot exited with code 0" in output
    assert not data_dir.exists()
    assert "\x1b[" not in output  # not a terminal: plain text
    assert "Traceback" not in output
