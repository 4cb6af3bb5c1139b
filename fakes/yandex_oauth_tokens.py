"""Token issuing of the fake Yandex OAuth server: new grants, refresh rotation, revocation.

A mixin of `FakeYandexOAuth` (through OAuthFlows); runs under its lock. Access tokens go into
the shared FakeMetrica, so Metrica and /info accept them until they expire or are revoked.
"""

from __future__ import annotations

import math
import time
from typing import TYPE_CHECKING

from fakes.yandex_oauth_world import Grant, IssuedTokens, OAuthError, OAuthWorld

if TYPE_CHECKING:
    from fakes.metrica import FakeMetrica


class TokenIssuer:
    """Grants and their tokens, kept in `self.world` and `self.metrica`."""

    world: OAuthWorld
    metrica: FakeMetrica
    client_id: str
    token_expires_in: float
    refresh_expires_in: float | None
    rotate_access_on_refresh: bool

    def _rotate(self, refresh_token: str | None) -> IssuedTokens:
        """New tokens for a live refresh token, which dies in exchange."""
        if refresh_token is None:
            raise OAuthError(400, "invalid_request", "refresh_token is required")
        grant = self.world.grants.get(refresh_token)
        if grant is None or not grant.usable:
            raise OAuthError(400, "invalid_grant", "Invalid refresh token")
        access, refresh = self.world.new_token_pair()
        current = self.metrica.token_view(grant.access_tokens[-1])
        if not self.rotate_access_on_refresh and current is not None and current.valid:
            access = current.token  # Yandex may hand back the same access token
            self.metrica.set_token_lifetime(access, self.token_expires_in)
        else:
            self._add_access_token(access, grant.login, grant.scopes, grant.device_id)
            grant.access_tokens.append(access)
        # a client that keeps using the old refresh token has a bug worth seeing
        del self.world.grants[refresh_token]
        grant.refresh_token = refresh
        self.world.grants[refresh] = grant
        return self._record_issue(access, grant)

    def _kill(self, access_tokens: list[str], grant: Grant | None) -> None:
        """Revoke access tokens and, with them, their grant's refresh token."""
        for access in access_tokens:
            self.metrica.revoke(access)
        if grant is not None:
            grant.revoked = True

    def _issue(self, login: str, scopes: frozenset[str], device_id: str | None) -> IssuedTokens:
        """A new grant: an access token accepted by FakeMetrica and its refresh token."""
        access, refresh = self.world.new_token_pair()
        self._add_access_token(access, login, scopes, device_id)
        lifetime = self.refresh_expires_in
        expires_at = time.monotonic() + lifetime if lifetime is not None else None
        grant = Grant(login, scopes, device_id, refresh, [access], expires_at)
        self.world.grants[refresh] = grant
        return self._record_issue(access, grant)

    def _add_access_token(
        self, access: str, login: str, scopes: frozenset[str], device_id: str | None
    ) -> None:
        """Make FakeMetrica (and /info) accept a new access token of this app."""
        self.metrica.add_token(
            access,
            login=login,
            scopes=scopes,
            client_id=self.client_id,
            device_id=device_id,
            expires_in=self.token_expires_in,
        )

    def _record_issue(self, access: str, grant: Grant) -> IssuedTokens:
        """Remember what was handed out, for `issued_tokens()`."""
        issued = IssuedTokens(
            access, grant.refresh_token, math.ceil(self.token_expires_in), grant.login,
            grant.scopes, grant.device_id, time.time(),
        )  # fmt: skip
        self.world.issued.append(issued)
        return issued
