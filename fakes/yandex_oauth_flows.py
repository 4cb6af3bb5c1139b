"""The endpoints of the fake Yandex OAuth server: device code, token poll, refresh, revoke.

A mixin of `FakeYandexOAuth`; every method runs under its lock and raises `OAuthError`. Tokens
are issued into the shared FakeMetrica (lock order: OAuth, then Metrica; never the reverse), so
FakeMetrica and /info accept them. Choices where Yandex is silent (all HTTP statuses of /token,
slow_down, access_denied) follow RFC 8628 and are listed in FakeYandexOAuth's docstring.
"""

from __future__ import annotations

import math
import time
from typing import Any

from fakes.http_base import Request, Response
from fakes.yandex_oauth_http import check_client, credentials, scopes_param
from fakes.yandex_oauth_tokens import TokenIssuer
from fakes.yandex_oauth_world import (
    DeviceCode,
    DeviceRequest,
    IssuedTokens,
    OAuthError,
    Refresh,
    Revocation,
    TokenPoll,
)

POLL_TOLERANCE = 0.02  # seconds a poll may come early before it counts as too fast


class OAuthFlows(TokenIssuer):
    """/device/code, /token and /revoke_token over `self.world` and `self.metrica`."""

    client_secret: str  # the rest of the knobs are FakeYandexOAuth's (and TokenIssuer's)
    app_scopes: frozenset[str]
    interval: float
    code_expires_in: float
    verification_url: str
    enforce_interval: bool
    slow_down_step: float

    def _device_code(self, request: Request, form: dict[str, str]) -> Response:
        status, error, code = 200, None, None
        try:
            code = self._new_code(credentials(request, form).client_id, form)
            return Response.json(200, self._code_body(code))
        except OAuthError as failure:
            status, error = failure.status, failure.error
            raise
        finally:
            self.world.device_requests.append(
                DeviceRequest(
                    time.time(), form.get("client_id"), form.get("device_id"),
                    form.get("device_name"), form.get("scope"), form.get("optional_scope"),
                    status, error, code.user_code if code else None,
                )
            )  # fmt: skip

    def _new_code(self, client_id: str | None, form: dict[str, str]) -> DeviceCode:
        self._check_status()
        if client_id != self.client_id:
            raise OAuthError(400, "invalid_client", "Client not found")
        device_id, device_name = form.get("device_id"), form.get("device_name")
        if device_id is not None and not _printable(device_id, 6, 50):
            raise OAuthError(400, "invalid_request", "device_id: 6-50 printable ASCII characters")
        if device_name is not None and len(device_name) > 100:
            raise OAuthError(400, "invalid_request", "device_name: at most 100 characters")
        requested = scopes_param(form, "scope") | scopes_param(form, "optional_scope")
        if not requested <= self.app_scopes:
            unknown = " ".join(sorted(requested - self.app_scopes))
            raise OAuthError(400, "invalid_scope", f"Scopes not registered for the app: {unknown}")
        return self.world.new_code(
            device_id,
            device_name if device_id is not None else None,  # ignored without device_id
            requested or self.app_scopes,
            interval=self.interval,
            expires_in=self.code_expires_in,
        )

    def _code_body(self, code: DeviceCode) -> dict[str, Any]:
        return {
            "device_code": code.device_code,
            "user_code": code.user_code,
            "verification_url": self.verification_url,
            "interval": math.ceil(self.interval),
            "expires_in": math.ceil(self.code_expires_in),
        }

    def _token(self, request: Request, form: dict[str, str]) -> Response:
        grant_type = form.get("grant_type")
        if grant_type == "device_code":
            return self._poll(request, form)
        if grant_type == "refresh_token":
            return self._refresh(request, form)
        self._check_client(request, form)
        if grant_type is None:
            raise OAuthError(400, "invalid_request", "grant_type is required")
        raise OAuthError(400, "unsupported_grant_type", f"Unsupported grant_type: {grant_type}")

    def _poll(self, request: Request, form: dict[str, str]) -> Response:
        now = time.monotonic()
        code = self.world.codes.get(form.get("code", ""))
        since = None
        if code is not None:
            since, code.last_poll = now - code.last_poll, now
        status, error = 200, None
        try:
            return Response.json(200, self._poll_answer(request, form, code, since))
        except OAuthError as failure:
            status, error = failure.status, failure.error
            raise
        finally:
            user_code = code.user_code if code else None
            self.world.polls.append(TokenPoll(time.time(), user_code, since, status, error))

    def _poll_answer(
        self, request: Request, form: dict[str, str], code: DeviceCode | None, since: float | None
    ) -> dict[str, Any]:
        self._check_client(request, form)
        if "code" not in form:
            raise OAuthError(400, "invalid_request", "code is required")
        if code is None or since is None:
            raise OAuthError(400, "invalid_grant", "Invalid device code")
        if self.enforce_interval and since < code.interval - POLL_TOLERANCE:
            code.interval += self.slow_down_step  # RFC 8628: the client must slow down for good
            raise OAuthError(400, "slow_down", "Polling too fast")
        if code.expired:
            raise OAuthError(400, "invalid_grant", "Code has expired")
        if code.state == "denied":
            raise OAuthError(400, "access_denied", "The user denied access")
        if code.state == "used":
            raise OAuthError(400, "invalid_grant", "Code has already been used")
        if code.state == "pending" or code.login is None or code.granted is None:
            raise OAuthError(400, "authorization_pending", "User has not yet authorized the app")
        code.state = "used"
        issued = self._issue(code.login, code.granted, code.device_id)
        body = _token_body(issued)
        if code.granted != code.scopes:
            body["scope"] = " ".join(sorted(code.granted))
        return body

    def _refresh(self, request: Request, form: dict[str, str]) -> Response:
        status, error, issued = 200, None, None
        try:
            self._check_client(request, form)
            issued = self._rotate(form.get("refresh_token"))
            return Response.json(200, _token_body(issued))
        except OAuthError as failure:
            status, error = failure.status, failure.error
            raise
        finally:
            refresh = Refresh(time.time(), form.get("refresh_token"), status, error, issued)
            self.world.refreshes.append(refresh)

    def _revoke(self, request: Request, form: dict[str, str]) -> Response:
        status, error, revoked = 200, None, False
        try:
            self._check_client(request, form)
            revoked = self._revoke_token(form.get("access_token"))
            return Response.json(200, {"status": "ok"})
        except OAuthError as failure:
            status, error = failure.status, failure.error
            raise
        finally:
            revocation = Revocation(time.time(), form.get("access_token"), status, error, revoked)
            self.world.revocations.append(revocation)

    def _revoke_token(self, token: str | None) -> bool:
        if token is None:
            raise OAuthError(400, "invalid_request", "access_token is required")
        view = self.metrica.token_view(token)
        if view is None or not view.valid:
            return False  # already invalid: still "ok"
        if view.client_id != self.client_id:
            raise OAuthError(400, "invalid_grant", "Token belongs to another client")
        if view.device_id is None:
            raise OAuthError(400, "unsupported_token_type", "Token was issued without device_id")
        grant = self.world.grant_of(token)
        self._kill(grant.access_tokens if grant else [token], grant)
        return True

    def _check_client(self, request: Request, form: dict[str, str]) -> None:
        check_client(credentials(request, form), self.client_id, self.client_secret)
        self._check_status()

    def _check_status(self) -> None:
        if self.world.client_status is not None:
            raise self.world.client_status


def _token_body(issued: IssuedTokens) -> dict[str, Any]:
    return {
        "token_type": "bearer",
        "access_token": issued.access_token,
        "refresh_token": issued.refresh_token,
        "expires_in": issued.expires_in,
    }


def _printable(value: str, shortest: int, longest: int) -> bool:
    """Whether `value` has an allowed length and only ASCII codes 32-126."""
    return shortest <= len(value) <= longest and all(32 <= ord(char) <= 126 for char in value)
