"""login.yandex.ru's "who am I" (`GET /info?format=json`), served by both Yandex fakes.

Header `Authorization: OAuth <token>`; 200 {"id", "login", "client_id", "psuid"}. Yandex does not
document the answer for a bad token, so the fakes choose 401 {"error": "invalid_token",
"error_description": ...} for a missing, unknown, revoked or expired token. Only `format=json`
(the default) is served; the `?oauth_token=` form the docs call insecure is not accepted.
"""

from __future__ import annotations

import json
from dataclasses import dataclass

from fakes.http_base import Request, Response
from fakes.yandex_accounts import Accounts


@dataclass
class InfoFailure:
    """An answer queued by `FakeMetrica.fail_info_next`."""

    status: int
    error: str
    description: str
    remaining: int
    body: bytes | None = None
    delay: float | None = None

    def response(self) -> Response:
        """The injected answer: raw `body` when given, else an OAuth-style error JSON."""
        if self.body is not None:
            return Response(self.status, self.body, {"Content-Type": "text/html; charset=utf-8"})
        return error(self.status, self.error, self.description)


def is_info_path(path: str) -> bool:
    """Whether a request is meant for /info."""
    return path.rstrip("/") == "/info"


def error(status: int, code: str, description: str) -> Response:
    """An error in Yandex ID's shape."""
    body = {"error": code, "error_description": description}
    return Response(status, json.dumps(body).encode(), {"Content-Type": "application/json"})


def info_response(accounts: Accounts, request: Request, token: str | None) -> Response:
    """The answer to one /info request (the caller holds the accounts' lock)."""
    if request.method != "GET":
        return error(405, "invalid_request", "Method not allowed")
    if (request.query.get("format") or "json") != "json":
        return error(400, "invalid_request", "The fake serves format=json only")
    if token is None:
        return error(401, "invalid_token", "OAuth token is missing")
    state = accounts.valid(token)
    if state is None:
        return error(401, "invalid_token", "Invalid or expired token")
    return Response.json(200, accounts.info(state))
