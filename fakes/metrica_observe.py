"""Observation for the fake Metrica: requests, quota use, concurrency, uploads, and waits on them.

A mixin of `FakeMetrica`. Blocking waits use the fake's Condition with a timeout and raise
AssertionError describing what did happen; the `*_async` variants run them in a thread.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

from fakes.metrica_world import LoggedRequest, MetricaWorld, RecordedUpload
from fakes.yandex_accounts import TokenView


class MetricaObservation:
    """Read-only views of the fake's state and waits on it."""

    lock: threading.RLock
    changed: threading.Condition
    world: MetricaWorld
    _log: list[LoggedRequest]
    wait_until: Callable[[Callable[[], Any], float], Any]  # from FakeServer

    @property
    def requests(self) -> list[LoggedRequest]:
        """Every request received (Management API and /info), oldest first."""
        with self.lock:
            return list(self._log)

    def requests_for(self, token: str) -> list[LoggedRequest]:
        """Requests that carried this token."""
        return [request for request in self.requests if request.token == token]

    def requests_for_login(self, login: str) -> list[LoggedRequest]:
        """Requests that carried any token of this login."""
        return [request for request in self.requests if request.login == login]

    def info_requests(self) -> list[LoggedRequest]:
        """Every /info request, whichever of the two fakes it reached (see `.server`)."""
        return [request for request in self.requests if request.path.rstrip("/") == "/info"]

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

    def max_parallel_login(self, login: str) -> int:
        """The highest number of simultaneous admitted requests seen for all tokens of a login."""
        with self.lock:
            return self.world.accounts.logins[login].max_in_flight

    def quota_used(self, token: str) -> int:
        """Requests counted today against the daily quota of the token's login."""
        with self.lock:
            return self.world.accounts.logins[self.world.tokens[token].login].used_today

    def quota_used_login(self, login: str) -> int:
        """Requests counted today against the login's daily quota (all its tokens)."""
        with self.lock:
            return self.world.accounts.logins[login].used_today

    def login_of(self, token: str) -> str:
        """The Yandex login a token belongs to."""
        with self.lock:
            return self.world.tokens[token].login

    def uid_of(self, login: str) -> str:
        """The numeric Yandex user id (a string) /info answers for a login."""
        with self.lock:
            return self.world.accounts.logins[login].uid

    def token_view(self, token: str) -> TokenView | None:
        """A snapshot of a token (login, scopes, app, device, revoked, expired); None: unknown."""
        with self.lock:
            return self.world.accounts.view(token)

    def uploads(self) -> list[RecordedUpload]:
        """Every routed upload_calls request, oldest first (refused ones have `uploading` None)."""
        with self.lock:
            return list(self.world.uploads)

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

    def wait_for_uploads(self, count: int = 1, *, timeout: float = 10.0) -> list[RecordedUpload]:
        """Block until at least `count` uploads were answered; AssertionError on timeout."""

        def answered() -> list[RecordedUpload]:
            return [upload for upload in self.world.uploads if upload.status is not None]

        if not self.wait_until(lambda: len(answered()) >= count, timeout):
            raise AssertionError(
                f"expected {count} answered uploads within {timeout}s, "
                f"got {[(u.counter, u.status) for u in self.uploads()]}"
            )
        with self.lock:
            return answered()

    async def wait_for_uploads_async(self, count: int = 1, **kwargs: Any) -> list[RecordedUpload]:
        """`wait_for_uploads` in a worker thread."""
        return await asyncio.to_thread(self.wait_for_uploads, count, **kwargs)
