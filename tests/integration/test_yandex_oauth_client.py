"""The bot's Yandex OAuth client against the fake OAuth server over real HTTP: the calls it sends
and how each answer maps onto its error tree; every secret it handles is reported as seen."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import pytest

from bot.yandex_oauth import (
    SCOPES,
    OAuthBadRequest,
    OAuthClient,
    OAuthClientRefused,
    OAuthGrantFailed,
    OAuthPending,
    OAuthSlowDown,
    OAuthUnavailable,
    create_oauth_http,
)
from fakes.metrica import FakeMetrica
from fakes.yandex_oauth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, FakeYandexOAuth

DEVICE_ID = "0123456789abcdef0123"


@pytest.fixture
def oauth() -> Iterator[FakeYandexOAuth]:
    with FakeMetrica() as metrica, FakeYandexOAuth(metrica, enforce_interval=False) as fake:
        yield fake


@pytest.fixture
async def seen() -> list[str]:
    return []


@pytest.fixture
async def client(oauth: FakeYandexOAuth, seen: list[str]) -> AsyncIterator[OAuthClient]:
    http = create_oauth_http(oauth.url)
    yield OAuthClient(http, DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, seen=seen.append)
    await http.aclose()


async def test_a_login_pends_until_approved_then_gives_tokens(
    client: OAuthClient, oauth: FakeYandexOAuth, seen: list[str]
) -> None:
    code = await client.device_code(DEVICE_ID, "Metrica bot")
    [asked] = oauth.device_requests()
    assert (asked.device_id, asked.scope) == (DEVICE_ID, " ".join(SCOPES))
    assert code.verification_url == oauth.verification_url
    with pytest.raises(OAuthPending):
        await client.poll(code.device_code)

    oauth.approve(code.user_code, login="anna")
    pair = await client.poll(code.device_code)

    assert pair.refresh_token
    assert pair.expires_in
    assert pair.scopes is None  # all granted
    assert {code.device_code, pair.access_token, pair.refresh_token} <= set(seen)
    with pytest.raises(OAuthGrantFailed):
        await client.poll(code.device_code)  # used


async def test_fewer_scopes_granted_are_reported(
    client: OAuthClient, oauth: FakeYandexOAuth
) -> None:
    code = await client.device_code(DEVICE_ID, "Metrica bot")
    oauth.approve(code.user_code, login="anna", scopes=["metrika:read"])

    assert (await client.poll(code.device_code)).scopes == frozenset({"metrika:read"})


async def test_denied_and_expired_codes_are_final(
    client: OAuthClient, oauth: FakeYandexOAuth
) -> None:
    denied = await client.device_code(DEVICE_ID, "Metrica bot")
    oauth.deny(denied.user_code)
    expired = await client.device_code(DEVICE_ID, "Metrica bot")
    oauth.expire_code(expired.user_code)

    with pytest.raises(OAuthGrantFailed) as caught:
        await client.poll(denied.device_code)
    assert caught.value.code == "access_denied"
    with pytest.raises(OAuthGrantFailed):
        await client.poll(expired.device_code)


async def test_polling_too_fast_is_slow_down(client: OAuthClient, oauth: FakeYandexOAuth) -> None:
    oauth.enforce_interval = True
    code = await client.device_code(DEVICE_ID, "Metrica bot")

    with pytest.raises(OAuthSlowDown):
        await client.poll(code.device_code)


async def test_a_refused_app_is_the_operators_problem(
    client: OAuthClient, oauth: FakeYandexOAuth
) -> None:
    oauth.set_client_status("unauthorized_client")

    with pytest.raises(OAuthClientRefused):
        await client.device_code(DEVICE_ID, "Metrica bot")


async def test_server_errors_and_junk_are_unavailable(
    client: OAuthClient, oauth: FakeYandexOAuth
) -> None:
    oauth.fail_next("/device/code", status=503)
    with pytest.raises(OAuthUnavailable):
        await client.device_code(DEVICE_ID, "Metrica bot")
    oauth.fail_next("/device/code", status=200, body=b"<html>captcha</html>")
    with pytest.raises(OAuthUnavailable):
        await client.device_code(DEVICE_ID, "Metrica bot")
    oauth.fail_next("/token", status=400, error="invalid_request")
    with pytest.raises(OAuthBadRequest):
        await client.refresh("1:whatever:refresh")


async def test_refresh_rotates_and_revoke_kills_the_token(
    client: OAuthClient, oauth: FakeYandexOAuth
) -> None:
    issued = oauth.issue_tokens("anna")
    pair = await client.refresh(issued.refresh_token)
    assert pair.access_token != issued.access_token
    with pytest.raises(OAuthGrantFailed):
        await client.refresh(issued.refresh_token)  # the old one died in exchange

    await client.revoke(pair.access_token)
    [revocation] = oauth.revocations()
    assert revocation.revoked
    with pytest.raises(OAuthGrantFailed):
        await client.refresh(pair.refresh_token or "")
