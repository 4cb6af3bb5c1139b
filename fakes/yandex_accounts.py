"""Yandex accounts shared by the fake Metrica and the fake OAuth server: logins and their tokens.

Plain data; the owning FakeMetrica holds its lock around every use. Metrica counts its daily
quota and its 3 parallel requests per Yandex login, so those live on `LoginState`; `TokenState`
keeps what belongs to one token (visible counters, scopes, the app and device it was issued to)
and per-token views of its traffic.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Iterable
from dataclasses import dataclass, field

DEFAULT_SCOPES = frozenset({"metrika:read", "metrika:offline_data"})
READ_SCOPES = frozenset({"metrika:read", "metrika:write"})
UPLOAD_SCOPES = frozenset({"metrika:offline_data", "metrika:write"})
MANUAL_CLIENT_ID = "f00dfacef00dfacef00dfacef00dface"  # the app of tokens added by hand
_FIRST_UID = 1_130_000_000_000_001


@dataclass
class LoginState:
    """One Yandex login: its id, counters all its tokens see, its quota use and concurrency."""

    login: str
    uid: str
    counter_ids: set[int] = field(default_factory=set)
    quota: int | None = None
    used_today: int = 0
    in_flight: int = 0
    max_in_flight: int = 0
    requests: int = 0
    parallel_rejections: int = 0


@dataclass
class TokenState:
    """One OAuth token: its login, the counters it sees itself, scopes, app, device, traffic."""

    token: str
    login: str
    counter_ids: set[int]
    scopes: frozenset[str] = DEFAULT_SCOPES
    client_id: str | None = None
    device_id: str | None = None
    expires_at: float | None = None  # time.monotonic(); None: never
    revoked: bool = False
    in_flight: int = 0
    max_in_flight: int = 0
    requests: int = 0
    parallel_rejections: int = 0

    @property
    def expired(self) -> bool:
        """Whether its lifetime is over."""
        return self.expires_at is not None and time.monotonic() >= self.expires_at

    @property
    def valid(self) -> bool:
        """Neither revoked nor expired."""
        return not self.revoked and not self.expired


@dataclass(frozen=True)
class TokenView:
    """A snapshot of one token for tests and for the fake OAuth server."""

    token: str
    login: str
    uid: str
    scopes: frozenset[str]
    client_id: str
    device_id: str | None
    revoked: bool
    expired: bool

    @property
    def valid(self) -> bool:
        """Neither revoked nor expired."""
        return not self.revoked and not self.expired


@dataclass
class Accounts:
    """Every login and token the fakes know."""

    logins: dict[str, LoginState] = field(default_factory=dict)
    tokens: dict[str, TokenState] = field(default_factory=dict)
    next_uid: int = _FIRST_UID
    next_default_login: int = 1

    def login(self, name: str, *, uid: str | None = None) -> LoginState:
        """The login, created on first use with the next numeric id (or `uid`)."""
        state = self.logins.get(name)
        if state is None:
            if uid is None:
                uid, self.next_uid = str(self.next_uid), self.next_uid + 1
            state = self.logins[name] = LoginState(name, uid)
        elif uid is not None:
            state.uid = uid
        return state

    def fresh_login(self) -> str:
        """A login name nobody uses yet: login-1, login-2, ..."""
        while f"login-{self.next_default_login}" in self.logins:
            self.next_default_login += 1
        name = f"login-{self.next_default_login}"
        self.next_default_login += 1
        return name

    def add_token(
        self,
        token: str,
        login: str | None,
        counter_ids: Iterable[int],
        *,
        scopes: Iterable[str] | None = None,
        client_id: str | None = None,
        device_id: str | None = None,
        expires_in: float | None = None,
    ) -> TokenState:
        """Create (or replace) a token of `login` (a fresh login of its own when None)."""
        owner = self.login(login if login is not None else self.fresh_login())
        expires_at = time.monotonic() + expires_in if expires_in is not None else None
        state = TokenState(
            token,
            owner.login,
            set(counter_ids),
            scopes=frozenset(scopes) if scopes is not None else DEFAULT_SCOPES,
            client_id=client_id,
            device_id=device_id,
            expires_at=expires_at,
        )
        self.tokens[token] = state
        return state

    def valid(self, token: str | None) -> TokenState | None:
        """The token's state when it is known, not revoked and not expired."""
        state = self.tokens.get(token or "")
        return state if state is not None and state.valid else None

    def visible_counters(self, state: TokenState) -> set[int]:
        """Counters a token sees: its own plus those granted to its whole login."""
        return state.counter_ids | self.logins[state.login].counter_ids

    def view(self, token: str) -> TokenView | None:
        """A snapshot of a token, None when unknown."""
        state = self.tokens.get(token)
        if state is None:
            return None
        return TokenView(
            token=token,
            login=state.login,
            uid=self.logins[state.login].uid,
            scopes=state.scopes,
            client_id=state.client_id or MANUAL_CLIENT_ID,
            device_id=state.device_id,
            revoked=state.revoked,
            expired=state.expired,
        )

    def info(self, state: TokenState) -> dict[str, str]:
        """The body of login.yandex.ru/info?format=json for a valid token."""
        uid = self.logins[state.login].uid
        client_id = state.client_id or MANUAL_CLIENT_ID
        # psuid is an app-specific user id: stable per (app, user), different across apps
        digest = hashlib.sha256(f"{client_id}:{uid}".encode()).hexdigest()
        return {
            "id": uid,
            "login": state.login,
            "client_id": client_id,
            "psuid": f"1.{digest[:40]}",
        }
