"""Settings from environment variables (and a `.env` file), validated once at start."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Annotated

from pydantic import (
    AnyHttpUrl,
    Field,
    SecretStr,
    ValidationError,
    field_validator,
    model_validator,
)
from pydantic_settings import BaseSettings, SettingsConfigDict

from bot.crypto import is_valid_key, split_keys

DEFAULT_DATA_DIR = Path("data")
_WEBHOOK_SECRET = re.compile(r"[A-Za-z0-9_-]{1,256}")
MAKE_KEY = (
    "generate one with: python -c "
    "'from cryptography.fernet import Fernet; print(Fernet.generate_key().decode())'"
)


class ConfigError(Exception):
    """Settings are invalid; `problems` holds one human sentence per bad setting."""

    def __init__(self, problems: list[str]) -> None:
        super().__init__("; ".join(problems))
        self.problems = problems


LOG_FORMATS = ("text", "json")
PositiveSeconds = Annotated[int, Field(gt=0, le=86_400)]


class Settings(BaseSettings):
    """Every setting of the bot; names are the environment variables, case-insensitive."""

    model_config = SettingsConfigDict(env_file=".env", extra="ignore", frozen=True)

    telegram_bot_token: SecretStr
    telegram_api_url: AnyHttpUrl = AnyHttpUrl("https://api.telegram.org")
    metrica_api_url: AnyHttpUrl = AnyHttpUrl("https://api-metrika.yandex.net")
    # Yandex ID's "who am I" (GET /info): which login a saved token's quotas count against.
    login_api_url: AnyHttpUrl = AnyHttpUrl("https://login.yandex.ru")
    # /login (device-code login): the operator's Yandex OAuth app; unset: only /token works.
    yandex_client_id: str | None = None
    yandex_client_secret: SecretStr | None = None
    oauth_api_url: AnyHttpUrl = AnyHttpUrl("https://oauth.yandex.ru")
    data_dir: Path = DEFAULT_DATA_DIR
    database_url: str = ""
    bot_secret_key: SecretStr | None = None
    poll_interval_seconds: PositiveSeconds = 60
    idle_poll_interval_seconds: PositiveSeconds = 600
    stuck_after_minutes: Annotated[int, Field(gt=0, le=10_080)] = 180
    quota_share: Annotated[float, Field(gt=0, le=1)] = 0.8
    daily_quota: Annotated[int, Field(gt=0)] = 5000
    # Metrica requests one user may cause a minute through commands and buttons.
    commands_per_minute: Annotated[int, Field(gt=0, le=1000)] = 10
    receive_updates: bool = True
    # How long a process may hold a claimed counter or message before another may take it
    # over (a process that died): longer than one Metrica poll with retries or one send.
    lease_seconds: Annotated[int, Field(ge=5, le=3600)] = 120
    # Messages per second this process sends at most (notifications and replies); Telegram
    # allows about 30 overall, so with N bot processes set it to about 30 / N.
    telegram_messages_per_second: Annotated[int, Field(gt=0, le=30)] = 30
    # Metrica requests per second this process starts at most; Metrica allows 30 per IP, so
    # with N bot processes behind one IP set it to 30 / N.
    metrica_requests_per_second: Annotated[int, Field(gt=0, le=30)] = 30
    webhook_url: AnyHttpUrl | None = None
    webhook_listen: str = "0.0.0.0"  # noqa: S104 - a container must listen on all interfaces
    webhook_port: Annotated[int, Field(gt=0, lt=65536)] = 8443
    webhook_secret: SecretStr | None = None
    log_level: str = "INFO"
    log_format: str = "text"
    # Unset: no metrics endpoint. Set: Prometheus metrics at http://METRICS_LISTEN:PORT/metrics.
    metrics_port: Annotated[int, Field(gt=0, lt=65536)] | None = None
    metrics_listen: str = "0.0.0.0"  # noqa: S104 - scraped from outside the container

    @field_validator("telegram_bot_token")
    @classmethod
    def _token_shape(cls, value: SecretStr) -> SecretStr:
        token = value.get_secret_value().strip()
        bot_id, _, secret = token.partition(":")
        if not (bot_id.isdigit() and secret):
            raise ValueError("must look like 123456:ABC-DEF (the token @BotFather gave you)")
        return SecretStr(token)

    @field_validator("database_url")
    @classmethod
    def _database_driver(cls, value: str) -> str:
        return normalize_database_url(value) if value else value

    @field_validator("bot_secret_key")
    @classmethod
    def _secret_keys(cls, value: SecretStr | None) -> SecretStr | None:
        """One Fernet key, or several separated by commas (the first encrypts, all decrypt)."""
        if value is None:
            return None
        keys = split_keys(value.get_secret_value())
        bad = [number for number, key in enumerate(keys, 1) if not is_valid_key(key)]
        if not keys or bad:
            which = f" (key {bad[0]} of {len(keys)} is not)" if len(keys) > 1 else ""
            raise ValueError(f"must be 32 url-safe base64-encoded bytes{which}; {MAKE_KEY}")
        return value

    @model_validator(mode="after")
    def _one_key_for_several_processes(self) -> Settings:
        """PostgreSQL means processes that share tokens: a key file per container would not."""
        if self.database_url.startswith("postgresql") and self.bot_secret_key is None:
            raise ValueError(
                "BOT_SECRET_KEY is required with a PostgreSQL DATABASE_URL: every process "
                f"must encrypt and decrypt with the same key; {MAKE_KEY}"
            )
        return self

    @field_validator("yandex_client_id", "yandex_client_secret", mode="before")
    @classmethod
    def _unset_when_empty(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @model_validator(mode="after")
    def _client_id_with_secret(self) -> Settings:
        """Polling for a token needs the secret: an id alone would fail every login."""
        if (self.yandex_client_id is None) != (self.yandex_client_secret is None):
            raise ValueError(
                "YANDEX_CLIENT_ID and YANDEX_CLIENT_SECRET go together: set both (from the "
                "app's properties at https://oauth.yandex.ru) or neither"
            )
        return self

    @property
    def login_enabled(self) -> bool:
        """Whether /login works: the operator registered an OAuth app."""
        return self.yandex_client_id is not None and self.yandex_client_secret is not None

    @field_validator("webhook_secret")
    @classmethod
    def _webhook_secret(cls, value: SecretStr | None) -> SecretStr | None:
        """Telegram sends back only 1-256 characters of A-Z, a-z, 0-9, _ and -."""
        if value is not None and not _WEBHOOK_SECRET.fullmatch(value.get_secret_value()):
            raise ValueError("must be 1-256 characters of A-Z, a-z, 0-9, _ and - (Telegram's rule)")
        return value

    @field_validator("log_level")
    @classmethod
    def _log_level(cls, value: str) -> str:
        level = value.upper()
        if level not in {"DEBUG", "INFO", "WARNING", "ERROR"}:
            raise ValueError("must be one of DEBUG, INFO, WARNING, ERROR")
        return level

    @field_validator("metrics_port", mode="before")
    @classmethod
    def _metrics_off_when_empty(cls, value: object) -> object:
        return None if isinstance(value, str) and not value.strip() else value

    @field_validator("log_format")
    @classmethod
    def _log_format(cls, value: str) -> str:
        shape = value.lower()
        if shape not in LOG_FORMATS:
            raise ValueError("must be text (the default) or json (one JSON object per line)")
        return shape

    @property
    def secret_keys(self) -> list[bytes]:
        """The configured keys, first (the one that encrypts) first; [] when unset."""
        if self.bot_secret_key is None:
            return []
        return [key.encode() for key in split_keys(self.bot_secret_key.get_secret_value())]

    @property
    def effective_database_url(self) -> str:
        """The configured URL, or the SQLite file in the data directory."""
        return self.database_url or f"sqlite+aiosqlite:///{self.data_dir / 'bot.sqlite3'}"

    @property
    def telegram_base_url(self) -> str:
        """What the bot prefixes to `{token}/{method}`."""
        return f"{str(self.telegram_api_url).rstrip('/')}/bot"

    @property
    def telegram_file_url(self) -> str:
        """What the bot prefixes to file paths."""
        return f"{str(self.telegram_api_url).rstrip('/')}/file/bot"


def normalize_database_url(url: str) -> str:
    """Add the async driver to plain PostgreSQL and SQLite URLs; refuse other databases."""
    scheme, sep, rest = url.partition("://")
    if not sep:
        raise ValueError("must be a URL such as postgresql://user@host/db or sqlite:///path")
    drivers = {
        "postgres": "postgresql+asyncpg",
        "postgresql": "postgresql+asyncpg",
        "postgresql+asyncpg": "postgresql+asyncpg",
        "sqlite": "sqlite+aiosqlite",
        "sqlite+aiosqlite": "sqlite+aiosqlite",
    }
    if scheme not in drivers:
        raise ValueError(
            "must start with postgresql:// or sqlite:// (other databases are not supported)"
        )
    return f"{drivers[scheme]}://{rest}"


def load_settings(**overrides: object) -> Settings:
    """Read and validate the settings, or raise ConfigError with one line per problem."""
    try:
        return Settings(**overrides)  # type: ignore[arg-type]
    except ValidationError as exc:
        raise ConfigError([_describe(error) for error in exc.errors()]) from None


def _describe(error: object) -> str:
    """One sentence for one pydantic error, naming the environment variable."""
    assert isinstance(error, dict)  # noqa: S101 - pydantic's ErrorDetails is a TypedDict
    name = "_".join(str(part) for part in error.get("loc", ())).upper()
    if error.get("type") == "missing":
        return f"{name} is required but not set"
    message = str(error.get("msg", "is invalid")).removeprefix("Value error, ")
    if not name:  # a rule over several settings names them itself
        return message
    return f"{name} {message[0].lower()}{message[1:]}" if message else f"{name} is invalid"
