"""Who a Yandex token belongs to: `GET {LOGIN_API_URL}/info?format=json` (login.yandex.ru).

Metrica counts its quotas per Yandex login, so the bot learns each saved token's login. Any
valid token works here (no extra scope); the call costs no Metrica quota. Errors, one tree:

LoginError(message, status_code)
 ├── LoginTokenRejected   401/403: the token is bad, revoked or expired
 └── LoginUnavailable     anything else: 5xx, timeouts, network, a body without a login

Messages never hold the token.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import httpx

from bot.http import create_http_client


class LoginError(Exception):
    """The login could not be learned."""

    def __init__(self, message: str, *, status_code: int | None = None) -> None:
        super().__init__(message)
        self.status_code = status_code


class LoginTokenRejected(LoginError):
    """Yandex ID does not accept the token."""


class LoginUnavailable(LoginError):
    """Yandex ID failed for now, or answered something that is not an account."""


@dataclass(frozen=True, slots=True)
class YandexAccount:
    """The account a token belongs to: its login and its stable numeric id (a string)."""

    login: str
    uid: str | None


def create_login_http(
    base_url: str, *, timeout: float = 10.0, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """The one long-lived httpx client for the login host."""
    return create_http_client(base_url, timeout=timeout, transport=transport)


class LoginClient:
    """Asks Yandex ID who a token belongs to."""

    def __init__(self, http: httpx.AsyncClient) -> None:
        self._http = http

    async def account(self, token: str) -> YandexAccount:
        """The token's login and uid; LoginTokenRejected or LoginUnavailable otherwise."""
        try:
            response = await self._http.get(
                "/info", params={"format": "json"}, headers={"Authorization": f"OAuth {token}"}
            )
        except httpx.RequestError as exc:
            raise LoginUnavailable(f"network error: {type(exc).__name__}") from None
        if response.status_code in (401, 403):
            raise LoginTokenRejected(
                "Yandex ID does not accept the token", status_code=response.status_code
            )
        if not response.is_success:
            raise LoginUnavailable(
                f"HTTP {response.status_code} from Yandex ID", status_code=response.status_code
            )
        return _account(_json(response))


def _json(response: httpx.Response) -> Any:
    try:
        return response.json()
    except ValueError:
        raise LoginUnavailable("the answer is not JSON", status_code=response.status_code) from None


def _account(body: Any) -> YandexAccount:
    """The login (required) and id (optional) of /info's answer."""
    login = body.get("login") if isinstance(body, dict) else None
    if not isinstance(login, str) or not login.strip():
        raise LoginUnavailable("the answer has no login")
    uid = body.get("id")
    return YandexAccount(login.strip(), str(uid) if isinstance(uid, str | int) else None)
