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
        """The plain token, for a request to Metrica only; UnreadableToken if no key fits."""
        return self.cipher.decrypt(credential.token_encrypted)

    def readable(self, credential: Credential) -> bool:
        """Whether a configured key decrypts the token."""
        return self.cipher.readable(credential.token_encrypted)

    async def ciphertexts(self, *, after_id: int, limit: int) -> list[tuple[int, bytes]]:
        """(id, encrypted token) of the next credentials by id, for re-encryption."""
        rows = await self._session.execute(
            select(Credential.id, Credential.token_encrypted)
            .where(Credential.id > after_id)
            .order_by(Credential.id)
            .limit(limit)
        )
        return [(credential_id, ciphertext) for credential_id, ciphertext in rows]

    async def replace_ciphertext(self, credential_id: int, old: bytes, new: bytes) -> bool:
        """Store `new` unless the token changed meanwhile (a user saved another one)."""
        result = await self._session.execute(
            update(Credential)
            .where(Credential.id == credential_id, Credential.token_encrypted == old)
            .values(token_encrypted=new)
        )
        return bool(getattr(result, "rowcount", 0))
