"""The Metrica Management API client: typed results, the error tree, quotas and retries.

Every method takes the token and, for a saved credential, the `Caller` its requests count
against: then each attempt first asks the RequestGate (the login's allowance and a parallel
slot shared by every process). Without a caller (a token being checked before it is saved)
only this process's limiter applies.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import orjson

from bot import metrics
from bot.clock import utc_now
from bot.domain import Counter, Uploading
from bot.metrica.errors import (
    AccessDenied,
    MetricaError,
    QuotaExceeded,
    Unavailable,
    WriteDenied,
    parse_error,
)
from bot.metrica.gate import Caller, RequestGate, Ticket
from bot.metrica.http import DEFAULT_RETRY, RetryPolicy, Upload
from bot.metrica.parsing import (
    Answer,
    Listing,
    parse_counter_body,
    parse_counters_page,
    parse_listing,
    parse_uploading_body,
    parse_uploadings,
)
from bot.metrica.quota import RequestLimiter, token_fingerprint

API_PREFIX = "/management/v1"
COUNTERS_PAGE_SIZE = 1000
NOT_SENT = (httpx.ConnectError, httpx.ConnectTimeout, httpx.PoolTimeout)

logger = logging.getLogger("bot.metrica")

T = TypeVar("T")


class MetricaClient:
    """Reads counters and call uploadings; every attempt goes through the limiter and the gate."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        limiter: RequestLimiter,
        gate: RequestGate | None = None,
        retry: RetryPolicy = DEFAULT_RETRY,
        sleep: Callable[[float], Awaitable[object]] = asyncio.sleep,
        now: Callable[[], datetime] = utc_now,
    ) -> None:
        self._http = http
        self._limiter = limiter
        self._gate = gate
        self._retry = retry
        self._sleep = sleep
        self._now = now

    @property
    def limiter(self) -> RequestLimiter:
        """This process's limiter (to see what it keeps in memory)."""
        return self._limiter

    async def counters(self, token: str, *, caller: Caller | None = None) -> list[Counter]:
        """Every counter the token can see, paging through /counters."""
        found: dict[int, Counter] = {}
        offset = 1  # this endpoint's offset is 1-based
        while True:
            params = {"per_page": COUNTERS_PAGE_SIZE, "offset": offset}
            total, page = await self._call(token, caller, "/counters", params, parse_counters_page)
            for counter in page:
                found.setdefault(counter.id, counter)
            offset += len(page)
            if len(page) < COUNTERS_PAGE_SIZE or (total is not None and offset > total):
                return list(found.values())

    async def counter(
        self, token: str, counter_id: int, *, caller: Caller | None = None
    ) -> Counter:
        """One counter."""
        path = f"/counter/{int(counter_id)}"
        return await self._call(token, caller, path, None, parse_counter_body)

    async def uploadings(
        self,
        token: str,
        counter_id: int,
        *,
        caller: Caller | None = None,
        limit: int = 10000,
        offset: int = 0,
    ) -> list[Uploading]:
        """Call uploadings of a counter, in the order Metrica returns them."""
        path = f"/counter/{int(counter_id)}/offline_conversions/calls_uploadings"
        params = {"limit": limit, "offset": offset}
        return await self._call(token, caller, path, params, parse_uploadings)

    async def listing(
        self,
        token: str,
        counter_id: int,
        *,
        caller: Caller | None = None,
        known: str | None = None,
    ) -> Listing:
        """All call uploadings of a counter, with a digest of the answer (cheap to compare).

        An answer whose digest is `known` (the list seen last) is left unparsed until needed.
        """
        path = f"/counter/{int(counter_id)}/offline_conversions/calls_uploadings"
        params = {"limit": 10000, "offset": 0}
        parse = functools.partial(parse_listing, known=known)
        return await self._call(token, caller, path, params, parse, digest=True)

    async def uploading(
        self, token: str, counter_id: int, uploading_id: int, *, caller: Caller | None = None
    ) -> Uploading:
        """One call uploading."""
        path = f"/counter/{int(counter_id)}/offline_conversions/calls_uploading/{int(uploading_id)}"
        return await self._call(token, caller, path, None, parse_uploading_body)

    async def upload_calls(
        self, token: str, counter_id: int, upload: Upload, *, caller: Caller | None = None
    ) -> Uploading:
        """Send a calls CSV; the new uploading. Retried only when surely not sent (not idempotent).

        A 403 other than invalid_token is WriteDenied: the token may read but not upload.
        """
        path = f"/counter/{int(counter_id)}/offline_conversions/upload_calls"
        return await self._call(token, caller, path, None, parse_uploading_body, upload=upload)

    async def _call(
        self,
        token: str,
        caller: Caller | None,
        path: str,
        params: dict[str, int] | None,
        parse: Callable[[Any], T],
        *,
        digest: bool = False,
        upload: Upload | None = None,
    ) -> T:
        """Send and parse, retrying transient failures as the policy allows."""
        attempt = 0
        while True:
            attempt += 1
            try:
                answer = await self._send(token, caller, path, params, upload)
                return parse(answer if digest else answer.body)
            except MetricaError as error:
                error.redact(token)
                retryable = upload is None or (isinstance(error, Unavailable) and not error.sent)
                delay = self._retry.delay(error, attempt) if retryable else None
                if delay is None:
                    if upload is not None and isinstance(error, AccessDenied):
                        raise WriteDenied.of(error) from error
                    raise
                self._log_retry(path, error, attempt, delay)
            await self._sleep(delay)

    def _log_retry(self, path: str, error: MetricaError, attempt: int, delay: float) -> None:
        """A failed attempt that will be tried again."""
        logger.warning(
            "%s failed (%s: %s); retry %d of %d in %.2f s",
            API_PREFIX + path,
            type(error).__name__,
            error,
            attempt,
            self._retry.attempts - 1,
            delay,
        )

    async def _send(
        self,
        token: str,
        caller: Caller | None,
        path: str,
        params: dict[str, int] | None,
        upload: Upload | None,
    ) -> Answer:
        """One attempt inside the login's slots; the decoded 2xx answer."""
        day = self._now().astimezone(UTC).date()
        gate = self._gate if caller is not None else None
        async with self._limiter.slot(caller.key if caller else token_fingerprint(token)):
            ticket = await gate.acquire(caller, day) if gate and caller else None
            try:
                return await metrics.metrica_request(self._attempt(token, path, params, upload))
            except QuotaExceeded as error:
                if gate is not None and caller is not None and error.daily:
                    await gate.spent(caller.key, day)
                raise
            finally:
                if gate is not None and ticket is not None:
                    await _release(gate, ticket)

    async def _attempt(
        self, token: str, path: str, params: dict[str, int] | None, upload: Upload | None
    ) -> Answer:
        """The request and its answer: a 2xx decoded, anything else its MetricaError."""
        response = await self._request(token, path, params, upload)
        if not response.is_success:
            raise parse_error(response, self._now())
        return Answer(response.content, lambda: _json(response))

    async def _request(
        self, token: str, path: str, params: dict[str, int] | None, upload: Upload | None
    ) -> httpx.Response:
        """The HTTP request itself (a GET, or the upload's POST); network failures: Unavailable."""
        url, method = API_PREFIX + path, "GET" if upload is None else "POST"
        headers = {"Authorization": f"OAuth {token}"}
        started = time.perf_counter()
        try:
            if upload is None:
                response = await self._http.get(url, params=params, headers=headers)
            else:
                response = await self._http.post(url, headers=headers, **upload.request())
        except httpx.RequestError as exc:
            elapsed = (time.perf_counter() - started) * 1000
            logger.debug("%s %s failed after %.0f ms: %s", method, url, elapsed, type(exc).__name__)
            kind = "timeout" if isinstance(exc, httpx.TimeoutException) else "network error"
            # Only a failed connection surely never reached Metrica: the rest may have.
            sent = not isinstance(exc, NOT_SENT)
            raise Unavailable(f"{kind}: {type(exc).__name__}", sent=sent) from exc
        elapsed = (time.perf_counter() - started) * 1000
        logger.debug("%s %s -> %d in %.0f ms", method, url, response.status_code, elapsed)
        return response


def _json(response: httpx.Response) -> Any:
    """The decoded JSON of an answer; a body that is not JSON is Unavailable."""
    try:
        # orjson: a 10,000-item list decodes in ~60% of the time json needs (BENCHMARKS.md §1).
        return orjson.loads(response.content)
    except ValueError:
        pass
    try:
        # What orjson refuses but json reads (an integer past 64 bits, another charset)
        # must still be read field by field, as before.
        return response.json()
    except ValueError:
        raise Unavailable(
            "unexpected response: body is not JSON", status_code=response.status_code
        ) from None


async def _release(gate: RequestGate, ticket: Ticket) -> None:
    """Give the slot back; if that fails, its lease runs out by itself."""
    try:
        await gate.release(ticket)
    except Exception:
        logger.exception("could not give back a parallel slot; it frees when its lease ends")
