"""Logging set-up: one line per event, secrets never printed."""

from __future__ import annotations

import logging
import re
from collections.abc import Iterable

_OAUTH = re.compile(r"(OAuth\s+)[\w.\-]+", re.IGNORECASE)
_BOT_URL_TOKEN = re.compile(r"/bot\d+:[\w\-]+")
# A user's "/token <secret>" message, as PTB logs incoming updates at DEBUG.
_TOKEN_COMMAND = re.compile(r"(/token(?:@\w+)?\s+)(?!delete\b)[^\s'\"\\]+", re.IGNORECASE)


class RedactingFilter(logging.Filter):
    """Replaces known secrets, bot tokens in URLs and OAuth headers with ***."""

    def __init__(self, secrets: Iterable[str]) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message once, redacted, so arguments cannot leak either."""
        message = record.getMessage()
        for secret in self._secrets:
            message = message.replace(secret, "***")
        message = _BOT_URL_TOKEN.sub("/bot***", _OAUTH.sub(r"\1***", message))
        message = _TOKEN_COMMAND.sub(r"\1***", message)
        record.msg, record.args = message, None
        return True


def configure_logging(level: str, secrets: Iterable[str]) -> None:
    """Log to stderr at `level`; chatty libraries at WARNING (httpx logs URLs with the token)."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S")
    )
    handler.addFilter(RedactingFilter(secrets))
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "aiosqlite", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
