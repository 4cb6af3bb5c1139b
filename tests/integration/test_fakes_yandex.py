"""The fake Metrica's Yandex accounts over real HTTP: logins, quotas, scopes, uploads, /info."""

from __future__ import annotations

from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from datetime import UTC, datetime, timedelta
from typing import Any

import httpx
import pytest

from fakes.metrica import FakeMetrica
from fakes.yandex_accounts import MANUAL_CLIENT_ID

UPLOAD = "/counter/101/offline_conversions/upload_calls"
CSV = (
    b"ClientId,DateTime,StaticCall,Price\r\n"
    b"111,1700000000,0,100\r\n"
    b"222,1700000001,1,\r\n"
    b",1700000002,0,5\r\n"  # no visitor id: Metrica drops the line
)


HTTP = httpx.Client(timeout=5)  # one client for the module: a new one per call costs 40 ms


@pytest.fixture(scope="module", autouse=True)
def _close_http() -> Iterator[None]:
    yield
    HTTP.close()


@pytest.fixture
def metrica() -> Iterator[FakeMetrica]:
    with FakeMetrica() as fake:
        yield fake


def get(fake: FakeMetrica, token: str, path: str = "/counters") -> httpx.Response:
    headers = {"Authorization": f"OAuth {token}"}
    return HTTP.get(f"{fake.url}/management/v1{path}", headers=headers)


def upload(fake: FakeMetrica, token: str, **kwargs: Any) -> httpx.Response:
    headers = {"Authorization": f"OAuth {token}"}
    return HTTP.post(f"{fake.url}/management/v1{UPLOAD}", headers=headers, **kwargs)


def info(url: str, token: str | None, **params: str) -> httpx.Response:
    headers = {"Authorization": f"OAuth {token}"} if token is not None else {}
    return HTTP.get(f"{url}/info", params={"format": "json", **params}, headers=headers)


def error_type(answer: httpx.Response) -> str:
    kind: str = answer.json()["errors"][0]["error_type"]
    return kind


def test_each_token_gets_a_login_of_its_own_unless_the_test_names_one(
    metrica: FakeMetrica,
) -> None:
    first, second = metrica.add_token("a", [101]), metrica.add_token("b", [101])
    assert first != second
    assert first.startswith("login-")
    assert second.startswith("login-")
    assert metrica.add_token("c", login="anna") == metrica.add_token("d", login="anna") == "anna"
    assert metrica.login_of("d") == "anna"
    assert metrica.add_counter(101)["owner_login"] == first


def test_a_fourth_parallel_request_of_one_login_is_refused_whichever_token_it_carries(
    metrica: FakeMetrica,
) -> None:
    metrica.add_token("anna-1", [101], login="anna")
    metrica.add_token("anna-2", [101], login="anna")
    metrica.add_token("boris", [101], login="boris")
    metrica.pause()  # admitted requests wait here, so all of them overlap for sure
    with ThreadPoolExecutor(5) as pool:
        try:
            annas = [pool.submit(get, metrica, token) for token in ("anna-1", "anna-2") * 2]
            assert metrica.wait_until(lambda: metrica.parallel_rejections == 1, 10)
            boris = pool.submit(get, metrica, "boris")
            assert metrica.wait_until(lambda: metrica.max_parallel_login("boris") == 1, 10)
        finally:
            metrica.resume()
        answers = [future.result() for future in annas]
    assert boris.result().status_code == 200
    assert sorted(answer.status_code for answer in answers) == [200, 200, 200, 429]
    [refused] = [answer for answer in answers if answer.status_code == 429]
    message = "Too many parallel requests"
    assert refused.json() == {
        "errors": [{"error_type": "quota_parallel_requests", "message": message}],
        "code": 429,
        "message": message,
    }
    assert metrica.max_parallel_login("anna") == 3
    assert metrica.max_parallel("anna-1") + metrica.max_parallel("anna-2") == 3
    assert len(metrica.requests_for_login("anna")) == 4
    assert metrica.quota_used_login("anna") == 3  # the refused one costs no quota


def test_the_daily_quota_is_shared_by_every_token_of_a_login(metrica: FakeMetrica) -> None:
    metrica.add_token("anna-1", login="anna")
    metrica.add_token("anna-2", login="anna")
    metrica.add_token("boris", login="boris")
    metrica.set_login_quota("anna", 3)
    assert [get(metrica, t).status_code for t in ("anna-1", "anna-2", "anna-1")] == [200] * 3
    over = get(metrica, "anna-2")
    assert (over.status_code, error_type(over)) == (429, "quota_requests_by_uid")
    assert get(metrica, "boris").status_code == 200
    assert metrica.quota_used_login("anna") == metrica.quota_used("anna-2") == 3
    assert metrica.quota_used_login("boris") == 1
    metrica.set_quota("anna-1", 4)  # through a token: its login's quota
    assert get(metrica, "anna-2").status_code == 200
    metrica.set_login_quota("anna", 10, used=10)
    assert get(metrica, "anna-1").status_code == 429
    metrica.reset_quotas()
    assert get(metrica, "anna-1").status_code == 200
    metrica.add_token("anna-3", login="anna", quota=1)  # a new token may set its login's quota
    assert error_type(get(metrica, "anna-3")) == "quota_requests_by_uid"


def test_a_login_counters_are_seen_by_all_its_tokens_and_dead_tokens_are_refused(
    metrica: FakeMetrica,
) -> None:
    uid = metrica.add_login("anna", [101, 102], uid="42")
    metrica.add_token("anna-1", [103], login="anna")
    metrica.add_token("anna-2", login="anna")
    listed = get(metrica, "anna-1").json()["counters"]
    assert [counter["id"] for counter in listed] == [101, 102, 103]
    assert get(metrica, "anna-2", "/counter/103").status_code == 403  # a token's own grant
    assert (uid, metrica.uid_of("anna")) == ("42", "42")
    metrica.expire_token("anna-1")
    expired = get(metrica, "anna-1")
    assert (expired.status_code, error_type(expired)) == (403, "invalid_token")
    view = metrica.token_view("anna-1")
    assert view is not None
    assert (view.expired, view.revoked, view.valid) == (True, False, False)
    metrica.set_token_lifetime("anna-1", 60)
    assert get(metrica, "anna-1").status_code == 200
    assert metrica.token_view("nobody") is None


def test_uploading_needs_an_offline_data_or_write_scope(metrica: FakeMetrica) -> None:
    metrica.add_token("reader", [101], scopes=["metrika:read"])
    metrica.add_token("uploader", [101], scopes=["metrika:offline_data"])
    metrica.add_token("writer", [101], scopes=["metrika:write"])
    files = {"file": ("calls.csv", CSV, "text/csv")}
    refused = upload(metrica, "reader", files=files)
    message = "Access denied: insufficient rights (scope)"
    assert refused.status_code == 403
    assert refused.json() == {
        "errors": [{"error_type": "access_denied", "message": message}],
        "code": 403,
        "message": message,
    }
    assert get(metrica, "reader").status_code == 200
    assert upload(metrica, "uploader", files=files).status_code == 200
    assert error_type(get(metrica, "uploader")) == "access_denied"  # no metrika:read
    assert upload(metrica, "writer", files=files).status_code == 200
    assert get(metrica, "writer").status_code == 200
    assert [(u.token, u.status) for u in metrica.uploads()] == [
        ("reader", 403),
        ("uploader", 200),
        ("writer", 200),
    ]
    assert metrica.uploads()[0].uploading is None
    metrica.set_scopes("reader", ["metrika:read", "metrika:offline_data"])
    assert upload(metrica, "reader", files=files).status_code == 200


def test_an_upload_is_recorded_with_its_file_rows_and_comment(metrica: FakeMetrica) -> None:
    login = metrica.add_token("tok", [101])
    metrica.set_login_quota(login, 100, used=10)
    answer = upload(
        metrica,
        "tok",
        params={"comment": "Неделя 48 <b>"},
        files={"file": ("calls.csv", CSV, "text/csv")},
    )
    assert answer.status_code == 200
    uploading = answer.json()["uploading"]
    assert uploading["status"] == "UPLOADED"
    assert (uploading["source_quantity"], uploading["line_quantity"]) == (3, 2)
    assert (uploading["static_calls_quantity"], uploading["dynamic_calls_quantity"]) == (1, 2)
    assert (uploading["client_id_type"], uploading["comment"]) == ("CLIENT_ID", "Неделя 48 <b>")
    created = datetime.strptime(uploading["create_time"], "%Y-%m-%dT%H:%M:%SZ")
    assert abs(created.replace(tzinfo=UTC) - datetime.now(UTC)) < timedelta(minutes=1)
    [record] = metrica.wait_for_uploads(1, timeout=0)
    assert (record.token, record.login, record.counter_id) == ("tok", login, 101)
    assert (record.filename, record.content_type, record.content) == ("calls.csv", "text/csv", CSV)
    assert record.comment == "Неделя 48 <b>"
    assert record.rows[0] == {
        "ClientId": "111",
        "DateTime": "1700000000",
        "StaticCall": "0",
        "Price": "100",
    }
    assert [row["ClientId"] for row in record.rows] == ["111", "222", ""]
    assert (record.status, record.uploading) == (200, uploading)
    assert metrica.uploadings(101) == [uploading]
    assert metrica.quota_used_login(login) == 11  # uploads cost quota like any request
    metrica.upload_status = "PREPARED"
    again = upload(metrica, "tok", files={"file": ("calls.csv", CSV, "text/csv")})
    assert again.json()["uploading"]["status"] == "PREPARED"


@pytest.mark.parametrize(
    ("kwargs", "status", "kind"),
    [
        ({"json": {"file": "x"}}, 400, "invalid_parameter"),
        ({"files": {"other": ("calls.csv", CSV, "text/csv")}}, 400, "missing_parameter"),
        (
            {"files": {"file": ("calls.csv", b"a,b\r\n1,2\r\n", "text/csv")}},
            400,
            "invalid_uploading",
        ),
        (
            {"files": {"file": ("c.csv", CSV)}, "params": {"comment": "x" * 256}},
            400,
            "invalid_parameter",
        ),
    ],
)
def test_a_refused_upload_is_recorded_too(
    metrica: FakeMetrica, kwargs: dict[str, Any], status: int, kind: str
) -> None:
    metrica.add_token("tok", [101])
    answer = upload(metrica, "tok", **kwargs)
    assert (answer.status_code, error_type(answer)) == (status, kind)
    [record] = metrica.uploads()
    assert (record.status, record.error_type, record.uploading) == (status, kind, None)
    assert metrica.uploadings(101) == []


def test_info_answers_who_owns_a_token(metrica: FakeMetrica) -> None:
    metrica.add_token("anna-1", login="anna")
    metrica.add_token("anna-2", login="anna", client_id="our-app")
    metrica.add_token("boris", login="boris")
    first = info(metrica.url, "anna-1")
    assert first.status_code == 200
    body = first.json()
    assert body == {
        "id": metrica.uid_of("anna"),
        "login": "anna",
        "client_id": MANUAL_CLIENT_ID,
        "psuid": body["psuid"],
    }
    assert body["id"].isdigit()
    second = info(metrica.url, "anna-2").json()
    assert (second["id"], second["client_id"]) == (body["id"], "our-app")
    assert second["psuid"] != body["psuid"]  # app-specific
    boris = info(metrica.url, "boris").json()
    assert boris["id"] != body["id"]
    assert [entry.server for entry in metrica.info_requests()] == ["metrica"] * 3


@pytest.mark.parametrize("token", [None, "unknown", "revoked", "expired"])
def test_info_refuses_a_bad_token_with_401(metrica: FakeMetrica, token: str | None) -> None:
    metrica.add_token("revoked")
    metrica.revoke("revoked")
    metrica.add_token("expired", expires_in=0)
    answer = info(metrica.url, token)
    assert answer.status_code == 401
    assert answer.json()["error"] == "invalid_token"
    bearer = HTTP.get(f"{metrica.url}/info", headers={"Authorization": "Bearer revoked"})
    assert bearer.status_code == 401


def test_info_costs_no_metrica_quota_and_fails_on_demand(metrica: FakeMetrica) -> None:
    login = metrica.add_token("tok")
    metrica.set_login_quota(login, 0)
    assert info(metrica.url, "tok").status_code == 200
    assert metrica.quota_used_login(login) == 0
    metrica.fail_next()  # a Management API failure: /info does not take it
    assert info(metrica.url, "tok").status_code == 200
    assert get(metrica, "tok").status_code == 503
    metrica.fail_info_next(count=2)
    failed = info(metrica.url, "tok")
    assert (failed.status_code, failed.json()["error"]) == (500, "server_error")
    metrica.fail_info_next(status=502, body=b"<html>Bad Gateway</html>")
    assert info(metrica.url, "tok").status_code == 500
    assert info(metrica.url, "tok").text == "<html>Bad Gateway</html>"
    assert info(metrica.url, "tok").status_code == 200
    assert info(metrica.url, "tok", format="xml").status_code == 400
    assert [r.status for r in metrica.info_requests()] == [200, 200, 500, 500, 502, 200, 400]
    assert metrica.requests_for("tok")[-1].login == login
