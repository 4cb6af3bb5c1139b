"""State of the fake Yandex OAuth server: device codes, token grants, and what clients asked.

Plain data; FakeYandexOAuth holds its lock around every use. Errors are `OAuthError`, rendered
in Yandex ID's shape {"error", "error_description"}. Times used for rules (expiry, polling
interval) are time.monotonic(); times in records are time.time(), like the Metrica log's.
"""

from __future__ import annotations

import secrets
import string
import time
from dataclasses import dataclass, field

from fakes.http_base import Response
from fakes.yandex_info import error as error_response


class OAuthError(Exception):
    """An error answer of the OAuth server."""

    def __init__(self, status: int, error: str, description: str) -> None:
        super().__init__(description)
        self.status = status
        self.error = error
        self.description = description

    def response(self) -> Response:
        """The HTTP answer."""
        return error_response(self.status, self.error, self.description)


@dataclass
class DeviceCode:
    """One code pair from /device/code and what became of it."""

    device_code: str
    user_code: str
    device_id: str | None
    device_name: str | None
    scopes: frozenset[str]  # requested: scope plus optional_scope, or every scope of the app
    interval: float  # grows by the slow_down step after each slow_down
    expires_at: float
    last_poll: float  # the issue time, then the time of each poll
    state: str = "pending"  # pending -> approved -> used, or denied
    login: str | None = None
    granted: frozenset[str] | None = None

    @property
    def expired(self) -> bool:
        """Whether the pair's lifetime is over."""
        return time.monotonic() >= self.expires_at


@dataclass
class Grant:
    """One authorization of a login: its current refresh token and every access token issued."""

    login: str
    scopes: frozenset[str]
    device_id: str | None
    refresh_token: str
    access_tokens: list[str]
    refresh_expires_at: float | None
    revoked: bool = False

    @property
    def usable(self) -> bool:
        """Whether its refresh token still works."""
        expired = (
            self.refresh_expires_at is not None and time.monotonic() >= self.refresh_expires_at
        )
        return not self.revoked and not expired


@dataclass(frozen=True)
class IssuedTokens:
    """A token pair the fake handed out (device flow, refresh, or `issue_tokens`)."""

    access_token: str
    refresh_token: str
    expires_in: int
    login: str
    scopes: frozenset[str]
    device_id: str | None
    at: float


@dataclass
class OAuthRequest:
    """One request the OAuth fake received (`status` is set once it is answered)."""

    method: str
    path: str
    query: dict[str, str]
    form: dict[str, str]
    basic_auth: bool
    at: float
    status: int | None = None


@dataclass(frozen=True)
class DeviceRequest:
    """One POST /device/code; `user_code` is set when a pair was issued."""

    at: float
    client_id: str | None
    device_id: str | None
    device_name: str | None
    scope: str | None
    optional_scope: str | None
    status: int
    error: str | None
    user_code: str | None


@dataclass(frozen=True)
class TokenPoll:
    """One POST /token with grant_type=device_code.

    `since_previous` is the gap in seconds since the previous poll of the same code (or since
    the code was issued); None for an unknown code. `error` is None when tokens were issued.
    """

    at: float
    user_code: str | None
    since_previous: float | None
    status: int
    error: str | None


@dataclass(frozen=True)
class Refresh:
    """One POST /token with grant_type=refresh_token; `issued` is None when refused."""

    at: float
    refresh_token: str | None
    status: int
    error: str | None
    issued: IssuedTokens | None


@dataclass(frozen=True)
class Revocation:
    """One POST /revoke_token; `revoked` tells whether a live token died by it."""

    at: float
    access_token: str | None
    status: int
    error: str | None
    revoked: bool


@dataclass
class OAuthFailure:
    """An answer queued by `fail_next`."""

    path_contains: str | None
    status: int
    error: str
    description: str
    remaining: int
    body: bytes | None = None

    def response(self) -> Response:
        """The injected answer: raw `body` when given, else Yandex ID's error JSON."""
        if self.body is not None:
            return Response(self.status, self.body, {"Content-Type": "text/html; charset=utf-8"})
        return error_response(self.status, self.error, self.description)


@dataclass
class OAuthWorld:
    """Everything the fake OAuth server knows and saw."""

    codes: dict[str, DeviceCode] = field(default_factory=dict)  # by device_code
    user_codes: dict[str, DeviceCode] = field(default_factory=dict)
    grants: dict[str, Grant] = field(default_factory=dict)  # by current refresh token
    issued: list[IssuedTokens] = field(default_factory=list)
    requests: list[OAuthRequest] = field(default_factory=list)
    device_requests: list[DeviceRequest] = field(default_factory=list)
    polls: list[TokenPoll] = field(default_factory=list)
    refreshes: list[Refresh] = field(default_factory=list)
    revocations: list[Revocation] = field(default_factory=list)
    failures: list[OAuthFailure] = field(default_factory=list)
    client_status: OAuthError | None = None
    serial: int = 0

    def new_code(
        self,
        device_id: str | None,
        device_name: str | None,
        scopes: frozenset[str],
        *,
        interval: float,
        expires_in: float,
    ) -> DeviceCode:
        """Issue a code pair with a fresh unguessable device code and a short user code."""
        user_code = _user_code()
        while user_code in self.user_codes:
            user_code = _user_code()
        now = time.monotonic()
        code = DeviceCode(
            secrets.token_hex(16), user_code, device_id, device_name, scopes,
            interval, now + expires_in, now,
        )  # fmt: skip
        self.codes[code.device_code] = code
        self.user_codes[user_code] = code
        return code

    def new_token_pair(self) -> tuple[str, str]:
        """A fresh access token and refresh token, shaped like Yandex's."""
        self.serial += 1
        access = f"y0_fake{self.serial}_{secrets.token_urlsafe(24)}"
        refresh = f"1:fake{self.serial}:{secrets.token_urlsafe(24)}"
        return access, refresh

    def grant_of(self, access_token: str) -> Grant | None:
        """The grant that issued an access token."""
        return next((g for g in self.grants.values() if access_token in g.access_tokens), None)

    def take_failure(self, path: str) -> OAuthFailure | None:
        """Consume the first queued failure whose substring matches the path."""
        for failure in self.failures:
            if failure.path_contains is None or failure.path_contains in path:
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self.failures.remove(failure)
                return failure
        return None


def _user_code() -> str:
    """Eight lower-case letters, easy to type on the verification page."""
    return "".join(secrets.choice(string.ascii_lowercase) for _ in range(8))
