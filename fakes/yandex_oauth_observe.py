"""Observation for the fake Yandex OAuth server: what clients asked, and waits on it.

A mixin of `FakeYandexOAuth`. Blocking waits use the fake's Condition with a timeout and raise
AssertionError saying what did happen (never a secret); the `*_async` variants run them in a
thread.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any, TypeVar

from fakes.yandex_oauth_world import (
    DeviceRequest,
    IssuedTokens,
    OAuthRequest,
    OAuthWorld,
    Refresh,
    Revocation,
    TokenPoll,
)

T = TypeVar("T")


class OAuthObservation:
    """Read-only views of the fake's state and waits on it."""

    lock: threading.RLock
    changed: threading.Condition
    world: OAuthWorld
    wait_until: Callable[[Callable[[], Any], float], Any]  # from FakeServer

    @property
    def requests(self) -> list[OAuthRequest]:
        """Every request to /device/code, /token and /revoke_token, oldest first."""
        with self.lock:
            return list(self.world.requests)

    def device_requests(self) -> list[DeviceRequest]:
        """Every POST /device/code with its parameters and outcome."""
        with self.lock:
            return list(self.world.device_requests)

    def token_polls(self, user_code: str | None = None) -> list[TokenPoll]:
        """Every device-code poll of /token (of one code when `user_code` is given)."""
        with self.lock:
            return [p for p in self.world.polls if user_code in (None, p.user_code)]

    def refreshes(self) -> list[Refresh]:
        """Every refresh_token request of /token."""
        with self.lock:
            return list(self.world.refreshes)

    def revocations(self) -> list[Revocation]:
        """Every POST /revoke_token."""
        with self.lock:
            return list(self.world.revocations)

    def issued_tokens(self) -> list[IssuedTokens]:
        """Every token pair handed out, oldest first."""
        with self.lock:
            return list(self.world.issued)

    def pending_user_codes(self) -> list[str]:
        """User codes waiting for approve/deny (not expired), oldest first."""
        with self.lock:
            return [
                code.user_code
                for code in self.world.codes.values()
                if code.state == "pending" and not code.expired
            ]

    def wait_for(self, condition: Callable[[], T | None], *, timeout: float, what: str) -> T:
        """Block until `condition()` (called under the lock) is truthy and return it."""
        result = self.wait_until(condition, timeout)
        if not result:
            raise AssertionError(f"expected {what} within {timeout}s; {self._summary()}")
        return result  # type: ignore[no-any-return]

    def wait_for_user_code(self, *, timeout: float = 10.0) -> str:
        """The newest pending user code, once there is one."""

        def newest() -> str | None:
            pending = self.pending_user_codes()
            return pending[-1] if pending else None

        return self.wait_for(newest, timeout=timeout, what="a pending user code")

    def wait_for_polls(
        self, count: int, *, user_code: str | None = None, timeout: float = 10.0
    ) -> list[TokenPoll]:
        """At least `count` device-code polls (of one code when `user_code` is given)."""

        def polls() -> list[TokenPoll] | None:
            found = self.token_polls(user_code)
            return found if len(found) >= count else None

        return self.wait_for(polls, timeout=timeout, what=f"{count} token polls")

    def wait_for_issued(self, count: int = 1, *, timeout: float = 10.0) -> list[IssuedTokens]:
        """At least `count` token pairs handed out."""
        return self.wait_for(
            lambda: self.issued_tokens() if len(self.world.issued) >= count else None,
            timeout=timeout,
            what=f"{count} issued token pairs",
        )

    def wait_for_refreshes(self, count: int = 1, *, timeout: float = 10.0) -> list[Refresh]:
        """At least `count` refresh requests."""
        return self.wait_for(
            lambda: self.refreshes() if len(self.world.refreshes) >= count else None,
            timeout=timeout,
            what=f"{count} refreshes",
        )

    def wait_for_revocations(self, count: int = 1, *, timeout: float = 10.0) -> list[Revocation]:
        """At least `count` revoke requests."""
        return self.wait_for(
            lambda: self.revocations() if len(self.world.revocations) >= count else None,
            timeout=timeout,
            what=f"{count} revocations",
        )

    async def wait_for_user_code_async(self, **kwargs: Any) -> str:
        """`wait_for_user_code` in a worker thread."""
        return await asyncio.to_thread(self.wait_for_user_code, **kwargs)

    async def wait_for_polls_async(self, count: int, **kwargs: Any) -> list[TokenPoll]:
        """`wait_for_polls` in a worker thread."""
        return await asyncio.to_thread(self.wait_for_polls, count, **kwargs)

    async def wait_for_issued_async(self, count: int = 1, **kwargs: Any) -> list[IssuedTokens]:
        """`wait_for_issued` in a worker thread."""
        return await asyncio.to_thread(self.wait_for_issued, count, **kwargs)

    async def wait_for_refreshes_async(self, count: int = 1, **kwargs: Any) -> list[Refresh]:
        """`wait_for_refreshes` in a worker thread."""
        return await asyncio.to_thread(self.wait_for_refreshes, count, **kwargs)

    async def wait_for_revocations_async(self, count: int = 1, **kwargs: Any) -> list[Revocation]:
        """`wait_for_revocations` in a worker thread."""
        return await asyncio.to_thread(self.wait_for_revocations, count, **kwargs)

    def _summary(self) -> str:
        """What happened so far, by endpoint and outcome (no codes or tokens)."""
        with self.lock:
            return (
                f"device requests {[r.error or r.status for r in self.world.device_requests]}, "
                f"polls {[p.error or p.status for p in self.world.polls]}, "
                f"refreshes {[r.error or r.status for r in self.world.refreshes]}, "
                f"revocations {[r.error or r.status for r in self.world.revocations]}"
            )
