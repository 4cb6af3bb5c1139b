"""Request parsing of the fake Yandex OAuth server: the form body and the app's credentials.

Yandex wants every parameter once, URL-encoded, in the body; app credentials come either as body
`client_id` + `client_secret` or as `Authorization: Basic base64(id:secret)`, and with the header
the body's credentials are ignored (/work/shared/yandex/OAUTH.md).
"""

from __future__ import annotations

import base64
import binascii
from dataclasses import dataclass
from urllib.parse import parse_qsl

from fakes.http_base import Request
from fakes.yandex_oauth_world import OAuthError


@dataclass(frozen=True)
class Credentials:
    """The app's credentials as a request carried them."""

    client_id: str | None
    client_secret: str | None
    basic: bool  # came in the Authorization header


def parse_form(request: Request) -> dict[str, str]:
    """The URL-encoded body; 400 invalid_request for a query, another body or a repeat."""
    if request.query:
        raise OAuthError(400, "invalid_request", "Parameters must be in the request body")
    if request.body and request.content_type != "application/x-www-form-urlencoded":
        raise OAuthError(400, "invalid_request", "Body must be application/x-www-form-urlencoded")
    try:
        pairs = parse_qsl(request.body.decode(), keep_blank_values=True, strict_parsing=False)
    except UnicodeDecodeError:
        raise OAuthError(400, "invalid_request", "Body is not UTF-8") from None
    form: dict[str, str] = {}
    for name, value in pairs:
        if name in form:
            raise OAuthError(400, "invalid_request", f"Duplicated parameter: {name}")
        form[name] = value
    return form


def credentials(request: Request, form: dict[str, str]) -> Credentials:
    """The credentials of the header when present, else of the body."""
    header = request.headers.get("authorization")
    if header is None:
        return Credentials(form.get("client_id"), form.get("client_secret"), basic=False)
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "basic":
        raise OAuthError(400, "Basic auth required", "Authorization header must be Basic")
    try:
        decoded = base64.b64decode(value.strip(), validate=True).decode()
    except (binascii.Error, UnicodeDecodeError):
        decoded = ""
    client_id, colon, secret = decoded.partition(":")
    if not colon:
        raise OAuthError(400, "Malformed Authorization header", "Expected base64 of id:secret")
    return Credentials(client_id, secret, basic=True)


def check_client(given: Credentials, client_id: str, client_secret: str) -> None:
    """invalid_client unless both match: 401 when they came in the header, else 400."""
    status = 401 if given.basic else 400
    if given.client_id != client_id:
        raise OAuthError(status, "invalid_client", "Client not found")
    if given.client_secret != client_secret:
        raise OAuthError(status, "invalid_client", "Wrong client secret")


def scopes_param(form: dict[str, str], name: str) -> frozenset[str]:
    """A space-separated scope parameter as a set."""
    return frozenset(form.get(name, "").split())
