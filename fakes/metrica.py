"""A fake Yandex Metrica Management API (the subset in /work/shared/metrica/openapi.yaml).

    with FakeMetrica() as metrica:
        metrica.add_token("tok-1", [2215573])
        metrica.add_uploading(2215573, status="MATCHED")
        # configure the bot with METRICA_API_URL=metrica.url ...

Requires `Authorization: OAuth <token>`; enforces visibility, scopes, a daily quota and 3
parallel requests per Yandex login (as Metrica does; each token has its own login unless told
otherwise); answers errors in Metrica's body shape. Uploadings are listed in ascending id order
(the real order is undocumented; the bot must sort them itself). It also serves login.yandex.ru's
`GET /info` (yandex_info.py) for the same accounts, which costs no Metrica quota.
"""

from __future__ import annotations

import threading
import time
from datetime import UTC, datetime

from fakes.http_base import FakeServer, Request, Response
from fakes.metrica_endpoints import MetricaEndpoints
from fakes.metrica_observe import MetricaObservation
from fakes.metrica_setup import MetricaSetup
from fakes.metrica_world import (
    PARALLEL_LIMIT,
    Failure,
    LoggedRequest,
    MetricaError,
    MetricaWorld,
)
from fakes.yandex_accounts import LoginState, TokenState
from fakes.yandex_info import InfoFailure, info_response, is_info_path


class FakeMetrica(MetricaSetup, MetricaObservation, FakeServer):
    """The fake Management API server; every public method is thread-safe."""

    def __init__(self, *, latency: float = 0.0, parallel_limit: int = PARALLEL_LIMIT) -> None:
        super().__init__()
        self.latency = latency
        self.parallel_limit = parallel_limit
        self.world = MetricaWorld()
        self.endpoints = MetricaEndpoints(self.world)
        self._log: list[LoggedRequest] = []
        self._info_failures: list[InfoFailure] = []
        self._in_flight = 0
        self.max_concurrency = 0
        self.parallel_rejections = 0
        self._quota_day = _today()
        self._open = threading.Event()
        self._open.set()

    # --- test-side setup -----------------------------------------------------------------------
    @property
    def upload_status(self) -> str:
        """The status of uploadings created by upload_calls (UPLOADED; PREPARED also real)."""
        return self.endpoints.upload_status

    @upload_status.setter
    def upload_status(self, value: str) -> None:
        with self.lock:
            self.endpoints.upload_status = value

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
        """Answer the next `count` matching Metrica requests with this error (after `delay`)."""
        failure = Failure(
            path_contains, status, error_type, message, count, retry_after, body, delay
        )
        with self.lock:
            self.world.failures.append(failure)

    def fail_info_next(
        self,
        *,
        status: int = 500,
        error: str = "server_error",
        description: str = "Internal server error",
        count: int = 1,
        body: bytes | None = None,
        delay: float | None = None,
    ) -> None:
        """Answer the next `count` /info requests (either fake) with this error."""
        with self.lock:
            self._info_failures.append(InfoFailure(status, error, description, count, body, delay))

    def pause(self) -> None:
        """Hold every admitted Management API request until `resume` (answers nothing meanwhile).

        Rejections at admission (429 quota_parallel_requests) still answer at once, so a test
        can make requests overlap for sure instead of hoping a latency is long enough.
        """
        self._open.clear()

    def resume(self) -> None:
        """Let held requests go on."""
        self._open.set()

    def stop(self) -> None:
        """Release held requests, then stop serving."""
        self.resume()
        super().stop()

    # --- HTTP ----------------------------------------------------------------------------------
    def handle(self, request: Request) -> Response:
        """/info aside: authenticate, admit (parallel limit per login), wait `latency`, route."""
        if is_info_path(request.path):
            return self.serve_info(request)
        token = _token(request.headers.get("authorization", ""))
        entry = self._enter(request, token, "metrica")
        with self.lock:
            state = self.world.accounts.valid(token)
            login = self.world.accounts.logins[state.login] if state is not None else None
            if state is not None and login is not None:
                state.requests += 1
                login.requests += 1
                if login.in_flight >= self.parallel_limit:
                    state.parallel_rejections += 1
                    login.parallel_rejections += 1
                    self.parallel_rejections += 1
                    return self._finish(entry, _parallel_error().response())
                _admit(state, login, +1)
            self._in_flight += 1
            self.max_concurrency = max(self.max_concurrency, self._in_flight)
            self.changed.notify_all()  # tests wait for requests to be in flight
        try:
            return self._finish(entry, self._admitted(request, state))
        finally:
            with self.lock:
                self._in_flight -= 1
                if state is not None and login is not None:
                    _admit(state, login, -1)

    def serve_info(self, request: Request, *, server: str = "metrica") -> Response:
        """Answer login.yandex.ru's /info (also called by FakeYandexOAuth for its own port)."""
        token = _token(request.headers.get("authorization", ""))
        entry = self._enter(request, token, server)
        with self.lock:
            failure = next(iter(self._info_failures), None)
            if failure is not None:
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self._info_failures.remove(failure)
        if failure is not None:
            if failure.delay:
                time.sleep(failure.delay)
            return self._finish(entry, failure.response())
        with self.lock:
            return self._finish(entry, info_response(self.world.accounts, request, token))

    def _enter(self, request: Request, token: str | None, server: str) -> LoggedRequest:
        """Log a request as it arrives."""
        with self.changed:
            state = self.world.tokens.get(token or "")
            entry = LoggedRequest(
                request.method,
                request.path,
                request.query,
                token,
                time.time(),
                login=state.login if state is not None else None,
                server=server,
            )
            self._log.append(entry)
            self.changed.notify_all()
            return entry

    def _admitted(self, request: Request, state: TokenState | None) -> Response:
        self._open.wait()
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
                self._count_quota(self.world.accounts.logins[state.login])
                return self.endpoints.route(request, state)
        except MetricaError as error:
            return error.response()

    def _finish(self, entry: LoggedRequest, response: Response) -> Response:
        with self.changed:
            entry.status = response.status
            self.changed.notify_all()
        return response

    def _count_quota(self, login: LoginState) -> None:
        today = _today()
        if today != self._quota_day:
            self._quota_day = today
            self.reset_quotas()
        if login.quota is not None and login.used_today >= login.quota:
            raise MetricaError(429, "quota_requests_by_uid", "Quota exceeded: requests per day")
        login.used_today += 1


def _admit(state: TokenState, login: LoginState, delta: int) -> None:
    """Count a request in (+1) or out (-1) of the token's and its login's in-flight numbers."""
    for holder in (state, login):
        holder.in_flight += delta
        holder.max_in_flight = max(holder.max_in_flight, holder.in_flight)


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
