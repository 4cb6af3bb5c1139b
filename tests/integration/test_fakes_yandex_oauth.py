"""The fake Yandex OAuth server over real HTTP: device flow, refresh, revoke, credentials."""

from __future__ import annotations

import asyncio
import base64
import time
from collections.abc import Iterator
from typing import Any

import httpx
import pytest

from fakes.metrica import FakeMetrica
from fakes.yandex_oauth import FakeYandexOAuth

CLIENT_ID = "test-client-id"
SECRET = "test-client-secret"
CREDENTIALS = {"client_id": CLIENT_ID, "client_secret": SECRET}
DEVICE = {"device_id": "device-0001", "device_name": "Metrica bot"}
HTTP = httpx.Client(timeout=5)  # one client for the module: a new one per call costs 40 ms


@pytest.fixture(scope="module", autouse=True)
def _close_http() -> Iterator[None]:
    yield
    HTTP.close()


@pytest.fixture
def metrica() -> Iterator[FakeMetrica]:
    with FakeMetrica() as fake:
        fake.add_login("anna", [101])
        yield fake


@pytest.fixture
def oauth(metrica: FakeMetrica) -> Iterator[FakeYandexOAuth]:
    # most tests poll back to back: interval enforcement has its own test
    with FakeYandexOAuth(
        metrica, client_id=CLIENT_ID, client_secret=SECRET, enforce_interval=False
    ) as fake:
        yield fake


def post(fake: FakeYandexOAuth, path: str, data: dict[str, str], **kwargs: Any) -> httpx.Response:
    return HTTP.post(f"{fake.url}{path}", data=data, **kwargs)


def new_code(fake: FakeYandexOAuth, **params: str) -> dict[str, Any]:
    answer = post(fake, "/device/code", {"client_id": CLIENT_ID, **DEVICE, **params})
    assert answer.status_code == 200, answer.text
    body: dict[str, Any] = answer.json()
    return body


def poll(fake: FakeYandexOAuth, device_code: str, **kwargs: Any) -> httpx.Response:
    data = {"grant_type": "device_code", "code": device_code, **CREDENTIALS}
    return post(fake, "/token", data, **kwargs)


def refresh(fake: FakeYandexOAuth, refresh_token: str) -> httpx.Response:
    data = {"grant_type": "refresh_token", "refresh_token": refresh_token, **CREDENTIALS}
    return post(fake, "/token", data)


def revoke(fake: FakeYandexOAuth, access_token: str, **kwargs: Any) -> httpx.Response:
    return post(fake, "/revoke_token", {"access_token": access_token, **CREDENTIALS}, **kwargs)


def counters(metrica: FakeMetrica, token: str) -> httpx.Response:
    headers = {"Authorization": f"OAuth {token}"}
    return HTTP.get(f"{metrica.url}/management/v1/counters", headers=headers)


def info(url: str, token: str) -> httpx.Response:
    return HTTP.get(f"{url}/info?format=json", headers={"Authorization": f"OAuth {token}"})


def error(answer: httpx.Response) -> tuple[int, str]:
    return answer.status_code, answer.json()["error"]


def test_a_code_pair_is_pending_until_approved_then_its_token_works_everywhere(
    metrica: FakeMetrica, oauth: FakeYandexOAuth
) -> None:
    oauth.interval, oauth.code_expires_in = 1, 60
    code = new_code(oauth, scope="metrika:read metrika:offline_data")
    assert set(code) == {"device_code", "user_code", "verification_url", "interval", "expires_in"}
    assert (code["interval"], code["expires_in"]) == (1, 60)
    assert code["verification_url"] == "https://oauth.yandex.ru/device"
    assert oauth.wait_for_user_code(timeout=0) == code["user_code"]
    [asked] = oauth.device_requests()
    assert (asked.device_id, asked.device_name, asked.scope) == (
        "device-0001",
        "Metrica bot",
        "metrika:read metrika:offline_data",
    )
    assert error(poll(oauth, code["device_code"])) == (400, "authorization_pending")
    oauth.approve(code["user_code"], login="anna")
    assert oauth.pending_user_codes() == []
    answer = poll(oauth, code["device_code"])
    assert answer.status_code == 200
    tokens = answer.json()
    assert set(tokens) == {"token_type", "access_token", "refresh_token", "expires_in"}
    assert tokens["token_type"] == "bearer"
    access = tokens["access_token"]
    assert [c["id"] for c in counters(metrica, access).json()["counters"]] == [101]
    for url in (oauth.url, metrica.url):
        me = info(url, access).json()
        assert (me["login"], me["id"], me["client_id"]) == (
            "anna",
            metrica.uid_of("anna"),
            CLIENT_ID,
        )
    assert [r.server for r in metrica.info_requests()] == ["oauth", "metrica"]
    view = metrica.token_view(access)
    assert view is not None
    assert (view.device_id, view.scopes) == (
        "device-0001",
        {"metrika:read", "metrika:offline_data"},
    )
    assert error(poll(oauth, code["device_code"])) == (400, "invalid_grant")  # used up
    polls = oauth.token_polls(code["user_code"])
    assert [(p.status, p.error) for p in polls] == [
        (400, "authorization_pending"),
        (200, None),
        (400, "invalid_grant"),
    ]
    [issued] = oauth.wait_for_issued(1, timeout=0)
    assert (issued.access_token, issued.login) == (access, "anna")


def test_fewer_granted_scopes_come_back_in_scope_and_bind_the_token(
    metrica: FakeMetrica, oauth: FakeYandexOAuth
) -> None:
    code = new_code(oauth, scope="metrika:read", optional_scope="metrika:offline_data")
    oauth.approve(code["user_code"], login="boris", scopes=["metrika:read"], counter_ids=[7])
    tokens = poll(oauth, code["device_code"]).json()
    assert tokens["scope"] == "metrika:read"
    access = tokens["access_token"]
    assert [c["id"] for c in counters(metrica, access).json()["counters"]] == [7]
    upload = HTTP.post(
        f"{metrica.url}/management/v1/counter/7/offline_conversions/upload_calls",
        headers={"Authorization": f"OAuth {access}"},
        files={"file": ("calls.csv", b"ClientId,DateTime\r\n1,1700000000\r\n", "text/csv")},
    )
    assert upload.json()["errors"][0]["error_type"] == "access_denied"
    everything = new_code(oauth)  # no scope parameters: every scope of the app
    oauth.approve(everything["user_code"], login="boris")
    assert "scope" not in poll(oauth, everything["device_code"]).json()
    unknown = post(oauth, "/device/code", {"client_id": CLIENT_ID, "scope": "metrika:write"})
    assert error(unknown) == (400, "invalid_scope")


def test_a_denied_or_expired_code_ends_the_flow(oauth: FakeYandexOAuth) -> None:
    denied, expired = new_code(oauth), new_code(oauth)
    oauth.deny(denied["user_code"])
    assert error(poll(oauth, denied["device_code"])) == (400, "access_denied")
    oauth.expire_code(expired["user_code"])
    assert error(poll(oauth, expired["device_code"])) == (400, "invalid_grant")
    with pytest.raises(ValueError, match="expired"):
        oauth.approve(expired["user_code"], login="anna")
    with pytest.raises(KeyError):
        oauth.approve("nosuchcode", login="anna")
    oauth.code_expires_in = 0.2
    short = new_code(oauth)
    deadline = time.monotonic() + 10
    while (answer := poll(oauth, short["device_code"])).json()["error"] == "authorization_pending":
        assert time.monotonic() < deadline, "the code never expired"
        time.sleep(0.02)
    assert error(answer) == (400, "invalid_grant")
    assert answer.json()["error_description"] == "Code has expired"
    assert oauth.pending_user_codes() == []
    assert error(poll(oauth, "no-such-device-code")) == (400, "invalid_grant")


def test_polling_sooner_than_the_interval_is_answered_slow_down(oauth: FakeYandexOAuth) -> None:
    oauth.enforce_interval = True
    hasty = new_code(oauth)  # interval 5 s: an immediate poll is too early on any machine
    assert error(poll(oauth, hasty["device_code"])) == (400, "slow_down")
    assert error(poll(oauth, hasty["device_code"])) == (400, "slow_down")
    gaps = [p.since_previous for p in oauth.token_polls(hasty["user_code"])]
    assert all(gap is not None and gap < 5 for gap in gaps)
    oauth.interval, oauth.slow_down_step = 0.2, 0
    patient = new_code(oauth)
    time.sleep(0.25)  # a well-behaved client waits one interval before its first poll
    assert error(poll(oauth, patient["device_code"])) == (400, "authorization_pending")
    [first] = oauth.wait_for_polls(1, user_code=patient["user_code"], timeout=0)
    assert first.since_previous is not None
    assert first.since_previous >= 0.2


def test_a_refresh_issues_new_tokens_and_retires_the_old_refresh_token(
    metrica: FakeMetrica, oauth: FakeYandexOAuth
) -> None:
    oauth.token_expires_in = 0.3
    first = oauth.issue_tokens("anna")
    assert first.expires_in == 1  # whole seconds in the body, as Yandex sends them
    deadline = time.monotonic() + 10
    while counters(metrica, first.access_token).status_code == 200:
        assert time.monotonic() < deadline, "the access token never expired"
        time.sleep(0.02)
    assert info(oauth.url, first.access_token).status_code == 401
    oauth.token_expires_in = 3600
    answer = refresh(oauth, first.refresh_token)
    assert answer.status_code == 200
    second = answer.json()
    assert set(second) == {"token_type", "access_token", "refresh_token", "expires_in"}
    assert second["access_token"] != first.access_token
    assert second["refresh_token"] != first.refresh_token
    assert counters(metrica, second["access_token"]).status_code == 200
    assert error(refresh(oauth, first.refresh_token)) == (400, "invalid_grant")
    assert error(refresh(oauth, "1:unknown")) == (400, "invalid_grant")
    oauth.rotate_access_on_refresh = False  # a live access token may come back unchanged
    third = refresh(oauth, second["refresh_token"]).json()
    assert third["access_token"] == second["access_token"]
    records = oauth.wait_for_refreshes(4, timeout=0)
    assert [(r.status, r.error) for r in records] == [
        (200, None),
        (400, "invalid_grant"),
        (400, "invalid_grant"),
        (200, None),
    ]
    assert records[0].issued is not None
    assert records[0].issued.access_token == second["access_token"]


def test_revoking_kills_a_device_token_at_metrica_info_and_refresh(
    metrica: FakeMetrica, oauth: FakeYandexOAuth
) -> None:
    pair = oauth.issue_tokens("anna", device_id="device-0001")
    newer = refresh(oauth, pair.refresh_token).json()
    assert error(refresh(oauth, pair.refresh_token)) == (400, "invalid_grant")
    basic = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    answer = post(
        oauth,
        "/revoke_token",
        {"access_token": newer["access_token"]},
        headers={"Authorization": f"Basic {basic}"},
    )
    assert (answer.status_code, answer.json()) == (200, {"status": "ok"})
    for access in (pair.access_token, newer["access_token"]):  # the whole grant dies
        assert counters(metrica, access).json()["errors"][0]["error_type"] == "invalid_token"
        assert error(info(oauth.url, access)) == (401, "invalid_token")
    assert error(refresh(oauth, newer["refresh_token"])) == (400, "invalid_grant")
    assert revoke(oauth, newer["access_token"]).json() == {"status": "ok"}  # already invalid
    assert revoke(oauth, "never-issued").json() == {"status": "ok"}
    no_device = oauth.issue_tokens("anna", device_id=None)
    assert error(revoke(oauth, no_device.access_token)) == (400, "unsupported_token_type")
    metrica.add_token("pasted-by-hand", login="anna")  # another app's token
    assert error(revoke(oauth, "pasted-by-hand")) == (400, "invalid_grant")
    assert error(post(oauth, "/revoke_token", CREDENTIALS)) == (400, "invalid_request")
    revocations = oauth.wait_for_revocations(6, timeout=0)
    assert [(r.status, r.revoked) for r in revocations] == [
        (200, True),
        (200, False),
        (200, False),
        (400, False),
        (400, False),
        (400, False),
    ]


def test_a_user_withdrawing_access_kills_every_token_of_the_app(
    metrica: FakeMetrica, oauth: FakeYandexOAuth
) -> None:
    annas = [oauth.issue_tokens("anna"), oauth.issue_tokens("anna")]
    boris = oauth.issue_tokens("boris")
    oauth.revoke_login("anna")
    for pair in annas:
        assert counters(metrica, pair.access_token).status_code == 403
        assert error(refresh(oauth, pair.refresh_token)) == (400, "invalid_grant")
    assert counters(metrica, boris.access_token).status_code == 200


@pytest.mark.parametrize(
    ("data", "headers", "expected"),
    [
        ({"client_secret": "wrong"}, {}, (400, "invalid_client", "Wrong client secret")),
        ({"client_secret": ""}, {}, (400, "invalid_client", "Wrong client secret")),
        ({"client_id": "other"}, {}, (400, "invalid_client", "Client not found")),
        ({}, {"Authorization": "Basic " + base64.b64encode(b"test-client-id:no").decode()},
         (401, "invalid_client", "Wrong client secret")),
        ({}, {"Authorization": "Bearer x"}, (400, "Basic auth required", None)),
        ({}, {"Authorization": "Basic !!!"}, (400, "Malformed Authorization header", None)),
        ({"grant_type": "urn:ietf:params:oauth:grant-type:device_code"}, {},
         (400, "unsupported_grant_type", None)),
    ],
)  # fmt: skip
def test_bad_credentials_and_grant_types_are_refused(
    oauth: FakeYandexOAuth,
    data: dict[str, str],
    headers: dict[str, str],
    expected: tuple[int, str, str | None],
) -> None:
    code = new_code(oauth)
    oauth.approve(code["user_code"], login="anna")
    form = {"grant_type": "device_code", "code": code["device_code"], **CREDENTIALS, **data}
    answer = post(oauth, "/token", form, headers=headers)
    status, kind, description = expected
    assert error(answer) == (status, kind)
    if description is not None:
        assert answer.json()["error_description"] == description
    assert poll(oauth, code["device_code"]).status_code == 200  # nothing was used up


def test_basic_credentials_override_the_body_and_parameters_belong_in_the_body(
    oauth: FakeYandexOAuth,
) -> None:
    code = new_code(oauth)
    oauth.approve(code["user_code"], login="anna")
    basic = base64.b64encode(f"{CLIENT_ID}:{SECRET}".encode()).decode()
    in_query = HTTP.post(f"{oauth.url}/token", params={"grant_type": "device_code"})
    assert error(in_query) == (400, "invalid_request")
    twice = HTTP.post(
        f"{oauth.url}/token",
        content=b"grant_type=device_code&grant_type=device_code",
        headers={"Content-Type": "application/x-www-form-urlencoded"},
    )
    assert error(twice) == (400, "invalid_request")
    form = {"grant_type": "device_code", "code": code["device_code"], "client_secret": "ignored"}
    answer = post(oauth, "/token", form, headers={"Authorization": f"Basic {basic}"})
    assert answer.status_code == 200
    assert [request.basic_auth for request in oauth.requests] == [False, False, False, True]


def test_device_code_checks_the_client_and_the_device(oauth: FakeYandexOAuth) -> None:
    unknown = post(oauth, "/device/code", {"client_id": "someone-else"})
    assert error(unknown) == (400, "invalid_client")
    short = post(oauth, "/device/code", {"client_id": CLIENT_ID, "device_id": "abc"})
    assert error(short) == (400, "invalid_request")
    nameless = new_code(oauth, device_id="device-0002", device_name="")
    assert nameless["user_code"]
    bare = post(oauth, "/device/code", {"client_id": CLIENT_ID, "device_name": "ignored"})
    assert bare.status_code == 200
    assert [(r.status, r.error) for r in oauth.device_requests()] == [
        (400, "invalid_client"),
        (400, "invalid_request"),
        (200, None),
        (200, None),
    ]


def test_injected_failures_and_a_client_status_answer_until_cleared(
    metrica: FakeMetrica, oauth: FakeYandexOAuth
) -> None:
    oauth.set_client_status("unauthorized_client")
    refused = post(oauth, "/device/code", {"client_id": CLIENT_ID})
    assert error(refused) == (400, "unauthorized_client")
    assert error(refresh(oauth, "1:any")) == (400, "unauthorized_client")
    oauth.set_client_status(None)
    code = new_code(oauth)
    oauth.fail_next("/token", status=503, body=b"<html>Service Unavailable</html>")
    failed = poll(oauth, code["device_code"])
    assert (failed.status_code, failed.text) == (503, "<html>Service Unavailable</html>")
    oauth.fail_next(status=400, error="slow_down", description="Slow down")
    assert error(poll(oauth, code["device_code"])) == (400, "slow_down")
    assert error(poll(oauth, code["device_code"])) == (400, "authorization_pending")
    pair = oauth.issue_tokens("anna")
    metrica.fail_info_next(status=500)  # /info failures apply whichever fake serves it
    assert info(oauth.url, pair.access_token).status_code == 500
    assert info(oauth.url, pair.access_token).status_code == 200


def test_waits_say_what_happened_and_work_from_async_code(oauth: FakeYandexOAuth) -> None:
    with pytest.raises(AssertionError, match=r"1 token polls.*device requests \[\]"):
        oauth.wait_for_polls(1, timeout=0.01)

    async def scenario() -> str:
        async with httpx.AsyncClient(base_url=oauth.url) as client:
            waiting = asyncio.create_task(oauth.wait_for_user_code_async(timeout=5))
            await client.post("/device/code", data={"client_id": CLIENT_ID})
            return await waiting

    user_code = asyncio.run(scenario())
    assert oauth.pending_user_codes() == [user_code]


def test_an_oauth_fake_without_a_metrica_keeps_its_own_accounts() -> None:
    with FakeYandexOAuth(client_id=CLIENT_ID, client_secret=SECRET) as alone:
        pair = alone.issue_tokens("anna")
        assert info(alone.url, pair.access_token).json()["login"] == "anna"
        assert alone.metrica.login_of(pair.access_token) == "anna"
