"""Users' Metrica OAuth tokens, stored only encrypted."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.crypto import TokenCipher
from bot.metrica.quota import quota_key
from bot.storage.models import Credential


@dataclass(frozen=True, slots=True)
class Renewal:
    """A /login token's refresh token, when it ends and when to refresh it."""

    refresh_token: str = field(repr=False)
    expires_at: datetime | None
    refresh_at: datetime


class CredentialRepository:
    """Reads and writes credentials; never commits; tokens leave only through `token()`."""

    def __init__(self, session: AsyncSession, cipher: TokenCipher | None = None) -> None:
        self._session = session
        self._cipher = cipher  # only saving and reading tokens need it

    @property
    def cipher(self) -> TokenCipher:
        """The cipher tokens are stored with."""
        if self._cipher is None:
            raise RuntimeError("this repository was made without a cipher")
        return self._cipher

    async def for_user(self, user_id: int) -> Credential | None:
        """The user's credential, valid or not."""
        return await self._session.scalar(select(Credential).where(Credential.user_id == user_id))

    async def get(self, credential_id: int) -> Credential | None:
        """A credential by id."""
        return await self._session.get(Credential, credential_id)

    async def save(
        self,
        user_id: int,
        token: str,
        fingerprint: str,
        login: str | None,
        uid: str | None = None,
        *,
        renewal: Renewal | None = None,
    ) -> Credential:
        """Store (or replace) the user's token, encrypted, as valid, with its Yandex login.

        `renewal`: how a token from /login is kept alive; a pasted token has none.
        """
        credential = await self.for_user(user_id)
        if credential is None:
            credential = Credential(user_id=user_id)
            self._session.add(credential)
        credential.token_encrypted = self.cipher.encrypt(token)
        credential.fingerprint = fingerprint
        credential.login = login
        credential.uid = uid
        credential.quota_key = quota_key(login, fingerprint)
        credential.is_valid = True
        credential.revoked_at = None
        self._renew(credential, renewal)
        await self._session.flush()
        return credential

    def _renew(self, credential: Credential, renewal: Renewal | None) -> None:
        credential.refresh_token_encrypted = (
            self.cipher.encrypt(renewal.refresh_token) if renewal else None
        )
        credential.expires_at = renewal.expires_at if renewal else None
        credential.refresh_at = renewal.refresh_at if renewal else None

    async def claim_refreshes(
        self, now: datetime, lease: timedelta, limit: int
    ) -> list[tuple[int, bytes]]:
        """Up to `limit` valid tokens due for a refresh, claimed for `lease`: (id, refresh token).

        Claimed by moving `refresh_at` forward on the condition nobody moved it meanwhile.
        """
        rows = await self._session.execute(
            select(Credential.id, Credential.refresh_at, Credential.refresh_token_encrypted)
            .where(Credential.refresh_at <= now, Credential.is_valid.is_(True))
            .order_by(Credential.refresh_at)
            .limit(limit)
        )
        claimed = []
        for credential_id, due, refresh in list(rows):
            result = await self._session.execute(
                update(Credential)
                .where(Credential.id == credential_id, Credential.refresh_at == due)
                .values(refresh_at=now + lease)
            )
            if getattr(result, "rowcount", 0) and refresh is not None:
                claimed.append((credential_id, refresh))
        return claimed

    async def store_refreshed(
        self, credential_id: int, old_refresh: bytes, token: str, renewal: Renewal
    ) -> bool:
        """The refreshed pair, unless the user saved another token meanwhile."""
        result = await self._session.execute(
            update(Credential)
            .where(
                Credential.id == credential_id,
                Credential.refresh_token_encrypted == old_refresh,
            )
            .values(
                token_encrypted=self.cipher.encrypt(token),
                refresh_token_encrypted=self.cipher.encrypt(renewal.refresh_token),
                expires_at=renewal.expires_at,
                refresh_at=renewal.refresh_at,
            )
        )
        return bool(getattr(result, "rowcount", 0))

    async def postpone_refresh(self, credential_id: int, at: datetime) -> None:
        """Try the refresh again at `at` (Yandex OAuth failed for now)."""
        await self._session.execute(
            update(Credential).where(Credential.id == credential_id).values(refresh_at=at)
        )

    async def delete(self, credential: Credential) -> None:
        """Forget the token; links made with it keep who made them (to resume later)."""
        await self._session.delete(credential)
        await self._session.flush()

    async def mark_invalid(self, credential_id: int, now: datetime) -> bool:
        """Metrica refused the token; True when this call is the one that noticed."""
        result = await self._session.execute(
            update(Credential)
            .where(Credential.id == credential_id, Credential.is_valid.is_(True))
            .values(is_valid=False, revoked_at=now)
        )
        return bool(getattr(result, "rowcount", 0))

    def token(self, credential: Credential) -> str:
        """The plain token, for a request to Metrica only; UnreadableToken if no key fits."""
        return self.cipher.decrypt(credential.token_encrypted)

    def readable(self, credential: Credential) -> bool:
        """Whether a configured key decrypts the token."""
        return self.cipher.readable(credential.token_encrypted)
