"""Yandex OAuth (oauth.yandex.ru): device-code login, token refresh, revoke.

The contract is /work/shared/yandex/OAUTH.md. App credentials go in the form body; every call
is a POST of a URL-encoded form. Errors, one tree:

OAuthError(message, code, status_code)
 ├── OAuthPending        authorization_pending: the user has not confirmed yet, poll again
 ├── OAuthSlowDown       slow_down: poll again, 5 s less often for good
 ├── OAuthGrantFailed    invalid_grant, access_denied, expired_token, invalid_scope,
 │                       bad_verification_code: final for this code (or refresh token)
 ├── OAuthClientRefused  invalid_client, unauthorized_client: the operator's app is unusable
 ├── OAuthUnavailable    5xx, timeouts, network, an answer that is not the expected JSON
 └── OAuthBadRequest     anything else (invalid_request, unsupported_*...): a bug of ours

Every secret it receives or sends (device codes, tokens) is passed to `seen` first, so logs
mask it; messages never hold one.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

import httpx

from bot.http import create_http_client

SCOPES = ("metrika:read", "metrika:offline_data")
UPLOAD_SCOPES = frozenset({"metrika:offline_data", "metrika:write"})  # either lets upload


class OAuthError(Exception):
    """Yandex OAuth did not give what was asked."""

    def __init__(self, message: str, *, code: str | None = None, status_code: int | None = None):
        super().__init__(message)
        self.code = code
        self.status_code = status_code


class OAuthPending(OAuthError):
    """The user has not confirmed the code yet."""


class OAuthSlowDown(OAuthError):
    """Polled too often."""


class OAuthGrantFailed(OAuthError):
    """The code or refresh token is dead: denied, expired, used, revoked."""


class OAuthClientRefused(OAuthError):
    """The operator's app is unknown, blocked, in moderation, or its secret is wrong."""


class OAuthUnavailable(OAuthError):
    """Yandex OAuth failed for now."""


class OAuthBadRequest(OAuthError):
    """Yandex OAuth says our request is malformed."""


_BY_CODE: dict[str, type[OAuthError]] = {
    "authorization_pending": OAuthPending,
    "slow_down": OAuthSlowDown,
    "invalid_grant": OAuthGrantFailed,
    "access_denied": OAuthGrantFailed,
    "expired_token": OAuthGrantFailed,
    "invalid_scope": OAuthGrantFailed,
    "bad_verification_code": OAuthGrantFailed,
    "invalid_client": OAuthClientRefused,
    "unauthorized_client": OAuthClientRefused,
}


@dataclass(frozen=True, slots=True)
class DeviceCode:
    """A code pair: `user_code` and `verification_url` are shown, `device_code` never."""

    device_code: str
    user_code: str
    verification_url: str
    interval: int
    expires_in: int


@dataclass(frozen=True, slots=True)
class TokenPair:
    """Tokens from a finished login or a refresh; `scopes` None: all that were asked."""

    access_token: str
    refresh_token: str | None
    expires_in: int | None
    scopes: frozenset[str] | None = None


def create_oauth_http(
    base_url: str, *, timeout: float = 10.0, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """The one long-lived httpx client for the OAuth host."""
    return create_http_client(base_url, timeout=timeout, transport=transport)


class OAuthClient:
    """The four calls the bot makes, with the operator's app credentials."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        client_id: str,
        client_secret: str,
        *,
        seen: Callable[[str], None] = lambda secret: None,
    ) -> None:
        self._http = http
        self._client_id = client_id
        self._secret = client_secret
        self._seen = seen

    async def device_code(self, device_id: str, device_name: str) -> DeviceCode:
        """A new code pair for this device, asking for SCOPES."""
        form = {"client_id": self._client_id, "device_id": device_id, "device_name": device_name}
        body = await self._post("/device/code", {**form, "scope": " ".join(SCOPES)})
        try:
            device_code = str(body["device_code"])
            self._seen(device_code)
            return DeviceCode(
                device_code,
                str(body["user_code"]),
                str(body["verification_url"]),
                max(1, int(body.get("interval", 5))),
                max(1, int(body["expires_in"])),
            )
        except (KeyError, TypeError, ValueError):
            raise OAuthUnavailable("the code answer lacks a field") from None

    async def poll(self, device_code: str) -> TokenPair:
        """The tokens once the user confirmed; OAuthPending or OAuthSlowDown before."""
        self._seen(device_code)
        form = {"grant_type": "device_code", "code": device_code}
        return self._pair(await self._post("/token", self._credentials(form)))

    async def refresh(self, refresh_token: str) -> TokenPair:
        """A new pair for a refresh token (which dies in exchange)."""
        self._seen(refresh_token)
        form = {"grant_type": "refresh_token", "refresh_token": refresh_token}
        return self._pair(await self._post("/token", self._credentials(form)))

    async def revoke(self, access_token: str) -> None:
        """Revoke a device-bound token (an already dead one is fine too)."""
        self._seen(access_token)
        await self._post("/revoke_token", self._credentials({"access_token": access_token}))

    def _credentials(self, form: dict[str, str]) -> dict[str, str]:
        return {**form, "client_id": self._client_id, "client_secret": self._secret}

    async def _post(self, path: str, form: dict[str, str]) -> dict[str, Any]:
        try:
            response = await self._http.post(path, data=form)
        except httpx.RequestError as exc:
            raise OAuthUnavailable(f"network error: {type(exc).__name__}") from None
        body = _json(response)
        if response.is_success and isinstance(body, dict):
            return body
        code = body.get("error") if isinstance(body, dict) else None
        status = response.status_code
        if not isinstance(code, str) or status >= 500:
            raise OAuthUnavailable(f"HTTP {status} from Yandex OAuth", status_code=status)
        kind = _BY_CODE.get(code, OAuthBadRequest)
        raise kind(f"{code} (HTTP {status}) from {path}", code=code, status_code=status)

    def _pair(self, body: dict[str, Any]) -> TokenPair:
        access, refresh = body.get("access_token"), body.get("refresh_token")
        if not isinstance(access, str) or not access:
            raise OAuthUnavailable("the token answer has no access_token")
        self._seen(access)
        if isinstance(refresh, str):
            self._seen(refresh)
        expires = body.get("expires_in")
        scope = body.get("scope")
        return TokenPair(
            access,
            refresh if isinstance(refresh, str) and refresh else None,
            int(expires) if isinstance(expires, int | float) and expires > 0 else None,
            frozenset(scope.split()) if isinstance(scope, str) else None,
        )


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        return None


def missing_scopes(granted: frozenset[str] | None) -> list[str]:
    """What was asked and not granted (upload counts as granted with metrika:write)."""
    if granted is None:
        return []
    missing = [scope for scope in SCOPES if scope not in granted]
    if "metrika:offline_data" in missing and granted & UPLOAD_SCOPES:
        missing.remove("metrika:offline_data")
    return missing
