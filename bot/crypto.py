"""Encryption of stored OAuth tokens, and the secrets the bot keeps in its data directory.

BOT_SECRET_KEY holds one Fernet key or several separated by commas: the first encrypts, every
one decrypts (MultiFernet), so keys can be rotated without losing stored tokens.
"""

from __future__ import annotations

import logging
import os
import secrets
from collections.abc import Callable, Sequence
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken, MultiFernet

log = logging.getLogger(__name__)

KEY_FILE_NAME = "secret.key"
WEBHOOK_SECRET_FILE_NAME = "webhook.secret"  # noqa: S105 - a file name


class UnreadableToken(ValueError):
    """No configured key decrypts the stored token (the key was lost or replaced)."""


class TokenCipher:
    """Encrypts tokens for the database (Fernet: AES-128-CBC with HMAC-SHA256).

    `seen` is told every plain token that passes through, so the logs can mask it.
    """

    def __init__(
        self, keys: bytes | Sequence[bytes], *, seen: Callable[[str], None] = lambda _: None
    ) -> None:
        keys = [keys] if isinstance(keys, bytes) else list(keys)
        self._fernet = MultiFernet([Fernet(key) for key in keys])
        self._seen = seen

    def encrypt(self, token: str) -> bytes:
        """Ciphertext of the token with the first key, different on every call."""
        self._seen(token)
        return self._fernet.encrypt(token.encode())

    def decrypt(self, ciphertext: bytes) -> str:
        """The token; UnreadableToken when no key fits."""
        try:
            token = self._fernet.decrypt(ciphertext).decode()
        except InvalidToken:
            raise UnreadableToken("stored token cannot be decrypted with BOT_SECRET_KEY") from None
        self._seen(token)
        return token

    def readable(self, ciphertext: bytes) -> bool:
        """Whether some configured key decrypts the ciphertext."""
        try:
            self.decrypt(ciphertext)
        except UnreadableToken:
            return False
        return True

    def rotate(self, ciphertext: bytes) -> bytes:
        """The same token encrypted with the first key; UnreadableToken when no key fits."""
        try:
            return self._fernet.rotate(ciphertext)
        except InvalidToken:
            raise UnreadableToken("stored token cannot be decrypted with BOT_SECRET_KEY") from None


def split_keys(value: str) -> list[str]:
    """The keys of a comma-separated BOT_SECRET_KEY, blanks ignored."""
    return [key.strip() for key in value.split(",") if key.strip()]


def is_valid_key(key: str) -> bool:
    """Whether the text is a usable Fernet key."""
    try:
        Fernet(key.encode())
    except ValueError:
        return False
    return True


def load_or_create_keys(configured: Sequence[bytes], data_dir: Path) -> list[bytes]:
    """The configured keys, else the key file in the data directory, created on first run."""
    if configured:
        return list(configured)
    path = data_dir / KEY_FILE_NAME
    if not path.exists():
        _create_secret_file(path, Fernet.generate_key())
        log.warning(
            "BOT_SECRET_KEY is not set: generated a new key in %s (mode 0600). "
            "Back it up: without it the stored Metrica tokens cannot be read.",
            path.resolve(),
        )
    return [key.encode() for key in split_keys(path.read_text())]


def load_or_create_webhook_secret(data_dir: Path) -> str:
    """The webhook's secret token kept in the data directory, generated on first use."""
    path = data_dir / WEBHOOK_SECRET_FILE_NAME
    if not path.exists():
        # Telegram allows 1-256 characters of A-Z, a-z, 0-9, _ and -: token_urlsafe uses those.
        _create_secret_file(path, secrets.token_urlsafe(32).encode())
        log.info("WEBHOOK_SECRET is not set: generated one in %s (mode 0600)", path.resolve())
    return path.read_text().strip()


def _create_secret_file(path: Path, content: bytes) -> None:
    """A new file readable by this user only, appearing whole; an existing one is kept."""
    path.parent.mkdir(parents=True, exist_ok=True)
    draft = path.with_name(f".{path.name}.{os.getpid()}.{secrets.token_hex(4)}")
    fd = os.open(draft, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    try:
        with os.fdopen(fd, "wb") as file:
            file.write(content)
        # A hard link appears complete or not at all, and fails if another process won.
        os.link(draft, path)
    except FileExistsError:
        pass
    finally:
        draft.unlink()
