"""`python -m bot rotate-key`: every stored secret re-encrypted with the first BOT_SECRET_KEY.

Tokens, refresh tokens and pending device codes: every column in `storage.ciphertexts.ENCRYPTED`.

Safe while bot processes run: each row is replaced only if it still holds what was read, so a
token a user saves meanwhile (already encrypted with the first key) is never overwritten.
"""

from __future__ import annotations

import logging

from bot.config import Settings
from bot.crypto import TokenCipher, UnreadableToken, load_or_create_keys
from bot.logs import remember_secret
from bot.storage.ciphertexts import ENCRYPTED, CiphertextRepository, EncryptedColumn
from bot.storage.db import SessionFactory, create_engine, create_session_factory

log = logging.getLogger(__name__)
BATCH = 200


async def rotate_keys(settings: Settings) -> int:
    """Re-encrypt every stored token; the exit code (0: done, unreadable ones reported)."""
    engine = create_engine(settings.effective_database_url)
    keys = load_or_create_keys(settings.secret_keys, settings.data_dir)
    try:
        rotated, unreadable = await reencrypt(
            create_session_factory(engine), TokenCipher(keys, seen=remember_secret)
        )
    finally:
        await engine.dispose()
    log.info("rotate-key: %d token(s) now encrypted with the first key", rotated)
    if unreadable:
        log.warning(
            "rotate-key: %d token(s) cannot be read with any configured key: their owners "
            "are asked to save them again when the monitor next needs them",
            unreadable,
        )
    return 0


async def reencrypt(sessions: SessionFactory, cipher: TokenCipher) -> tuple[int, int]:
    """(re-encrypted, unreadable) counts over every encrypted column."""
    rotated = unreadable = 0
    for column in ENCRYPTED:
        done, lost = await _reencrypt_column(sessions, cipher, column)
        rotated, unreadable = rotated + done, unreadable + lost
    return rotated, unreadable


async def _reencrypt_column(
    sessions: SessionFactory, cipher: TokenCipher, column: EncryptedColumn
) -> tuple[int, int]:
    """One column, one short transaction per batch."""
    rotated = unreadable = 0
    last_id = 0
    while True:
        async with sessions.begin() as session:
            rows = CiphertextRepository(session, column)
            batch = await rows.batch(after_id=last_id, limit=BATCH)
            for row_id, ciphertext in batch:
                try:
                    fresh = cipher.rotate(ciphertext)
                except UnreadableToken:
                    unreadable += 1
                    continue
                rotated += await rows.replace(row_id, ciphertext, fresh)
        if len(batch) < BATCH:
            return rotated, unreadable
        last_id = batch[-1][0]
