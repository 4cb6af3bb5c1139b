"""Each bad setting is reported in one line that names the variable."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from bot.config import ConfigError, load_settings, normalize_database_url

TOKEN = "123456:ABC-def"


@pytest.fixture(autouse=True)
def clean_environment(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> None:
    """No variable from the developer's shell or .env leaks into these tests."""
    for name in list(os.environ):
        if name.startswith(
            ("TELEGRAM_", "METRICA_", "DATABASE_", "BOT_", "POLL_", "IDLE_", "YANDEX_", "OAUTH_")
        ):
            monkeypatch.delenv(name)
    monkeypatch.chdir(tmp_path)


def problems(**settings: object) -> list[str]:
    with pytest.raises(ConfigError) as caught:
        load_settings(**settings)
    return caught.value.problems


def test_the_defaults_need_only_the_bot_token() -> None:
    settings = load_settings(telegram_bot_token=TOKEN)
    assert settings.effective_database_url == "sqlite+aiosqlite:///data/bot.sqlite3"
    assert str(settings.metrica_api_url) == "https://api-metrika.yandex.net/"
    assert settings.telegram_base_url == "https://api.telegram.org/bot"
    assert (settings.poll_interval_seconds, settings.idle_poll_interval_seconds) == (60, 600)


def test_a_missing_bot_token_is_named() -> None:
    assert problems() == ["TELEGRAM_BOT_TOKEN is required but not set"]


def test_a_malformed_bot_token_is_explained() -> None:
    [problem] = problems(telegram_bot_token="not-a-token")
    assert problem.startswith("TELEGRAM_BOT_TOKEN must look like 123456:ABC-DEF")


@pytest.mark.parametrize("name", ["telegram_api_url", "metrica_api_url"])
def test_an_api_url_that_is_not_a_url_is_refused(name: str) -> None:
    [problem] = problems(telegram_bot_token=TOKEN, **{name: "not a url"})
    assert problem.startswith(name.upper() + " ")


def test_an_unsupported_database_is_refused() -> None:
    [problem] = problems(telegram_bot_token=TOKEN, database_url="mysql://root@localhost/db")
    assert problem.startswith("DATABASE_URL must start with postgresql:// or sqlite://")


@pytest.mark.parametrize(
    ("given", "expected"),
    [
        ("postgres://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("postgresql://u@h:5432/db", "postgresql+asyncpg://u@h:5432/db"),
        ("postgresql+asyncpg://u@h/db", "postgresql+asyncpg://u@h/db"),
        ("sqlite:///x.db", "sqlite+aiosqlite:///x.db"),
    ],
)
def test_plain_database_urls_get_the_async_driver(given: str, expected: str) -> None:
    assert normalize_database_url(given) == expected
    key = Fernet.generate_key().decode()
    settings = load_settings(telegram_bot_token=TOKEN, database_url=given, bot_secret_key=key)
    assert settings.database_url == expected


def test_a_weak_secret_key_is_refused_with_how_to_make_one() -> None:
    [problem] = problems(telegram_bot_token=TOKEN, bot_secret_key="hunter2")
    assert problem.startswith("BOT_SECRET_KEY must be 32 url-safe base64-encoded bytes")
    assert "Fernet.generate_key()" in problem


def test_a_real_secret_key_is_accepted() -> None:
    key = Fernet.generate_key().decode()
    assert load_settings(telegram_bot_token=TOKEN, bot_secret_key=key).bot_secret_key is not None


@pytest.mark.parametrize(
    "name", ["poll_interval_seconds", "idle_poll_interval_seconds", "stuck_after_minutes"]
)
@pytest.mark.parametrize("value", ["0", "-5", "soon"])
def test_intervals_must_be_positive_numbers(name: str, value: str) -> None:
    [problem] = problems(telegram_bot_token=TOKEN, **{name: value})
    assert problem.startswith(name.upper() + " ")


def test_every_problem_is_reported_at_once() -> None:
    found = problems(telegram_bot_token="x", database_url="oracle://db", poll_interval_seconds=0)
    assert len(found) == 3


def test_environment_variables_are_read(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("TELEGRAM_BOT_TOKEN", TOKEN)
    monkeypatch.setenv("POLL_INTERVAL_SECONDS", "15")
    assert load_settings().poll_interval_seconds == 15


def test_the_bot_exits_with_one_line_per_problem(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env["POLL_INTERVAL_SECONDS"] = "0"
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env | {"PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    assert result.stderr.splitlines() == [
        "configuration error: TELEGRAM_BOT_TOKEN is required but not set",
        "configuration error: POLL_INTERVAL_SECONDS input should be greater than 0",
    ]


def test_postgresql_without_a_secret_key_is_a_configuration_error() -> None:
    # A key file generated per container would leave processes unable to read each other's tokens.
    [problem] = problems(telegram_bot_token=TOKEN, database_url="postgresql://u@h/db")
    assert problem.startswith("BOT_SECRET_KEY is required with a PostgreSQL DATABASE_URL")


def test_sqlite_without_a_secret_key_is_fine() -> None:
    assert load_settings(telegram_bot_token=TOKEN).bot_secret_key is None


def test_the_bot_exits_with_code_2_when_postgresql_has_no_secret_key(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("TELEGRAM_", "BOT_"))}
    env |= {"TELEGRAM_BOT_TOKEN": TOKEN, "DATABASE_URL": "postgresql://nobody@127.0.0.1:1/none"}
    result = subprocess.run(
        [sys.executable, "-m", "bot"],
        cwd=tmp_path,
        env=env | {"PYTHONPATH": str(Path(__file__).resolve().parents[2])},
        capture_output=True,
        text=True,
        timeout=60,
        check=False,
    )
    assert result.returncode == 2
    [line] = result.stderr.splitlines()
    assert line.startswith("configuration error: BOT_SECRET_KEY is required with a PostgreSQL")


def test_several_comma_separated_secret_keys_are_accepted() -> None:
    keys = [Fernet.generate_key().decode() for _ in range(3)]
    settings = load_settings(telegram_bot_token=TOKEN, bot_secret_key=" , ".join(keys))
    assert settings.secret_keys == [key.encode() for key in keys]


def test_a_bad_key_among_several_is_named_by_its_position() -> None:
    good = Fernet.generate_key().decode()
    [problem] = problems(telegram_bot_token=TOKEN, bot_secret_key=f"{good},hunter2")
    assert problem.startswith("BOT_SECRET_KEY must be 32 url-safe base64-encoded bytes")
    assert "key 2 of 2" in problem
    assert "hunter2" not in problem


def test_a_webhook_secret_telegram_would_refuse_is_named() -> None:
    [problem] = problems(telegram_bot_token=TOKEN, webhook_secret="has spaces!")
    assert problem.startswith("WEBHOOK_SECRET must be 1-256 characters of A-Z")
    assert "has spaces" not in problem


def test_login_is_off_without_a_client_id_and_needs_id_and_secret_together() -> None:
    settings = load_settings(telegram_bot_token=TOKEN)
    assert not settings.login_enabled
    assert str(settings.oauth_api_url) == "https://oauth.yandex.ru/"
    assert (
        "YANDEX_CLIENT_ID and YANDEX_CLIENT_SECRET go together"
        in problems(telegram_bot_token=TOKEN, yandex_client_id="abc")[0]
    )
    both = load_settings(
        telegram_bot_token=TOKEN, yandex_client_id="abc", yandex_client_secret="the-app-secret"
    )
    assert both.login_enabled
    assert "the-app-secret" not in repr(both)


def test_metrica_requests_per_second_defaults_to_metricas_per_ip_limit() -> None:
    assert load_settings(telegram_bot_token=TOKEN).metrica_requests_per_second == 30
    assert load_settings(telegram_bot_token=TOKEN, metrica_requests_per_second=15)


@pytest.mark.parametrize("value", [0, 31])
def test_metrica_requests_per_second_stays_within_one_ips_limit(value: int) -> None:
    [problem] = problems(telegram_bot_token=TOKEN, metrica_requests_per_second=value)
    assert "metrica_requests_per_second" in problem.lower()
