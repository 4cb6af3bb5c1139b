"""A fake Yandex OAuth server (oauth.yandex.ru): device-code login, refresh, revoke, and /info.

    with FakeMetrica() as metrica, FakeYandexOAuth(metrica, interval=1) as oauth:
        metrica.add_login("anna", [101])
        # the bot, with OAUTH_URL=oauth.url and LOGIN_API_URL=oauth.url, asks for a code ...
        oauth.approve(oauth.wait_for_user_code(), login="anna")
        # ... its next poll gets tokens that FakeMetrica and /info accept

Implements /work/shared/yandex/OAUTH.md. Where Yandex is silent the fake chooses (RFC 8628 and
RFC 6749 where they speak): every error answers 400 except invalid_client with Basic
credentials (401); `slow_down` for a poll sooner than `interval` after the previous one (or
after the code was issued), and each slow_down adds `slow_down_step` s to that code's interval;
`access_denied` after `deny`; `invalid_grant` for an unknown, expired or used code and for an
unknown, used or revoked refresh token (refreshing kills the old refresh token); revoking an
access token also revokes its grant's refresh token and every access token of that grant.
/device/code needs only a known client_id (checks device_id 6-50 printable ASCII,
device_name <= 100, scopes within `app_scopes`). `GET /info` is FakeMetrica's (same log).
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterable

from fakes.http_base import FakeServer, Request, Response
from fakes.metrica import FakeMetrica
from fakes.yandex_accounts import DEFAULT_SCOPES
from fakes.yandex_info import is_info_path
from fakes.yandex_oauth_flows import OAuthFlows
from fakes.yandex_oauth_http import parse_form
from fakes.yandex_oauth_observe import OAuthObservation
from fakes.yandex_oauth_world import (
    DeviceCode,
    IssuedTokens,
    OAuthError,
    OAuthFailure,
    OAuthRequest,
    OAuthWorld,
)

DEFAULT_CLIENT_ID = "0a1b2c3d4e5f60718293a4b5c6d7e8f9"
DEFAULT_CLIENT_SECRET = "f9e8d7c6b5a4938271605f4e3d2c1b0a"
VERIFICATION_URL = "https://oauth.yandex.ru/device"


class FakeYandexOAuth(OAuthFlows, OAuthObservation, FakeServer):
    """The fake OAuth server; knobs are plain attributes, every public method is thread-safe."""

    def __init__(
        self,
        metrica: FakeMetrica | None = None,
        *,
        client_id: str = DEFAULT_CLIENT_ID,
        client_secret: str = DEFAULT_CLIENT_SECRET,
        app_scopes: Iterable[str] = DEFAULT_SCOPES,
        interval: float = 5,
        code_expires_in: float = 300,
        token_expires_in: float = 31_536_000,
        refresh_expires_in: float | None = None,
        verification_url: str = VERIFICATION_URL,
        enforce_interval: bool = True,
        slow_down_step: float = 5,
        rotate_access_on_refresh: bool = True,
    ) -> None:
        super().__init__()
        self.metrica = metrica if metrica is not None else FakeMetrica()
        self.client_id = client_id
        self.client_secret = client_secret
        self.app_scopes = frozenset(app_scopes)
        self.interval = interval
        self.code_expires_in = code_expires_in
        self.token_expires_in = token_expires_in
        self.refresh_expires_in = refresh_expires_in
        self.verification_url = verification_url
        self.enforce_interval = enforce_interval
        self.slow_down_step = slow_down_step
        self.rotate_access_on_refresh = rotate_access_on_refresh
        self.world = OAuthWorld()
        self._routes: dict[str, Callable[[Request, dict[str, str]], Response]] = {
            "/device/code": self._device_code,
            "/token": self._token,
            "/revoke_token": self._revoke,
        }

    # --- the user's side, and test knobs -------------------------------------------------------
    def approve(
        self,
        user_code: str,
        login: str,
        *,
        scopes: Iterable[str] | None = None,
        counter_ids: Iterable[int] = (),
    ) -> None:
        """The user `login` confirms the code, granting `scopes` (None: all requested).

        `counter_ids` are added to the login's counters at FakeMetrica (see add_login).
        """
        with self.lock:
            code = self._code(user_code)
            if code.expired or code.state != "pending":
                raise ValueError(f"user code {user_code} is {code.state} or expired")
            self.metrica.add_login(login, counter_ids)
            code.state, code.login = "approved", login
            code.granted = frozenset(scopes) if scopes is not None else code.scopes
            self.changed.notify_all()

    def deny(self, user_code: str) -> None:
        """The user refuses: polls of this code answer access_denied."""
        with self.lock:
            self._code(user_code).state = "denied"
            self.changed.notify_all()

    def expire_code(self, user_code: str) -> None:
        """The code pair's lifetime ends now: polls answer invalid_grant."""
        with self.lock:
            self._code(user_code).expires_at = time.monotonic()
            self.changed.notify_all()

    def issue_tokens(
        self,
        login: str,
        *,
        scopes: Iterable[str] | None = None,
        device_id: str | None = "fake-device-0001",
        counter_ids: Iterable[int] = (),
    ) -> IssuedTokens:
        """A token pair for `login` as if a device flow had finished (for pre-linked accounts)."""
        with self.lock:
            self.metrica.add_login(login, counter_ids)
            granted = frozenset(scopes) if scopes is not None else self.app_scopes
            issued = self._issue(login, granted, device_id)
            self.changed.notify_all()
            return issued

    def revoke_login(self, login: str) -> None:
        """The user withdraws the app's access in Yandex ID: every token of this app for `login`
        (access and refresh) dies."""
        with self.lock:
            for grant in self.world.grants.values():
                if grant.login == login:
                    self._kill(grant.access_tokens, grant)
            self.changed.notify_all()

    def set_client_status(
        self, error: str | None, description: str = "Client is not allowed", status: int = 400
    ) -> None:
        """Answer every /device/code, /token and /revoke_token with this error (None: stop).

        For example "unauthorized_client" (app in moderation) or "invalid_client" (app blocked).
        """
        with self.lock:
            self.world.client_status = (
                OAuthError(status, error, description) if error is not None else None
            )

    def fail_next(
        self,
        path_contains: str | None = None,
        *,
        status: int = 500,
        error: str = "server_error",
        description: str = "Internal server error",
        count: int = 1,
        body: bytes | None = None,
    ) -> None:
        """Answer the next `count` matching requests (not /info) with this error or raw `body`."""
        with self.lock:
            self.world.failures.append(
                OAuthFailure(path_contains, status, error, description, count, body)
            )

    # --- HTTP ----------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        """/info goes to FakeMetrica; everything else is logged, then routed."""
        if is_info_path(request.path):
            return self.metrica.serve_info(request, server="oauth")
        entry = OAuthRequest(
            request.method,
            request.path,
            dict(request.query),
            {},
            request.headers.get("authorization", "").lower().startswith("basic "),
            time.time(),
        )
        with self.changed:
            self.world.requests.append(entry)
            try:
                response = self._answer(request, entry)
            except OAuthError as error:
                response = error.response()
            entry.status = response.status
            self.changed.notify_all()
        return response

    def _answer(self, request: Request, entry: OAuthRequest) -> Response:
        failure = self.world.take_failure(request.path)
        if failure is not None:
            return failure.response()
        route = self._routes.get(request.path.rstrip("/"))
        if route is None:
            raise OAuthError(404, "not_found", "Unknown endpoint")
        if request.method != "POST":
            raise OAuthError(405, "invalid_request", "Use POST")
        entry.form = parse_form(request)
        return route(request, entry.form)

    def _code(self, user_code: str) -> DeviceCode:
        try:
            return self.world.user_codes[user_code]
        except KeyError:
            raise KeyError(f"no device code with user code {user_code!r}") from None
