"""The environment for a bot process under test: the shell's, minus anything that configures it."""

from __future__ import annotations

import os

# Settings the developer's shell might set; the test or benchmark decides them all.
_OWN_PREFIXES = (
    "TELEGRAM_",
    "METRICA_",
    "WEBHOOK_",
    "BOT_",
    "DATABASE_",
    "TEST_BOT_",
    "LOGIN_",
    "YANDEX_",
    "OAUTH_",
)
_OWN_NAMES = {
    "DATA_DIR",
    "LEASE_SECONDS",
    "POLL_INTERVAL_SECONDS",
    "IDLE_POLL_INTERVAL_SECONDS",
    "STUCK_AFTER_MINUTES",
    "QUOTA_SHARE",
    "DAILY_QUOTA",
    "COMMANDS_PER_MINUTE",
    "RECEIVE_UPDATES",
    "LOG_LEVEL",
    "LOG_FORMAT",
    "METRICS_PORT",
    "METRICS_LISTEN",
    "HTTP_PROXY",
    "HTTPS_PROXY",
    "ALL_PROXY",
}


def inherited_environment() -> dict[str, str]:
    """This process's environment without the bot's settings or proxies."""
    return {
        key: value
        for key, value in os.environ.items()
        if not key.upper().startswith(_OWN_PREFIXES) and key.upper() not in _OWN_NAMES
    }
