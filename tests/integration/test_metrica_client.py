"""The Metrica client against a fake Metrica behind httpx.MockTransport."""

from __future__ import annotations

import asyncio
import inspect
import logging
from collections.abc import AsyncIterator, Awaitable, Callable
from datetime import UTC, datetime
from typing import Any

import httpx
import pytest

from bot.domain import Counter
from bot.metrica import (
    AccessDenied,
    InvalidRequest,
    InvalidToken,
    MetricaClient,
    MetricaError,
    NotFound,
    QuotaExceeded,
    RequestLimiter,
    RetryPolicy,
    Unavailable,
    create_http_client,
    token_fingerprint,
)
from bot.metrica.errors import AllowanceSpent
from bot.metrica.gate import Allowance, Caller, MemoryGate, RequestKind

TOKEN = "y0_AgAAAAB-secret-token-1234567890"
OTHER_TOKEN = "y0_AgAAAAB-other-token-0987654321"
NOW = datetime(2024, 5, 17, 15, 30, tzinfo=UTC)
PREFIX = "/management/v1"
UPLOADINGS = f"{PREFIX}/counter/42/offline_conversions/calls_uploadings"
UPLOADING = f"{PREFIX}/counter/42/offline_conversions/calls_uploading/7"
COUNTER = f"{PREFIX}/counter/42"
COUNTERS = f"{PREFIX}/counters"
ITEM = {"id": 7, "status": "PROCESSED", "create_time": "2024-05-17T10:00:00Z"}

Handler = Callable[[httpx.Request], "httpx.Response | Awaitable[httpx.Response]"]


def ok(body: Any, headers: dict[str, str] | None = None) -> Handler:
    """A 200 reply with a JSON body."""
    return lambda request: httpx.Response(200, json=body, headers=headers)


def error(
    status: int, error_type: str, message: str = "Error", retry_after: str | None = None
) -> Handler:
    """A reply with Metrica's error body and, when given, a Retry-After header."""
    body = {"errors": [{"error_type": error_type, "message": message}], "code": status}
    headers = {"Retry-After": retry_after} if retry_after else {}
    return lambda request: httpx.Response(
        status, json={**body, "message": message}, headers=headers
    )


def raw(status: int, text: str) -> Handler:
    """A reply with a non-JSON body, like a proxy's HTML page."""
    return lambda request: httpx.Response(status, text=text, headers={"Content-Type": "text/html"})


def raises(exc_type: type[httpx.RequestError]) -> Handler:
    """A transport failure."""

    def handler(request: httpx.Request) -> httpx.Response:
        raise exc_type("simulated", request=request)

    return handler


class FakeMetrica:
    """Replies per path in order (the last one repeats) and records every request."""

    def __init__(self) -> None:
        self.routes: dict[str, list[Handler]] = {}
        self.requests: list[httpx.Request] = []

    def on(self, path: str, *handlers: Handler) -> None:
        """Queue replies for a path."""
        self.routes.setdefault(path, []).extend(handlers)

    def paths(self) -> list[str]:
        """Paths requested so far, in order."""
        return [r.url.path for r in self.requests]

    async def __call__(self, request: httpx.Request) -> httpx.Response:
        self.requests.append(request)
        queue = self.routes.get(request.url.path)
        if not queue:
            return httpx.Response(500, text=f"no route for {request.url.path}")
        result = (queue.pop(0) if len(queue) > 1 else queue[0])(request)
        return await result if inspect.isawaitable(result) else result


class Sleeps(list[float]):
    """A fake sleep that records the delays asked for."""

    async def __call__(self, delay: float) -> None:
        self.append(delay)


@pytest.fixture
def server() -> FakeMetrica:
    return FakeMetrica()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
def gate() -> MemoryGate:
    return MemoryGate(Allowance(10, 0.8))


@pytest.fixture
def limiter() -> RequestLimiter:
    return RequestLimiter()


@pytest.fixture
async def http(server: FakeMetrica) -> AsyncIterator[httpx.AsyncClient]:
    async with create_http_client(
        "https://metrica.test", transport=httpx.MockTransport(server)
    ) as c:
        yield c


@pytest.fixture
def client(http, limiter, gate, sleeps) -> MetricaClient:
    retry = RetryPolicy(attempts=3, base_delay=0.5, max_delay=30.0, jitter=False)
    return MetricaClient(
        http, limiter=limiter, gate=gate, retry=retry, sleep=sleeps, now=lambda: NOW
    )


async def fail(call: Awaitable[object]) -> MetricaError:
    """Await a call that must raise a MetricaError and return it."""
    with pytest.raises(MetricaError) as info:
        await call
    return info.value


# --- the requests sent ------------------------------------------------------------------------


async def test_uploadings_sends_an_authorized_get_with_limit_and_offset(client, server):
    server.on(UPLOADINGS, ok({"uploadings": [ITEM]}))
    result = await client.uploadings(TOKEN, 42)
    [request] = server.requests
    assert (request.method, request.url.path) == ("GET", UPLOADINGS)
    assert dict(request.url.params) == {"limit": "10000", "offset": "0"}
    assert request.headers["Authorization"] == f"OAuth {TOKEN}"
    assert request.headers["User-Agent"].startswith("metrica-calls-bot")
    assert [u.id for u in result] == [7]
    assert result[0].create_time == datetime(2024, 5, 17, 10, 0, tzinfo=UTC)


async def test_uploadings_passes_a_custom_limit_and_offset(client, server):
    server.on(UPLOADINGS, ok({"uploadings": []}))
    assert await client.uploadings(TOKEN, 42, limit=50, offset=100) == []
    assert dict(server.requests[0].url.params) == {"limit": "50", "offset": "100"}


async def test_one_uploading_and_one_counter_are_read_from_their_wrappers(client, server):
    server.on(UPLOADING, ok({"uploading": {**ITEM, "comment": "<b>hi</b>"}}))
    server.on(COUNTER, ok({"counter": {"id": 42, "name": "Shop", "site": "shop.example"}}))
    uploading = await client.uploading(TOKEN, 42, 7)
    counter = await client.counter(TOKEN, 42)
    assert (uploading.id, uploading.status, uploading.comment) == (7, "PROCESSED", "<b>hi</b>")
    assert counter == Counter(id=42, name="Shop", site="shop.example")
    assert server.paths() == [UPLOADING, COUNTER]
    assert all(r.headers["Authorization"] == f"OAuth {TOKEN}" for r in server.requests)


def counters_page(start: int, count: int, rows: int | None) -> Handler:
    """A /counters page of ids start..start+count-1."""
    body: dict[str, Any] = {
        "counters": [{"id": i, "name": f"c{i}"} for i in range(start, start + count)]
    }
    if rows is not None:
        body["rows"] = rows
    return ok(body)


async def test_counters_pages_with_a_one_based_offset_until_rows_are_reached(client, server):
    server.on(COUNTERS, counters_page(1, 1000, 2500), counters_page(1001, 1000, 2500))
    server.on(COUNTERS, counters_page(2001, 500, 2500))
    result = await client.counters(TOKEN)
    assert [c.id for c in result] == list(range(1, 2501))
    offsets = [r.url.params["offset"] for r in server.requests]
    assert offsets == ["1", "1001", "2001"]
    assert {r.url.params["per_page"] for r in server.requests} == {"1000"}


async def test_counters_stop_when_a_full_page_reaches_rows(client, server):
    server.on(COUNTERS, counters_page(1, 1000, 1000), counters_page(5000, 1, 1000))
    assert len(await client.counters(TOKEN)) == 1000
    assert len(server.requests) == 1


async def test_counters_stop_at_a_short_page_when_rows_is_missing(client, server):
    server.on(COUNTERS, counters_page(1, 1000, None), counters_page(1001, 3, None))
    assert len(await client.counters(TOKEN)) == 1003
    assert len(server.requests) == 2


# --- the error table --------------------------------------------------------------------------

NO_RETRY_ROWS = [
    (400, "invalid_parameter", "Wrong parameter value", InvalidRequest),
    (400, "missing_parameter", "Missing parameter", InvalidRequest),
    (400, "invalid_uploading", "Invalid uploading", InvalidRequest),
    (400, "invalid_json", "Invalid JSON", InvalidRequest),
    (400, "limit_exceeded", "Limit exceeded", InvalidRequest),
    (400, "invalid_parameter", "No object with specified ID.", NotFound),
    (401, "unauthorized", "Unauthorized", InvalidToken),
    (403, "invalid_token", "Invalid oauth_token", InvalidToken),
    (403, "access_denied", "Access denied", AccessDenied),
    (403, "counter_in_connect", "Counter is in Connect", AccessDenied),
    (404, "not_found", "Not found", NotFound),
]


@pytest.mark.parametrize("row", NO_RETRY_ROWS, ids=lambda row: f"{row[0]}-{row[2]}")
async def test_each_client_error_maps_to_its_class_and_is_not_retried(client, server, sleeps, row):
    status, error_type, message, expected = row
    server.on(UPLOADING, error(status, error_type, message))
    exc = await fail(client.uploading(TOKEN, 42, 7))
    assert type(exc) is expected
    assert (exc.status_code, exc.error_type, exc.message) == (status, error_type, message)
    assert len(server.requests) == 1
    assert sleeps == []


async def test_a_revoked_token_raises_invalid_token_without_retry(client, server, sleeps):
    server.on(UPLOADINGS, error(403, "invalid_token", "Invalid oauth_token"))
    with pytest.raises(InvalidToken):
        await client.uploadings(TOKEN, 42)
    assert len(server.requests) == 1
    assert sleeps == []


async def test_a_401_is_a_bad_token_even_without_a_json_body(client, server):
    server.on(COUNTER, raw(401, "<html>401 Authorization Required</html>"))
    assert isinstance(await fail(client.counter(TOKEN, 42)), InvalidToken)


async def test_a_proxy_403_page_is_unavailable_not_a_verdict_on_the_token(client, server):
    server.on(COUNTER, raw(403, "<html>Forbidden by proxy</html>"))
    exc = await fail(client.counter(TOKEN, 42))
    assert type(exc) is Unavailable
    assert len(server.requests) == 3


@pytest.mark.parametrize(
    "quota", ["quota_requests_by_uid", "quota_delegate_requests", "quota_grants_requests"]
)
async def test_a_daily_quota_raises_with_its_reset_time_and_is_not_retried(
    client, server, sleeps, quota
):
    server.on(UPLOADINGS, error(429, quota, "Quota exceeded"))
    exc = await fail(client.uploadings(TOKEN, 42))
    assert isinstance(exc, QuotaExceeded)
    assert (exc.quota, exc.daily, exc.status_code) == (quota, True, 429)
    assert exc.resets_at == datetime(2024, 5, 18, tzinfo=UTC)
    assert exc.retry_after is None
    assert len(server.requests) == 1
    assert sleeps == []


@pytest.mark.parametrize(
    "quota", ["quota_requests_by_ip", "quota_parallel_requests", "quota_requests_by_counter_id"]
)
async def test_a_short_term_quota_is_retried_with_backoff_then_raised(
    client, server, sleeps, quota
):
    server.on(UPLOADINGS, error(429, quota, "Too many requests"))
    exc = await fail(client.uploadings(TOKEN, 42))
    assert isinstance(exc, QuotaExceeded)
    assert (exc.quota, exc.daily, exc.resets_at) == (quota, False, None)
    assert len(server.requests) == 3
    assert sleeps == [0.5, 1.0]


async def test_retry_after_on_a_short_term_quota_is_the_delay_before_the_retry(
    client, server, sleeps
):
    server.on(UPLOADINGS, error(429, "quota_parallel_requests", retry_after="2"))
    server.on(UPLOADINGS, ok({"uploadings": [ITEM]}))
    assert len(await client.uploadings(TOKEN, 42)) == 1
    assert sleeps == [2.0]


async def test_a_retry_after_beyond_max_delay_raises_at_once_with_the_wait(client, server, sleeps):
    server.on(UPLOADINGS, error(429, "quota_requests_by_ip", retry_after="120"))
    exc = await fail(client.uploadings(TOKEN, 42))
    assert isinstance(exc, QuotaExceeded)
    assert exc.retry_after == 120.0
    assert len(server.requests) == 1
    assert sleeps == []


async def test_a_retry_after_date_on_a_503_is_honoured(client, server, sleeps):
    server.on(COUNTER, error(503, "backend_error", retry_after="Fri, 17 May 2024 15:30:10 GMT"))
    server.on(COUNTER, ok({"counter": {"id": 42}}))
    assert (await client.counter(TOKEN, 42)).id == 42
    assert sleeps == [10.0]


@pytest.mark.parametrize(
    ("status", "error_type"),
    [(500, "backend_error"), (502, "bad_gateway"), (503, "backend_error"), (504, "timeout")],
)
async def test_server_errors_are_retried_up_to_the_attempt_limit(
    client, server, sleeps, status, error_type
):
    server.on(COUNTER, error(status, error_type, "Backend error"))
    exc = await fail(client.counter(TOKEN, 42))
    assert type(exc) is Unavailable
    assert (exc.status_code, exc.error_type) == (status, error_type)
    assert len(server.requests) == 3
    assert sleeps == [0.5, 1.0]


async def test_a_transient_failure_followed_by_success_returns_the_result(client, server, sleeps):
    server.on(COUNTER, error(503, "backend_error"), raw(502, "<html>Bad gateway</html>"))
    server.on(COUNTER, ok({"counter": {"id": 42, "name": "Shop"}}))
    assert (await client.counter(TOKEN, 42)).name == "Shop"
    assert len(server.requests) == 3
    assert sleeps == [0.5, 1.0]


@pytest.mark.parametrize(
    ("exc_type", "kind"),
    [
        (httpx.ReadTimeout, "timeout"),
        (httpx.ConnectTimeout, "timeout"),
        (httpx.ConnectError, "network error"),
    ],
)
async def test_timeouts_and_connection_errors_are_unavailable_after_retries(
    client, server, sleeps, exc_type, kind
):
    server.on(COUNTER, raises(exc_type))
    exc = await fail(client.counter(TOKEN, 42))
    assert type(exc) is Unavailable
    assert exc.message.startswith(kind)
    assert isinstance(exc.__cause__, exc_type)
    assert len(server.requests) == 3
    assert sleeps == [0.5, 1.0]


async def test_an_html_page_with_status_200_is_unavailable(client, server):
    server.on(UPLOADINGS, raw(200, "<html><body>Captive portal</body></html>"))
    exc = await fail(client.uploadings(TOKEN, 42))
    assert type(exc) is Unavailable
    assert "unexpected response" in exc.message


@pytest.mark.parametrize(
    "body",
    [
        {},
        [],
        {"uploadings": None},
        {"uploadings": {"id": 7}},
        {"errors": [{"error_type": "backend_error"}]},
        {"uploadings": [{"status": "PROCESSED"}]},
        {"uploadings": [{"id": 7}]},
    ],
)
async def test_json_of_the_wrong_shape_is_unavailable_never_an_empty_list(client, server, body):
    server.on(UPLOADINGS, ok(body))
    exc = await fail(client.uploadings(TOKEN, 42))
    assert type(exc) is Unavailable
    assert exc.message.startswith("unexpected response")


async def test_a_redirect_is_not_followed(client, server):
    server.on(COUNTER, lambda r: httpx.Response(302, headers={"Location": "https://evil.test/"}))
    exc = await fail(client.counter(TOKEN, 42))
    assert type(exc) is Unavailable
    assert {r.url.host for r in server.requests} == {"metrica.test"}


def test_the_http_client_has_explicit_timeouts_and_no_redirects():
    http = create_http_client("https://metrica.test", timeout=12.0)
    assert (http.timeout.connect, http.timeout.read) == (5.0, 12.0)
    assert http.follow_redirects is False
    assert str(http.base_url) == "https://metrica.test"
    assert "metrica-calls-bot" in http.headers["User-Agent"]


# --- retry policy -----------------------------------------------------------------------------


def test_backoff_doubles_and_is_capped_at_max_delay():
    policy = RetryPolicy(attempts=10, base_delay=1.0, max_delay=4.0, jitter=False)
    delays = [policy.delay(Unavailable("down"), attempt) for attempt in range(1, 11)]
    assert delays == [1.0, 2.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, 4.0, None]


def test_full_jitter_draws_delays_between_zero_and_the_ceiling():
    policy = RetryPolicy(attempts=5, base_delay=1.0, max_delay=30.0)
    delays = [policy.delay(Unavailable("down"), 3) for _ in range(200)]
    assert all(d is not None and 0.0 <= d <= 4.0 for d in delays)
    assert len(set(delays)) > 100


# --- quota bookkeeping ------------------------------------------------------------------------


MONITOR = Caller("anna", RequestKind.MONITOR)


async def test_the_gate_counts_every_attempt_including_retries_and_failures(client, server, gate):
    server.on(COUNTER, error(503, "backend_error"), raises(httpx.ConnectError))
    server.on(COUNTER, ok({"counter": {"id": 42}}))
    await client.counter(TOKEN, 42, caller=MONITOR)
    server.on(UPLOADING, error(400, "invalid_parameter"))
    await fail(client.uploading(TOKEN, 42, 7, caller=MONITOR))
    assert gate.used("anna", NOW.date()) == 4
    assert gate.in_flight == {}  # every slot given back


async def test_a_spent_allowance_refuses_before_sending_and_is_not_retried(client, server, gate):
    server.on(COUNTER, ok({"counter": {"id": 42}}))
    for _ in range(8):
        await client.counter(TOKEN, 42, caller=MONITOR)
    exc = await fail(client.counter(TOKEN, 42, caller=MONITOR))
    assert isinstance(exc, AllowanceSpent)
    assert len(server.requests) == 8
    await client.counter(TOKEN, 42, caller=Caller("anna", RequestKind.COMMAND))  # its reserve


async def test_metricas_daily_refusal_closes_the_logins_day_in_the_gate(client, server, gate):
    server.on(COUNTER, error(429, "quota_requests_by_uid", "Quota exceeded"))
    exc = await fail(client.counter(TOKEN, 42, caller=MONITOR))
    assert isinstance(exc, QuotaExceeded)
    assert exc.daily
    exc = await fail(client.counter(OTHER_TOKEN, 42, caller=Caller("anna", RequestKind.COMMAND)))
    assert isinstance(exc, AllowanceSpent)
    assert len(server.requests) == 1


async def test_a_token_without_a_caller_is_not_counted(client, server, gate):
    server.on(COUNTERS, ok({"rows": 0, "counters": []}))
    await client.counters(TOKEN)
    assert gate.counts == {}


async def test_at_most_three_requests_per_token_are_in_flight_and_other_tokens_pass(
    client, server, limiter
):
    gate, three_in = asyncio.Event(), asyncio.Event()
    current = peak = 0

    async def blocking(request: httpx.Request) -> httpx.Response:
        nonlocal current, peak
        if request.headers["Authorization"] == f"OAuth {TOKEN}":
            current += 1
            peak = max(peak, current)
            if current == 3:
                three_in.set()
            await gate.wait()
            current -= 1
        return httpx.Response(200, json={"counter": {"id": 42}})

    server.on(COUNTER, blocking)
    tasks = [asyncio.create_task(client.counter(TOKEN, 42)) for _ in range(10)]
    await asyncio.wait_for(three_in.wait(), timeout=2)
    for _ in range(50):  # give a fourth request every chance to slip through
        await asyncio.sleep(0)
    assert (current, limiter.in_flight(token_fingerprint(TOKEN))) == (3, 3)
    other = await asyncio.wait_for(client.counter(OTHER_TOKEN, 42), timeout=2)
    assert other.id == 42
    gate.set()
    assert len(await asyncio.gather(*tasks)) == 10
    assert peak == 3
    assert limiter.in_flight(token_fingerprint(TOKEN)) == 0


# --- secrets ----------------------------------------------------------------------------------


async def test_the_token_never_appears_in_errors_or_logs(client, server, caplog):
    caplog.set_level(logging.DEBUG)
    server.on(COUNTER, error(503, "backend_error", f"backend error for {TOKEN}"))
    server.on(COUNTER, raises(httpx.ReadTimeout), ok({"counter": {"id": 42}}))
    await client.counter(TOKEN, 42)
    server.on(UPLOADING, error(403, "invalid_token", f"Invalid oauth_token {TOKEN}"))
    exc = await fail(client.uploading(TOKEN, 42, 7))
    assert isinstance(exc, InvalidToken)
    for text in (str(exc), repr(exc), exc.message, caplog.text):
        assert TOKEN not in text
    assert "OAuth" not in caplog.text
    assert f"GET {COUNTER} -> 503" in caplog.text
    assert any(r.levelno == logging.WARNING and r.name == "bot.metrica" for r in caplog.records)


async def test_a_listing_carries_a_digest_that_changes_only_with_the_answer(client, server):
    first = {"uploadings": [ITEM]}
    second = {"uploadings": [{**ITEM, "status": "MATCHED"}]}
    server.on(UPLOADINGS, ok(first), ok(first), ok(second))
    one, same, other = [await client.listing(TOKEN, 42) for _ in range(3)]
    assert [u.id for u in one.uploadings] == [7]
    assert one.digest == same.digest != other.digest
    assert len(one.digest) == 32


async def test_a_listing_the_same_as_the_known_one_is_parsed_only_when_asked(client, server):
    body = {"uploadings": [ITEM, {**ITEM, "id": 8, "status": "MATCHED"}]}
    server.on(UPLOADINGS, ok(body))
    first = await client.listing(TOKEN, 42)

    again = await client.listing(TOKEN, 42, known=first.digest)
    other = await client.listing(TOKEN, 42, known="0" * 32)

    assert (first.same, again.same, other.same) == (False, True, False)
    assert again.has_unfinished()
    assert first.has_unfinished()
    assert again.uploadings == first.uploadings  # parsed on demand, the same


async def test_what_the_fast_decoder_refuses_is_still_read_field_by_field(client, server):
    # orjson refuses NaN, which Python's json reads: the odd field is unknown, as before.
    body = '{"uploadings": [{"id": 7, "status": "PROCESSED", "line_quantity": NaN}]}'
    server.on(UPLOADINGS, lambda request: httpx.Response(200, text=body))

    [uploading] = await client.uploadings(TOKEN, 42)

    assert (uploading.id, uploading.line_quantity) == (7, None)
