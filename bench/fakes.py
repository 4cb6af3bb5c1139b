"""The test fakes, made for measuring: timestamps, bulk seeding, and a home in another process.

`RemoteFake` runs a fake server in a spawned child process and forwards calls to it, so the
fake's CPU (and GIL) is not counted as the bot's when the bot is measured in this process.
`TimedTelegram` records when each message was accepted or refused; `BulkMetrica` seeds
thousands of counters at once.
"""

from __future__ import annotations

import importlib
import json
import multiprocessing
import re
import threading
import time
import traceback
from collections.abc import Iterable
from typing import Any, Self

from bench.common import process_cpu_seconds
from fakes.http_base import FakeServer, Request, Response, _Handler, _QuietServer
from fakes.metrica import FakeMetrica
from fakes.telegram import FakeTelegram

_METHOD = re.compile(r"^/bot[^/]+/(?P<method>[A-Za-z]+)/?$")
_CREATE_TIME = "2026-01-01T00:00:00Z"


class _DeepBacklog(_QuietServer):
    """A listen backlog for bursts: with the default 5, a burst of new connections loses SYNs
    and those clients wait a whole second to retry, which no real API makes them do."""

    request_queue_size = 1024


class DeepBacklog(FakeServer):
    """A FakeServer whose start() is FakeServer's, with a deep listen backlog."""

    def start(self) -> Self:
        if self._server is not None:
            return self
        handler = type("Handler", (_Handler,), {"fake": self})
        server = self._server = _DeepBacklog(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}-server",
            daemon=True,
        )
        self._thread.start()
        return self


class TimedTelegram(DeepBacklog, FakeTelegram):
    """FakeTelegram that keeps (wall time, chat id, HTTP status) of every sendMessage."""

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        self.sends: list[tuple[float, int, int]] = []
        self.texts: list[tuple[float, int, str]] = []

    def handle(self, request: Request) -> Response:
        response = super().handle(request)
        match = _METHOD.match(request.path)
        if match and match["method"].lower() == "sendmessage":
            at, chat_id, text = time.time(), 0, ""
            if response.status == 200:
                result = json.loads(response.body)["result"]
                chat_id, text = result["chat"]["id"], result.get("text", "")
            with self.lock:
                self.sends.append((at, chat_id, response.status))
                if response.status == 200:
                    self.texts.append((at, chat_id, text))
        return response

    def send_log(self) -> list[tuple[float, int, int]]:
        """Every sendMessage answer so far: (time.time(), chat id or 0, status)."""
        with self.lock:
            return list(self.sends)

    def delivered(self) -> list[tuple[float, int, str]]:
        """Every accepted sendMessage: (time.time(), chat id, visible text)."""
        with self.lock:
            return list(self.texts)


class BulkMetrica(DeepBacklog, FakeMetrica):
    """FakeMetrica with bulk seeding: whole tokens with their counters and uploadings."""

    def seed(
        self,
        tokens: dict[str, list[int]],
        uploadings: dict[int, list[tuple[int, str]]],
    ) -> None:
        """Tokens (each seeing its counters) and, per counter, (uploading id, status) pairs."""
        with self.lock:
            world = self.world
            for token, counter_ids in tokens.items():
                self.add_token(token, counter_ids)
            for counter_id, items in uploadings.items():
                world.add_counter(counter_id)
                world.uploadings[counter_id] = {
                    uid: _uploading(uid, status) for uid, status in items
                }

    def set_statuses(self, changes: Iterable[tuple[int, int, str]]) -> int:
        """Move many uploadings at once: (counter id, uploading id, status); how many moved."""
        moved = 0
        with self.lock:
            for counter_id, uploading_id, status in changes:
                self.world.uploadings[counter_id][uploading_id]["status"] = status
                moved += 1
        return moved

    def list_requests(self, since: float = 0.0) -> list[tuple[float, str, int | None]]:
        """(time, path, status) of the calls_uploadings requests received after `since`."""
        with self.lock:
            return [
                (r.at, r.path, r.status)
                for r in self._log
                if r.at >= since and r.path.endswith("calls_uploadings")
            ]


def _uploading(uploading_id: int, status: str) -> dict[str, Any]:
    return {
        "id": uploading_id,
        "create_time": _CREATE_TIME,
        "source_quantity": 10,
        "line_quantity": 10,
        "comment": "",
        "client_id_type": "CLIENT_ID",
        "status": status,
        "static_calls_quantity": 0,
        "dynamic_calls_quantity": 10,
    }


# --- a fake in another process -------------------------------------------------------------
def _load(path: str) -> Any:
    module, _, name = path.rpartition(".")
    return getattr(importlib.import_module(module), name)


def _serve(conn: Any, factory: str, kwargs: dict[str, Any]) -> None:
    fake = _load(factory)(**kwargs).start()
    conn.send(fake.url)
    while True:
        try:
            op, name, args, kw = conn.recv()
        except EOFError:
            break
        if op == "stop":
            break
        try:
            if op == "run":
                result = _load(name)(fake, *args, **kw)
            else:
                attribute = getattr(fake, name)
                result = attribute(*args, **kw) if callable(attribute) else attribute
            conn.send(("ok", result))
        except Exception as exc:
            conn.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
    fake.stop()
    conn.send(("ok", None))


class RemoteFake:
    """A fake server (by class path) serving from a spawned child process."""

    def __init__(self, factory: str, **kwargs: Any) -> None:
        self._factory = factory
        self._kwargs = kwargs
        self._conn: Any = None
        self._process: Any = None
        self.url = ""

    def start(self) -> RemoteFake:
        context = multiprocessing.get_context("spawn")
        self._conn, child = context.Pipe()
        self._process = context.Process(
            target=_serve, args=(child, self._factory, self._kwargs), daemon=True
        )
        self._process.start()
        self.url = self._conn.recv()
        return self

    def call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        """Call a method of the fake (or read an attribute) in the child."""
        return self._ask("call", name, args, kwargs)

    def run(self, function: str, *args: Any, **kwargs: Any) -> Any:
        """Run `function(fake, *args)` (a dotted path) in the child."""
        return self._ask("run", function, args, kwargs)

    def cpu_seconds(self) -> float:
        """CPU the child has used so far."""
        return process_cpu_seconds(self._process.pid)

    def _ask(self, op: str, name: str, args: tuple[Any, ...], kwargs: dict[str, Any]) -> Any:
        self._conn.send((op, name, args, kwargs))
        status, value = self._conn.recv()
        if status != "ok":
            raise RuntimeError(f"fake {name} failed: {value}")
        return value

    def stop(self) -> None:
        if self._process is None:
            return
        try:
            self._conn.send(("stop", "", (), {}))
            self._conn.recv()
        except (EOFError, OSError):
            pass
        self._process.join(timeout=10)
        if self._process.is_alive():
            self._process.kill()
        self._process = None

    def __enter__(self) -> RemoteFake:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
