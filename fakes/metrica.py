"""A fake Yandex Metrica Management API (the subset in /work/shared/metrica/openapi.yaml).

    with FakeMetrica() as metrica:
        metrica.add_token("tok-1", [2215573])
        metrica.add_uploading(2215573, status="MATCHED")
        # configure the bot with METRICA_API_URL=metrica.url ...

Requires `Authorization: OAuth <token>`; enforces visibility, a daily quota and 3 parallel
requests per token; answers errors in Metrica's body shape. Uploadings are listed in ascending
id order (the real order is undocumented; the bot must sort them itself).
"""

from __future__ import annotations

import asyncio
import re
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import Any

from fakes.http_base import FakeServer, Request, Response
from fakes.metrica_world import (
    PARALLEL_LIMIT,
    Failure,
    LoggedRequest,
    MetricaError,
    MetricaWorld,
    TokenState,
    int_param,
    invalid_parameter,
    now_iso,
    summarize_calls_csv,
)

_PREFIX = "/management/v1"
_COUNTER = rf"^{_PREFIX}/counter/(?P<counter>[^/]+)"
_OFFLINE = rf"{_COUNTER}/offline_conversions"


class FakeMetrica(FakeServer):
    """The fake Management API server; every public method is thread-safe."""

    def __init__(self, *, latency: float = 0.0, parallel_limit: int = PARALLEL_LIMIT) -> None:
        super().__init__()
        self.latency = latency
        self.parallel_limit = parallel_limit
        self.world = MetricaWorld()
        self._log: list[LoggedRequest] = []
        self._in_flight = 0
        self.max_concurrency = 0
        self.parallel_rejections = 0
        self._quota_day = _today()
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., Response]]] = [
            ("GET", re.compile(rf"^{_PREFIX}/counters/?$"), self._counters),
            ("GET", re.compile(rf"{_COUNTER}/?$"), self._counter),
            ("GET", re.compile(rf"{_OFFLINE}/calls_uploadings/?$"), self._uploadings),
            ("GET", re.compile(rf"{_OFFLINE}/calls_uploading/(?P<uid>[^/]+)/?$"), self._uploading),
            ("POST", re.compile(rf"{_OFFLINE}/upload_calls/?$"), self._upload),
        ]

    # --- test-side setup -----------------------------------------------------------------------
    def add_token(
        self,
        token: str,
        counter_ids: Iterable[int] = (),
        login: str = "user",
        *,
        quota: int | None = None,
    ) -> None:
        """A valid OAuth token of `login` that sees `counter_ids` (created when missing)."""
        with self.lock:
            ids = set(counter_ids)
            for counter_id in ids:
                if counter_id not in self.world.counters:
                    self.world.add_counter(counter_id, owner_login=login)
            self.world.tokens[token] = TokenState(token, login, ids, quota=quota)

    def grant(self, token: str, counter_id: int) -> None:
        """Let an existing token see one more counter."""
        with self.lock:
            self.world.tokens[token].counter_ids.add(counter_id)

    def revoke(self, token: str) -> None:
        """The token now answers 403 invalid_token."""
        with self.lock:
            self.world.tokens[token].revoked = True

    def set_quota(self, token: str, quota: int | None, *, used: int | None = None) -> None:
        """Daily request quota of a token (None: unlimited); optionally set today's use."""
        with self.lock:
            state = self.world.tokens[token]
            state.quota = quota
            if used is not None:
                state.used_today = used

    def reset_quotas(self) -> None:
        """Start a new quota day for every token."""
        with self.lock:
            for state in self.world.tokens.values():
                state.used_today = 0

    def add_counter(
        self, counter_id: int, name: str | None = None, site: str | None = None, **fields: Any
    ) -> dict[str, Any]:
        """Create or update a counter (other fields: status, owner_login, code_status...)."""
        extra = {"name": name, "site": site, **fields}
        with self.lock:
            counter = self.world.add_counter(
                counter_id, **{k: v for k, v in extra.items() if v is not None}
            )
            return dict(counter)

    def add_uploading(self, counter_id: int, **fields: Any) -> dict[str, Any]:
        """A call uploading; defaults: next id, create_time now, status UPLOADED, 10 lines."""
        with self.lock:
            return dict(self.world.add_uploading(counter_id, **fields))

    def set_status(
        self, counter_id: int, uploading_id: int, status: str, **fields: Any
    ) -> dict[str, Any]:
        """Move an uploading to `status` (any string) and update other fields."""
        with self.lock:
            uploading = self.world.uploadings[counter_id][uploading_id]
            uploading.update(fields, status=status)
            return dict(uploading)

    def uploadings(self, counter_id: int) -> list[dict[str, Any]]:
        """The counter's uploadings, ascending id."""
        with self.lock:
            items = self.world.uploadings.get(counter_id, {})
            return [dict(items[key]) for key in sorted(items)]

    def fail_next(
        self,
        path_contains: str | None = None,
        *,
        status: int = 503,
        error_type: str = "backend_error",
        message: str = "Backend error",
        count: int = 1,
        retry_after: int | None = None,
        body: bytes | None = None,
        delay: float | None = None,
    ) -> None:
        """Answer the next `count` matching requests with this error (after `delay` seconds)."""
        failure = Failure(
            path_contains, status, error_type, message, count, retry_after, body, delay
        )
        with self.lock:
            self.world.failures.append(failure)

    # --- observation ---------------------------------------------------------------------------
    @property
    def requests(self) -> list[LoggedRequest]:
        """Every request received, oldest first."""
        with self.lock:
            return list(self._log)

    def requests_for(self, token: str) -> list[LoggedRequest]:
        """Requests that carried this token."""
        return [request for request in self.requests if request.token == token]

    @property
    def request_counts(self) -> dict[str | None, int]:
        """Number of requests per token (None: no or malformed Authorization header)."""
        counts: dict[str | None, int] = {}
        for request in self.requests:
            counts[request.token] = counts.get(request.token, 0) + 1
        return counts

    def max_parallel(self, token: str) -> int:
        """The highest number of simultaneous admitted requests seen for a token."""
        with self.lock:
            return self.world.tokens[token].max_in_flight

    def quota_used(self, token: str) -> int:
        """Requests counted against the token's daily quota today."""
        with self.lock:
            return self.world.tokens[token].used_today

    def wait_for_requests(
        self, count: int, *, path_contains: str | None = None, timeout: float = 10.0
    ) -> list[LoggedRequest]:
        """Block until at least `count` matching requests arrived; AssertionError on timeout."""

        def matching() -> list[LoggedRequest]:
            return [r for r in self._log if path_contains is None or path_contains in r.path]

        if not self.wait_until(lambda: len(matching()) >= count, timeout):
            raise AssertionError(
                f"expected {count} requests matching {path_contains!r} within {timeout}s, "
                f"got {[r.path for r in self.requests]}"
            )
        with self.lock:
            return matching()

    async def wait_for_requests_async(self, count: int, **kwargs: Any) -> list[LoggedRequest]:
        """`wait_for_requests` in a worker thread."""
        return await asyncio.to_thread(self.wait_for_requests, count, **kwargs)

    # --- HTTP ----------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        """Authenticate, admit (parallel limit), wait `latency`, then route."""
        token = _token(request.headers.get("authorization", ""))
        entry = LoggedRequest(request.method, request.path, request.query, token, time.time())
        with self.changed:
            self._log.append(entry)
            self.changed.notify_all()
            state = self.world.tokens.get(token or "")
            state = state if state is not None and not state.revoked else None
            if state is not None:
                state.requests += 1
                if state.in_flight >= self.parallel_limit:
                    state.parallel_rejections += 1
                    self.parallel_rejections += 1
                    return self._finish(entry, _parallel_error().response())
                state.in_flight += 1
                state.max_in_flight = max(state.max_in_flight, state.in_flight)
            self._in_flight += 1
            self.max_concurrency = max(self.max_concurrency, self._in_flight)
        try:
            return self._finish(entry, self._admitted(request, state))
        finally:
            with self.lock:
                self._in_flight -= 1
                if state is not None:
                    state.in_flight -= 1

    def _admitted(self, request: Request, state: TokenState | None) -> Response:
        if self.latency:
            time.sleep(self.latency)
        with self.lock:
            failure = self.world.take_failure(request.path)
        if failure is not None:
            if failure.delay:
                time.sleep(failure.delay)
            return failure.response()
        if state is None:
            return MetricaError(403, "invalid_token", "Invalid oauth_token").response()
        try:
            with self.lock:
                self._count_quota(state)
                return self._route(request, state)
        except MetricaError as error:
            return error.response()

    def _finish(self, entry: LoggedRequest, response: Response) -> Response:
        entry.status = response.status
        return response

    def _count_quota(self, state: TokenState) -> None:
        today = _today()
        if today != self._quota_day:
            self._quota_day = today
            for token_state in self.world.tokens.values():
                token_state.used_today = 0
        if state.quota is not None and state.used_today >= state.quota:
            raise MetricaError(429, "quota_requests_by_uid", "Quota exceeded: requests per day")
        state.used_today += 1

    def _route(self, request: Request, state: TokenState) -> Response:
        for method, pattern, view in self._routes:
            match = pattern.match(request.path)
            if match and request.method == method:
                return view(request, state, **match.groupdict())
        raise MetricaError(404, "not_found", "Resource not found")

    # --- endpoints -----------------------------------------------------------------------------
    def _counters(self, request: Request, state: TokenState) -> Response:
        per_page = min(int_param(request.query, "per_page", 1000, 1), 1000)
        offset = int_param(request.query, "offset", 1, 1)
        search = request.query.get("search_string", "").lower()
        visible = [
            self.world.counters[counter_id]
            for counter_id in sorted(state.counter_ids)
            if counter_id in self.world.counters
        ]
        if search:
            visible = [c for c in visible if search in f"{c['name']} {c['site']}".lower()]
        page = visible[offset - 1 : offset - 1 + per_page]
        return Response.json(200, {"rows": len(visible), "counters": [dict(c) for c in page]})

    def _counter(self, request: Request, state: TokenState, counter: str) -> Response:
        return Response.json(200, {"counter": dict(self.world.counter_for(state, counter))})

    def _uploadings(self, request: Request, state: TokenState, counter: str) -> Response:
        counter_id = self.world.counter_for(state, counter)["id"]
        limit = int_param(request.query, "limit", 10000, 1)
        offset = int_param(request.query, "offset", 0, 0)
        items = self.world.uploadings.get(counter_id, {})
        page = [dict(items[key]) for key in sorted(items)][offset : offset + limit]
        return Response.json(200, {"uploadings": page})

    def _uploading(self, request: Request, state: TokenState, counter: str, uid: str) -> Response:
        counter_id = self.world.counter_for(state, counter)["id"]
        try:
            uploading = self.world.uploadings.get(counter_id, {})[int(uid)]
        except (ValueError, KeyError):
            raise invalid_parameter("No object with specified ID.") from None
        return Response.json(200, {"uploading": dict(uploading)})

    def _upload(self, request: Request, state: TokenState, counter: str) -> Response:
        counter_id = self.world.counter_for(state, counter)["id"]
        if request.content_type != "multipart/form-data":
            raise invalid_parameter("Expected multipart/form-data with a 'file' part")
        _, files = request.form()
        if "file" not in files:
            raise MetricaError(400, "missing_parameter", "Required part 'file' is not present")
        fields = summarize_calls_csv(files["file"].content)
        comment = request.query.get("comment", "")
        if len(comment) > 255:
            raise invalid_parameter("comment is longer than 255 characters")
        uploading = self.world.add_uploading(
            counter_id, **fields, comment=comment, create_time=now_iso(), status="UPLOADED"
        )
        return Response.json(200, {"uploading": dict(uploading)})


def _token(header: str) -> str | None:
    """The token of an `OAuth <token>` header (other schemes are not Metrica's)."""
    scheme, _, value = header.strip().partition(" ")
    if scheme.lower() != "oauth":
        return None
    return value.strip() or None


def _parallel_error() -> MetricaError:
    return MetricaError(429, "quota_parallel_requests", "Too many parallel requests")


def _today() -> str:
    return datetime.now(UTC).date().isoformat()
