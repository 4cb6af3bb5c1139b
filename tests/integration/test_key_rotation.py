"""Key rotation: BOT_SECRET_KEY=new,old reads both; `python -m bot rotate-key` moves every
stored token to the new key, so the old one can then be dropped."""

from __future__ import annotations

import asyncio
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet
from sqlalchemy import select

from bot.clock import utc_now
from bot.crypto import TokenCipher, UnreadableToken
from bot.metrica import token_fingerprint
from bot.oauth_schedule import PollSchedule
from bot.services.keys import reencrypt
from bot.storage.ciphertexts import CiphertextRepository
from bot.storage.credentials import CredentialRepository, Renewal
from bot.storage.db import SessionFactory, create_engine, create_session_factory
from bot.storage.device_logins import DeviceLoginRepository
from bot.storage.models import Credential, DeviceLogin
from tests.process_env import inherited_environment

OLD, NEW, LOST = (Fernet.generate_key() for _ in range(3))
TOKENS = {501: "y0_token-of-anna-000001", 502: "y0_token-of-boris-00002"}


async def save(sessions: SessionFactory, cipher: TokenCipher, user_id: int, token: str) -> None:
    async with sessions.begin() as session:
        await CredentialRepository(session, cipher).save(
            user_id, token, token_fingerprint(token), None
        )


async def stored(sessions: SessionFactory) -> dict[int, bytes]:
    async with sessions.begin() as session:
        rows = await session.execute(select(Credential.user_id, Credential.token_encrypted))
        return {row[0]: row[1] for row in rows}


def test_the_first_key_encrypts_and_every_key_decrypts() -> None:
    old_text = TokenCipher(OLD).encrypt("y0_token")
    both = TokenCipher([NEW, OLD])

    assert both.decrypt(old_text) == "y0_token"
    assert TokenCipher(NEW).decrypt(both.encrypt("y0_token")) == "y0_token"
    assert TokenCipher(NEW).decrypt(both.rotate(old_text)) == "y0_token"
    with pytest.raises(UnreadableToken):
        both.rotate(TokenCipher(LOST).encrypt("y0_token"))


async def test_reencrypt_moves_every_readable_token_to_the_first_key(sessions: SessionFactory):
    for user_id, token in TOKENS.items():
        await save(sessions, TokenCipher(OLD), user_id, token)
    await save(sessions, TokenCipher(LOST), 503, "y0_token-nobody-can-read")

    assert await reencrypt(sessions, TokenCipher([NEW, OLD])) == (2, 1)

    after = await stored(sessions)
    for user_id, token in TOKENS.items():
        assert TokenCipher(NEW).decrypt(after[user_id]) == token
    assert not TokenCipher([NEW, OLD]).readable(after[503])


async def test_a_token_saved_meanwhile_is_not_overwritten(sessions: SessionFactory) -> None:
    await save(sessions, TokenCipher(OLD), 501, TOKENS[501])
    async with sessions.begin() as session:
        [(credential_id, old_text)] = await CiphertextRepository(
            session, Credential.token_encrypted
        ).batch(after_id=0, limit=10)
    await save(sessions, TokenCipher([NEW, OLD]), 501, "y0_a-newer-token-000001")

    async with sessions.begin() as session:
        repo = CiphertextRepository(session, Credential.token_encrypted)
        replaced = await repo.replace(credential_id, old_text, b"stale")

    assert not replaced
    assert TokenCipher(NEW).decrypt((await stored(sessions))[501]) == "y0_a-newer-token-000001"


async def test_refresh_tokens_and_pending_device_codes_are_rotated_too(
    sessions: SessionFactory,
) -> None:
    old = TokenCipher(OLD)
    now = utc_now()
    async with sessions.begin() as session:
        await CredentialRepository(session, old).save(
            601,
            "y0_access-of-a-login-01",
            token_fingerprint("y0_access-of-a-login-01"),
            "anna",
            renewal=Renewal("1:refresh-of-a-login", None, now),
        )
        await DeviceLoginRepository(session, old).replace(
            602,
            "device-code-of-boris",
            "ABCD-EFGH",
            chat_id=602,
            language="en",
            schedule=PollSchedule.start(now, 5, 300),
        )

    assert await reencrypt(sessions, TokenCipher([NEW, OLD])) == (3, 0)

    async with sessions.begin() as session:
        refresh = await session.scalar(select(Credential.refresh_token_encrypted))
        device_code = await session.scalar(select(DeviceLogin.device_code_encrypted))
    assert refresh is not None
    assert device_code is not None
    assert TokenCipher(NEW).decrypt(refresh) == "1:refresh-of-a-login"
    assert TokenCipher(NEW).decrypt(device_code) == "device-code-of-boris"


def test_python_m_bot_rotate_key_rotates_the_stored_tokens(tmp_path: Path) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path}/bot.sqlite3"
    env = {
        **inherited_environment(),
        "TELEGRAM_BOT_TOKEN": "123456:TEST-token",
        "DATABASE_URL": url,
        "DATA_DIR": str(tmp_path),
        "BOT_SECRET_KEY": f"{NEW.decode()}, {OLD.decode()}",
        "PYTHONPATH": str(Path(__file__).resolve().parents[2]),
    }

    async def seed_then_read(before: bool) -> dict[int, bytes]:
        engine = create_engine(url)
        sessions = create_session_factory(engine)
        try:
            if before:
                for user_id, token in TOKENS.items():
                    await save(sessions, TokenCipher(OLD), user_id, token)
            return await stored(sessions)
        finally:
            await engine.dispose()

    subprocess.run(
        [
            sys.executable,
            "-c",
            "from bot.storage.migrate import upgrade; import sys; upgrade(sys.argv[1])",
            url,
        ],
        check=True,
        env=env,
        timeout=60,
    )
    asyncio.run(seed_then_read(before=True))
    result = subprocess.run(
        [sys.executable, "-m", "bot", "rotate-key"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )

    assert result.returncode == 0, result.stderr
    assert "2 token(s) now encrypted with the first key" in result.stderr
    after = asyncio.run(seed_then_read(before=False))
    assert {user: TokenCipher(NEW).decrypt(text) for user, text in after.items()} == TOKENS
    assert OLD.decode() not in result.stderr
