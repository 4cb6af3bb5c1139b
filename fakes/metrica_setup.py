"""Test-side setup of the fake Metrica: logins, tokens, quotas, counters and uploadings.

A mixin of `FakeMetrica`; every method takes the fake's lock. Metrica counts quotas per login:
each token gets a login of its own (login-1, login-2, ...) unless the test names one.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Iterable
from typing import Any

from fakes.metrica_world import MetricaWorld


class MetricaSetup:
    """Who exists, what they see, what they may do, how much they used; what there is to see."""

    lock: threading.RLock
    world: MetricaWorld

    def add_token(
        self,
        token: str,
        counter_ids: Iterable[int] = (),
        login: str | None = None,
        *,
        quota: int | None = None,
        scopes: Iterable[str] | None = None,
        client_id: str | None = None,
        device_id: str | None = None,
        expires_in: float | None = None,
    ) -> str:
        """A valid token of `login` (None: a login of its own) that sees `counter_ids`.

        `quota` (when given) is the login's daily quota; `scopes` default to metrika:read and
        metrika:offline_data; `client_id`/`device_id` are the app and device it was issued to
        (shown by /info, checked by the fake OAuth's revoke). Returns the token's login.
        """
        with self.lock:
            state = self.world.accounts.add_token(
                token,
                login,
                counter_ids,
                scopes=scopes,
                client_id=client_id,
                device_id=device_id,
                expires_in=expires_in,
            )
            for counter_id in state.counter_ids:
                if counter_id not in self.world.counters:
                    self.world.add_counter(counter_id, owner_login=state.login)
            if quota is not None:
                self.world.accounts.logins[state.login].quota = quota
            return state.login

    def add_login(
        self,
        login: str,
        counter_ids: Iterable[int] = (),
        *,
        uid: str | None = None,
        quota: int | None = None,
    ) -> str:
        """Create or update a login whose every token (also future ones) sees `counter_ids`.

        `uid` fixes the numeric id /info answers; returns that id.
        """
        with self.lock:
            state = self.world.accounts.login(login, uid=uid)
            for counter_id in counter_ids:
                state.counter_ids.add(counter_id)
                if counter_id not in self.world.counters:
                    self.world.add_counter(counter_id, owner_login=login)
            if quota is not None:
                state.quota = quota
            return state.uid

    def grant(self, token: str, counter_id: int) -> None:
        """Let an existing token see one more counter."""
        with self.lock:
            self.world.tokens[token].counter_ids.add(counter_id)

    def set_scopes(self, token: str, scopes: Iterable[str]) -> None:
        """Replace the scopes of a token."""
        with self.lock:
            self.world.tokens[token].scopes = frozenset(scopes)

    def revoke(self, token: str) -> None:
        """The token now answers 403 invalid_token (and 401 at /info)."""
        with self.lock:
            self.world.tokens[token].revoked = True

    def expire_token(self, token: str) -> None:
        """The token's lifetime is over now: it answers like a revoked one."""
        with self.lock:
            self.world.tokens[token].expires_at = time.monotonic()

    def set_token_lifetime(self, token: str, expires_in: float | None) -> None:
        """The token expires `expires_in` seconds from now (None: never)."""
        with self.lock:
            state = self.world.tokens[token]
            state.expires_at = time.monotonic() + expires_in if expires_in is not None else None

    def set_quota(self, token: str, quota: int | None, *, used: int | None = None) -> None:
        """Daily quota of the token's login (None: unlimited); optionally set today's use."""
        with self.lock:
            self.set_login_quota(self.world.tokens[token].login, quota, used=used)

    def set_login_quota(self, login: str, quota: int | None, *, used: int | None = None) -> None:
        """Daily request quota of a login (None: unlimited); optionally set today's use."""
        with self.lock:
            state = self.world.accounts.login(login)
            state.quota = quota
            if used is not None:
                state.used_today = used

    def reset_quotas(self) -> None:
        """Start a new quota day for every login."""
        with self.lock:
            for state in self.world.accounts.logins.values():
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
