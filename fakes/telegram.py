"""A fake Telegram Bot API server for end-to-end tests and benchmarks.

    with FakeTelegram(token="123456:TEST-token") as telegram:
        telegram.add_user(1001, "Anna")
        # start the bot with TELEGRAM_API_URL=telegram.url ...
        telegram.send_text(1001, 1001, "/start")
        reply = telegram.wait_for_message(1001, contains="/token")

It serves `{url}/bot{token}/{method}` (GET or POST; JSON, urlencoded or multipart parameters)
and answers exactly like Telegram: {"ok": true, "result": ...} or {"ok": false, "error_code",
"description", "parameters"}. The world model lives in telegram_world.py, the HTML checks in
telegram_html.py, the methods in telegram_methods.py, update injection in telegram_inject.py.
"""

from __future__ import annotations

import re
import time
from collections.abc import Iterable
from typing import Any

from fakes.http_base import FakeServer, Request, Response
from fakes.telegram_inject import UpdateInjection
from fakes.telegram_limits import InjectedFailure, take_failure
from fakes.telegram_methods import BotApiMethods, normalize_params
from fakes.telegram_observe import Observation
from fakes.telegram_world import ApiError, Chat, World

_PATH = re.compile(r"^/bot(?P<token>[^/]+)/(?P<method>[A-Za-z]+)/?$")
_CONFLICT = (
    "Conflict: terminated by other getUpdates request; "
    "make sure that only one bot instance is running"
)
_WEBHOOK_CONFLICT = (
    "Conflict: can't use getUpdates method while webhook is active; "
    "use deleteWebhook to delete the webhook first"
)
DEFAULT_TOKEN = "123456:TEST-token"


class FakeTelegram(UpdateInjection, Observation, FakeServer):
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

    # --- HTTP ----------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        """Authenticate, parse parameters, log, then run the method."""
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
            self._requests.append((method, params))
            self.changed.notify_all()
            failure = take_failure(self._failures, method)
        try:
            if failure is not None:
                raise failure
            if method.lower() == "getupdates":
                return _answer(None, self._get_updates(params))
            with self.changed:
                try:
                    return _answer(None, self.methods.call(method, params))
                finally:
                    self.changed.notify_all()
        except ApiError as error:
            return _answer(error)

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

    # --- world setup ---------------------------------------------------------------------------
    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot's own User object."""
        return dict(self.world.bot_user)

    def add_user(
        self,
        user_id: int,
        first_name: str = "Test User",
        language_code: str | None = "ru",
        username: str | None = None,
    ) -> dict[str, Any]:
        """A Telegram user; their private chat opens once they write to the bot."""
        with self.lock:
            return dict(self.world.add_user(user_id, first_name, language_code, username))

    def add_group(
        self,
        chat_id: int,
        title: str,
        *,
        type: str = "supergroup",
        admins: Iterable[int] = (),
        bot_is_admin: bool = True,
        username: str | None = None,
    ) -> dict[str, Any]:
        """A group with the bot in it; the first admin is the creator."""
        return self._add_chat(
            chat_id, title, type_=type, admins=admins, bot_is_admin=bot_is_admin, username=username
        )

    def add_channel(
        self,
        chat_id: int,
        title: str,
        username: str | None = None,
        *,
        admins: Iterable[int] = (),
        bot_is_admin: bool = True,
    ) -> dict[str, Any]:
        """A channel, resolvable by "@username" when it has one."""
        return self._add_chat(
            chat_id,
            title,
            type_="channel",
            admins=admins,
            bot_is_admin=bot_is_admin,
            username=username,
        )

    def _add_chat(
        self,
        chat_id: int,
        title: str,
        *,
        type_: str,
        admins: Iterable[int],
        bot_is_admin: bool,
        username: str | None,
    ) -> dict[str, Any]:
        with self.lock:
            admin_ids = list(admins)
            for user_id in admin_ids:
                self.world.user(user_id)
            chat = Chat(
                chat_id,
                type_,
                title=title,
                username=username.lstrip("@") if username else None,
                creator=admin_ids[0] if admin_ids else None,
                admins=set(admin_ids),
                members=set(admin_ids),
                bot_is_admin=bot_is_admin,
            )
            return self.world.add_chat(chat).as_dict()

    def set_bot_admin(self, chat_id: int, is_admin: bool = True) -> None:
        """Promote or demote the bot silently (no update; see my_chat_member for that)."""
        with self.lock:
            self.world.chats[chat_id].bot_is_admin = is_admin

    def block(self, chat_id: int) -> None:
        """The user blocks the bot (private) or the bot is kicked (groups, channels)."""
        with self.lock:
            self.world.chats[chat_id].blocked = True

    def unblock(self, chat_id: int) -> None:
        """Undo `block`."""
        with self.lock:
            self.world.chats[chat_id].blocked = False


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
