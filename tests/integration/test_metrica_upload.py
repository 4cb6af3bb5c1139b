"""upload_calls against a fake Metrica behind httpx.MockTransport: the multipart request, the
typed result, the errors, and no retry of anything that may have arrived."""

from __future__ import annotations

from collections.abc import AsyncIterator

import httpx
import pytest

from bot.metrica import (
    InvalidRequest,
    InvalidToken,
    MetricaClient,
    RequestLimiter,
    RetryPolicy,
    Unavailable,
    Upload,
    WriteDenied,
    create_http_client,
)
from bot.metrica.gate import Allowance, Caller, MemoryGate, RequestKind
from tests.integration.test_metrica_client import (
    NOW,
    PREFIX,
    TOKEN,
    FakeMetrica,
    Sleeps,
    error,
    fail,
    ok,
    raises,
)

UPLOAD = f"{PREFIX}/counter/42/offline_conversions/upload_calls"
CSV = b"UserId,DateTime\n1,1700000000\n2,1700000001\n"
MADE = {"id": 99, "status": "UPLOADED", "source_quantity": 2, "comment": "May calls"}


@pytest.fixture
def server() -> FakeMetrica:
    return FakeMetrica()


@pytest.fixture
def sleeps() -> Sleeps:
    return Sleeps()


@pytest.fixture
async def client(server: FakeMetrica, sleeps: Sleeps) -> AsyncIterator[MetricaClient]:
    transport = httpx.MockTransport(server)
    async with create_http_client("https://metrica.test", transport=transport) as http:
        retry = RetryPolicy(attempts=3, base_delay=0.5, max_delay=30.0, jitter=False)
        yield MetricaClient(
            http,
            limiter=RequestLimiter(),
            gate=MemoryGate(Allowance(10, 0.8)),
            retry=retry,
            sleep=sleeps,
            now=lambda: NOW,
        )


def upload(comment: str = "May calls") -> Upload:
    return Upload("calls.csv", CSV, comment)


async def test_the_file_goes_as_the_multipart_part_file_with_the_comment_in_the_query(
    client, server
):
    server.on(UPLOAD, ok({"uploading": MADE}))
    made = await client.upload_calls(TOKEN, 42, upload())
    [request] = server.requests
    assert (request.method, request.url.path) == ("POST", UPLOAD)
    assert dict(request.url.params) == {"comment": "May calls"}
    assert request.headers["Authorization"] == f"OAuth {TOKEN}"
    assert request.headers["Content-Type"].startswith("multipart/form-data")
    body = request.content
    assert b'name="file"; filename="calls.csv"' in body
    assert CSV in body
    assert (made.id, made.status, made.source_quantity) == (99, "UPLOADED", 2)


async def test_an_upload_counts_against_the_callers_login(client, server):
    server.on(UPLOAD, ok({"uploading": MADE}))
    caller = Caller("login-a", RequestKind.COMMAND)
    await client.upload_calls(TOKEN, 42, upload(), caller=caller)
    assert len(server.requests) == 1


async def test_invalid_uploading_is_refused_with_metricas_message(client, server):
    server.on(UPLOAD, error(400, "invalid_uploading", "Wrong <b>format</b> of file"))
    refused = await fail(client.upload_calls(TOKEN, 42, upload()))
    assert isinstance(refused, InvalidRequest)
    assert refused.message == "Wrong <b>format</b> of file"
    assert len(server.requests) == 1


async def test_a_403_on_upload_means_the_token_may_not_write(client, server):
    server.on(UPLOAD, error(403, "access_denied", "Access denied"))
    refused = await fail(client.upload_calls(TOKEN, 42, upload()))
    assert isinstance(refused, WriteDenied)


async def test_a_403_invalid_token_on_upload_is_still_a_bad_token(client, server):
    server.on(UPLOAD, error(403, "invalid_token", "Invalid oauth_token"))
    assert isinstance(await fail(client.upload_calls(TOKEN, 42, upload())), InvalidToken)


@pytest.mark.parametrize(
    "failure",
    [
        error(503, "backend_error"),
        error(504, "timeout"),
        error(429, "quota_parallel_requests"),
        raises(httpx.ReadTimeout),
        raises(httpx.RemoteProtocolError),
        raises(httpx.WriteError),
    ],
)
async def test_nothing_that_may_have_arrived_is_sent_twice(client, server, sleeps, failure):
    server.on(UPLOAD, failure, ok({"uploading": MADE}))
    await fail(client.upload_calls(TOKEN, 42, upload()))
    assert len(server.requests) == 1
    assert sleeps == []


@pytest.mark.parametrize("exc_type", [httpx.ConnectError, httpx.ConnectTimeout])
async def test_a_connection_that_never_opened_is_tried_again(client, server, sleeps, exc_type):
    server.on(UPLOAD, raises(exc_type), ok({"uploading": MADE}))
    made = await client.upload_calls(TOKEN, 42, upload())
    assert made.id == 99
    assert len(server.requests) == 2
    assert len(sleeps) == 1


async def test_connection_failures_give_up_after_the_policys_attempts(client, server):
    server.on(UPLOAD, raises(httpx.ConnectError))
    failure = await fail(client.upload_calls(TOKEN, 42, upload()))
    assert isinstance(failure, Unavailable)
    assert not failure.sent
    assert len(server.requests) == 3
