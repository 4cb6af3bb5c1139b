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
import random
import time
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any, TypeVar

import httpx
import orjson

from bot import metrics
from bot.clock import utc_now
from bot.domain import Counter, Uploading
from bot.metrica.errors import MetricaError, QuotaExceeded, Unavailable, parse_error
from bot.metrica.gate import Caller, RequestGate, Ticket
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
USER_AGENT = "metrica-calls-bot/0.1 (httpx)"

logger = logging.getLogger("bot.metrica")

T = TypeVar("T")


def create_http_client(
    base_url: str, *, timeout: float = 20.0, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """The one long-lived httpx client for Metrica, with explicit timeouts and no redirects."""
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=httpx.Timeout(timeout, connect=5.0),
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        follow_redirects=False,
        transport=transport,
    )


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently to retry transient failures."""

    attempts: int = 3
    base_delay: float = 0.5
    max_delay: float = 30.0
    jitter: bool = True

    def delay(self, error: MetricaError, attempt: int) -> float | None:
        """Seconds to wait before the next attempt after this failed one, or None to give up."""
        transient = isinstance(error, Unavailable) or (
            isinstance(error, QuotaExceeded) and not error.daily
        )
        if not transient or attempt >= self.attempts:
            return None
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            return retry_after if retry_after <= self.max_delay else None
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        # Full jitter spreads retries of many pollers; not a security use of randomness.
        return random.uniform(0, ceiling) if self.jitter else ceiling  # noqa: S311


class MetricaClient:
    """Reads counters and call uploadings; every attempt goes through the limiter and the gate."""

    def __init__(
        self,
        http: httpx.AsyncClient,
        *,
        limiter: RequestLimiter,
        gate: RequestGate | None = None,
        retry: RetryPolicy = RetryPolicy(),
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

    async def _call(
        self,
        token: str,
        caller: Caller | None,
        path: str,
        params: dict[str, int] | None,
        parse: Callable[[Any], T],
        *,
        digest: bool = False,
    ) -> T:
        """GET and parse, retrying transient failures as the policy allows."""
        attempt = 0
        while True:
            attempt += 1
            try:
                answer = await self._send(token, caller, path, params)
                return parse(answer if digest else answer.body)
            except MetricaError as error:
                error.redact(token)
                delay = self._retry.delay(error, attempt)
                if delay is None:
                    raise
                logger.warning(
                    "GET %s failed (%s: %s); retry %d of %d in %.2f s",
                    API_PREFIX + path,
                    type(error).__name__,
                    error,
                    attempt,
                    self._retry.attempts - 1,
                    delay,
                )
            await self._sleep(delay)

    async def _send(
        self, token: str, caller: Caller | None, path: str, params: dict[str, int] | None
    ) -> Answer:
        """One attempt inside the login's slots; the decoded 2xx answer."""
        day = self._now().astimezone(UTC).date()
        gate = self._gate if caller is not None else None
        async with self._limiter.slot(caller.key if caller else token_fingerprint(token)):
            ticket = await gate.acquire(caller, day) if gate and caller else None
            try:
                return await metrics.metrica_request(self._attempt(token, path, params))
            except QuotaExceeded as error:
                if gate is not None and caller is not None and error.daily:
                    await gate.spent(caller.key, day)
                raise
            finally:
                if gate is not None and ticket is not None:
                    await _release(gate, ticket)

    async def _attempt(self, token: str, path: str, params: dict[str, int] | None) -> Answer:
        """The request and its answer: a 2xx decoded, anything else its MetricaError."""
        response = await self._get(token, path, params)
        if not response.is_success:
            raise parse_error(response, self._now())
        return Answer(response.content, lambda: _json(response))

    async def _get(self, token: str, path: str, params: dict[str, int] | None) -> httpx.Response:
        """The HTTP request itself; network failures become Unavailable."""
        url = API_PREFIX + path
        started = time.perf_counter()
        try:
            response = await self._http.get(
                url, params=params, headers={"Authorization": f"OAuth {token}"}
            )
        except httpx.RequestError as exc:
            elapsed = (time.perf_counter() - started) * 1000
            logger.debug("GET %s failed after %.0f ms: %s", url, elapsed, type(exc).__name__)
            kind = "timeout" if isinstance(exc, httpx.TimeoutException) else "network error"
            raise Unavailable(f"{kind}: {type(exc).__name__}") from exc
        elapsed = (time.perf_counter() - started) * 1000
        logger.debug("GET %s -> %d in %.0f ms", url, response.status_code, elapsed)
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
