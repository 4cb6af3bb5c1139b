"""Users' Metrica OAuth tokens, stored only encrypted."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.crypto import TokenCipher
from bot.metrica.quota import quota_key
from bot.storage.models import Credential


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
    ) -> Credential:
        """Store (or replace) the user's token, encrypted, as valid, with its Yandex login."""
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
        await self._session.flush()
        return credential

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
        """The plain token, for a request to Metrica only."""
        return self.cipher.decrypt(credential.token_encrypted)
