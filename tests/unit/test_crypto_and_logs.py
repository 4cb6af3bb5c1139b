"""Secrets: the generated key file, encryption, and logs that never print a token."""

from __future__ import annotations

import logging
import stat
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.crypto import TokenCipher, load_or_create_keys
from bot.logs import RedactingFilter


def test_a_missing_key_is_generated_once_with_mode_0600(
    tmp_path: Path, caplog: pytest.LogCaptureFixture
) -> None:
    with caplog.at_level(logging.WARNING):
        keys = load_or_create_keys([], tmp_path / "data")
    path = tmp_path / "data" / "secret.key"
    assert stat.S_IMODE(path.stat().st_mode) == 0o600
    assert str(path.resolve()) in caplog.text
    assert load_or_create_keys([], tmp_path / "data") == keys


def test_a_configured_key_wins_over_the_file(tmp_path: Path) -> None:
    key = Fernet.generate_key()
    assert load_or_create_keys([key], tmp_path) == [key]
    assert not (tmp_path / "secret.key").exists()


def test_a_token_encrypted_with_another_key_is_refused_clearly() -> None:
    ciphertext = TokenCipher(Fernet.generate_key()).encrypt("y0_token")
    with pytest.raises(ValueError, match="BOT_SECRET_KEY"):
        TokenCipher(Fernet.generate_key()).decrypt(ciphertext)


def render(filter_: RedactingFilter, message: str, *args: object) -> str:
    record = logging.LogRecord("x", logging.INFO, __file__, 1, message, args, None)
    filter_.filter(record)
    return record.getMessage()


def test_logs_hide_known_secrets_bot_urls_and_oauth_headers() -> None:
    redact = RedactingFilter(["s3cr3t-value"])
    assert render(redact, "key is %s", "s3cr3t-value") == "key is ***"
    assert render(redact, "POST http://x/bot123:AAH-x_y/getMe") == "POST http://x/bot***/getMe"
    assert render(redact, "Authorization: OAuth y0_abc.DEF") == "Authorization: OAuth ***"
