"""A fake Telegram Bot API server for end-to-end tests and benchmarks.

    with FakeTelegram(token="123456:TEST-token") as telegram:
        telegram.add_user(1001, "Anna")
        # start the bot with TELEGRAM_API_URL=telegram.url ...
        telegram.send_text(1001, 1001, "/start")
        reply = telegram.wait_for_message(1001, contains="/token")

It serves `{url}/bot{token}/{method}` (GET or POST; JSON, urlencoded or multipart parameters)
and answers exactly like Telegram: {"ok": true, "result": ...} or {"ok": false, "error_code",
"description", "parameters"}; files fetched with getFile download from
`{url}/file/bot{token}/{file_path}` (PTB: `Bot(..., base_file_url=f"{url}/file/bot")`).

Where things live: the world model in telegram_world.py (setup helpers: telegram_setup.py),
forum topics in telegram_topics.py, the HTML checks in telegram_html.py, parameter decoding in
telegram_params.py, the methods in telegram_methods.py (sending: telegram_send.py, files:
telegram_file_methods.py and telegram_files.py, profile: telegram_profile.py, chats:
telegram_chat_methods.py), update injection in telegram_inject*.py, observation in
telegram_observe*.py and the records it reads in telegram_records.py.
"""

from __future__ import annotations

import re
import threading
import time
from typing import Any
from urllib.parse import unquote

from fakes.http_base import FakeServer, Request, Response
from fakes.telegram_inject import UpdateInjection
from fakes.telegram_inject_media import MediaInjection
from fakes.telegram_inject_topics import TopicInjection
from fakes.telegram_limits import InjectedFailure, take_failure
from fakes.telegram_methods import BotApiMethods
from fakes.telegram_observe import Observation
from fakes.telegram_observe_calls import CallObservation
from fakes.telegram_observe_media import MediaObservation
from fakes.telegram_params import normalize_params
from fakes.telegram_records import CallRecord
from fakes.telegram_setup import WorldSetup
from fakes.telegram_world import ApiError, World

_PATH = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>[A-Za-z]+)/?$")
_FILE_PATH = re.compile(r"^/file/bot(?P<token>[^/]+)/(?P<path>.+)$")
_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
_WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
DEFAULT_TOKEN = "123456:TEST-token"


class FakeTelegram(
    TopicInjection,
    MediaInjection,
    UpdateInjection,
    CallObservation,
    MediaObservation,
    Observation,
    WorldSetup,
    FakeServer,
):
    """The fake Bot API server; every public method is thread-safe."""

    def __init__(
        self,
        token: str = DEFAULT_TOKEN,
        *,
        bot_username: str = "metrica_calls_bot",
        bot_name: str = "Metrica Calls",
        enforce_limits: bool = False,
        latency: float = 0.0,
    ) -> None:
        super().__init__()
        self.token = token
        self.latency = latency
        bot_user = {
            "id": int(token.split(":", maxsplit=1)[0]),
            "is_bot": True,
            "first_name": bot_name,
            "username": bot_username,
        }
        self.world = World(bot_user)
        self.methods = BotApiMethods(self.world, self.world.push_update)
        self.methods.enforce_limits = enforce_limits
        self._failures: list[InjectedFailure] = []
        self._requests: list[tuple[str, dict[str, Any]]] = []
        self._calls: list[CallRecord] = []  # the same calls, with times and outcomes
        self._held: dict[str, threading.Event] = {}
        self._poll_generation = 0
        self.get_updates_calls = 0
        self.delivered_update_id = 0

    # --- switches ------------------------------------------------------------------------------
    @property
    def enforce_limits(self) -> bool:
        """Whether flood limits answer 429."""
        return self.methods.enforce_limits

    @enforce_limits.setter
    def enforce_limits(self, value: bool) -> None:
        with self.lock:
            self.methods.enforce_limits = value

    def fail_next(
        self,
        method: str,
        *,
        status: int = 500,
        description: str = "Internal Server Error",
        retry_after: int | None = None,
        count: int = 1,
    ) -> None:
        """Answer the next `count` calls of `method` with this error."""
        with self.lock:
            self._failures.append(InjectedFailure(method, status, description, retry_after, count))

    def hold(self, method: str) -> None:
        """Calls of `method` are recorded (wait_for_request sees them) but answer only after
        `release`: a test can act while the bot waits for Telegram, at a point it chose."""
        with self.lock:
            self._held.setdefault(method.lower(), threading.Event())

    def release(self, method: str | None = None) -> None:
        """Let held calls of `method` (of every held method when None) answer."""
        with self.lock:
            names = [method.lower()] if method else list(self._held)
            gates = [self._held.pop(name) for name in names if name in self._held]
        for gate in gates:
            gate.set()

    def stop(self) -> None:
        """Release held calls, then stop serving."""
        self.release()
        super().stop()

    # --- HTTP ----------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        """Serve file downloads, or authenticate, parse parameters, log, then run the method."""
        file_match = _FILE_PATH.match(request.path)
        if file_match is not None and request.method == "GET":
            return self._download(unquote(file_match["token"]), unquote(file_match["path"]))
        match = _PATH.match(request.path)
        if match is None or request.method not in {"GET", "POST"}:
            return _answer(ApiError(404, "Not Found"))
        if match["token"] != self.token:
            return _answer(ApiError(401, "Unauthorized"))
        if self.latency:
            time.sleep(self.latency)
        method = match["method"]
        try:
            params = normalize_params(_raw_params(request))
        except (ApiError, ValueError) as exc:
            error = exc if isinstance(exc, ApiError) else ApiError(400, "Bad Request: bad body")
            return _answer(error)
        with self.changed:
            record = CallRecord(len(self._requests), method, params, time.monotonic())
            self._requests.append((method, params))
            self._calls.append(record)
            self.changed.notify_all()
            failure = take_failure(self._failures, method)
            gate = self._held.get(method.lower())
        if gate is not None:
            gate.wait()
        try:
            if failure is not None:
                raise failure
            if method.lower() == "getupdates":
                response = _answer(None, self._get_updates(params))
            else:
                with self.changed:
                    self.methods.call_index = record.index
                    try:
                        response = _answer(None, self.methods.call(method, params))
                    finally:
                        self.changed.notify_all()
        except ApiError as error:
            self._finish(record, error.description)
            return _answer(error)
        self._finish(record, None)
        return response

    def _finish(self, record: CallRecord, error: str | None) -> None:
        with self.changed:
            record.finished_at, record.error = time.monotonic(), error
            self.changed.notify_all()

    def _download(self, token: str, file_path: str) -> Response:
        """GET {url}/file/bot{token}/{file_path}: the bytes of a file getFile pointed at."""
        if token != self.token:
            return _answer(ApiError(401, "Unauthorized"))
        with self.changed:
            content = self.methods.files.download(file_path)
            self.changed.notify_all()
        if content is None:
            return _answer(ApiError(404, "Not Found"))
        return Response(200, content, {"Content-Type": "application/octet-stream"})

    def _get_updates(self, params: dict[str, Any]) -> list[dict[str, Any]]:
        """Long polling: confirm up to `offset`, then wait up to `timeout` for updates."""
        with self.changed:
            if self.methods.webhook.get("url"):
                raise ApiError(409, _WEBHOOK_CONFLICT)
            self._poll_generation += 1
            generation = self._poll_generation
            self.get_updates_calls += 1
            offset = int(params.get("offset") or 0)
            updates = self.world.updates
            if offset > 0:
                updates[:] = [update for update in updates if update["update_id"] >= offset]
            elif offset < 0:
                updates[:] = updates[offset:]
            limit = min(max(int(params.get("limit") or 100), 1), 100)
            deadline = time.monotonic() + max(0.0, float(params.get("timeout") or 0))
            self.changed.notify_all()
            while True:
                if generation != self._poll_generation:
                    raise ApiError(409, _CONFLICT)
                remaining = deadline - time.monotonic()
                if updates or remaining <= 0 or not self.running:
                    batch = [dict(update) for update in updates[:limit]]
                    if batch:
                        self.delivered_update_id = batch[-1]["update_id"]
                    return batch
                self.changed.wait(remaining)


def _raw_params(request: Request) -> dict[str, Any]:
    """Query parameters merged with the JSON, urlencoded or multipart body."""
    params: dict[str, Any] = dict(request.query)
    if request.content_type == "application/json":
        body = request.json()
        if isinstance(body, dict):
            params.update(body)
    else:
        fields, files = request.form()
        params.update(fields)
        params.update(files)
    return params


def _answer(error: ApiError | None, result: Any = None) -> Response:
    """Telegram's response envelope; the HTTP status equals error_code."""
    if error is not None:
        return Response.json(error.code, error.payload())
    return Response.json(200, {"ok": True, "result": result})
