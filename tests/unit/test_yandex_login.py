"""The Yandex ID client (who a token belongs to) against httpx.MockTransport."""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable

import httpx
import pytest

from bot.yandex_login import (
    LoginClient,
    LoginTokenRejected,
    LoginUnavailable,
    YandexAccount,
    create_login_http,
)

TOKEN = "y0_AgAAAAB-secret-login-token-123"
Handler = Callable[[httpx.Request], httpx.Response]


class Server:
    """Answers with one handler and records the requests."""

    def __init__(self) -> None:
        self.requests: list[httpx.Request] = []
        self.handler: Handler = lambda request: httpx.Response(500)

    def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        return self.handler(request)


@pytest.fixture
def server() -> Server:
    return Server()


@pytest.fixture
async def client(server: Server) -> AsyncIterator[LoginClient]:
    async with create_login_http(
        "https://login.test", transport=httpx.MockTransport(server)
    ) as http:
        yield LoginClient(http)


async def test_the_login_and_uid_of_a_token_are_read_from_info(server, client):
    body = {"id": "1130000000000001", "login": "anna", "client_id": "x", "psuid": "y"}
    server.handler = lambda request: httpx.Response(200, json=body)

    assert await client.account(TOKEN) == YandexAccount("anna", "1130000000000001")

    [request] = server.requests
    assert request.url.path == "/info"
    assert request.url.params["format"] == "json"
    assert request.headers["Authorization"] == f"OAuth {TOKEN}"
    assert TOKEN not in str(request.url)


@pytest.mark.parametrize("status", [401, 403])
async def test_a_refused_token_is_rejected(server, client, status):
    server.handler = lambda request: httpx.Response(status, json={"error": "invalid_token"})
    with pytest.raises(LoginTokenRejected):
        await client.account(TOKEN)


@pytest.mark.parametrize(
    "response",
    [
        httpx.Response(500, json={"error": "server_error"}),
        httpx.Response(200, text="<html>proxy</html>"),
        httpx.Response(200, json={"id": "1"}),
        httpx.Response(200, json=["anna"]),
        httpx.Response(429, json={"error": "too_many"}),
    ],
    ids=["500", "html", "no-login", "not-an-object", "429"],
)
async def test_anything_else_is_unavailable_and_never_holds_the_token(server, client, response):
    server.handler = lambda request: response
    with pytest.raises(LoginUnavailable) as failed:
        await client.account(TOKEN)
    assert TOKEN not in str(failed.value)


async def test_a_network_failure_is_unavailable(server, client):
    def broken(request: httpx.Request) -> httpx.Response:
        raise httpx.ConnectError("no route", request=request)

    server.handler = broken
    with pytest.raises(LoginUnavailable, match="network error"):
        await client.account(TOKEN)
