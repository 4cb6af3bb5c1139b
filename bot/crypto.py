"""Encryption of stored OAuth tokens, and the key that does it."""

from __future__ import annotations

import logging
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

log = logging.getLogger(__name__)

KEY_FILE_NAME = "secret.key"


class TokenCipher:
    """Encrypts tokens for the database (Fernet: AES-128-CBC with HMAC-SHA256)."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)

    def encrypt(self, token: str) -> bytes:
        """Ciphertext of the token, different on every call."""
        return self._fernet.encrypt(token.encode())

    def decrypt(self, ciphertext: bytes) -> str:
        """The token; raises ValueError when the key does not fit."""
        try:
            return self._fernet.decrypt(ciphertext).decode()
        except InvalidToken:
            raise ValueError("stored token cannot be decrypted with BOT_SECRET_KEY") from None


def is_valid_key(key: str) -> bool:
    """Whether the text is a usable Fernet key."""
    try:
        Fernet(key.encode())
    except ValueError:
        return False
    return True


def load_or_create_key(configured: str | None, data_dir: Path) -> bytes:
    """The configured key, else the key file in the data directory, created on first run."""
    if configured:
        return configured.encode()
    path = data_dir / KEY_FILE_NAME
    if path.exists():
        return path.read_bytes().strip()
    data_dir.mkdir(parents=True, exist_ok=True)
    key = Fernet.generate_key()
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as file:
        file.write(key)
    log.warning(
        "BOT_SECRET_KEY is not set: generated a new key in %s (mode 0600). "
        "Back it up: without it the stored Metrica tokens cannot be read.",
        path.resolve(),
    )
    return key
