"""Logging set-up: one line per event, secrets never printed.

Every line (its message, arguments, traceback) passes one filter before it is written:
- the process's fixed secrets (bot token, keys, webhook secret, OAuth client secret: see
  bot/cli.py) and bot tokens in URLs;
- `OAuth <token>` headers;
- whatever follows `/token`, whatever separates the two and however a library escaped them
  (python-telegram-bot logs whole updates at DEBUG: `\\n`, `\\xa0`, `\\u00a0`, `\\/`...);
- every OAuth token this process has seen (`remember_secret`: the cipher reports each token it
  encrypts or decrypts, the /token command each token it receives, this filter each token it
  found after `/token`), in its plain, JSON-escaped and URL-encoded forms.
Nothing is decrypted just to be registered: a token is masked from the moment it is handled.
"""

from __future__ import annotations

import logging
import re
import threading
from collections import OrderedDict
from collections.abc import Iterable
from urllib.parse import unquote

_OAUTH = re.compile(r"(OAuth\s+)[\w.\-~+/=]+", re.IGNORECASE)
_BOT_URL_TOKEN = re.compile(r"/bot\d+:[\w\-]+")
# A separator as it may look in a log line: whitespace (any), invisible characters, or an
# escape sequence of a repr(), JSON or URL encoding (`\n`, `\\t`, `\xa0`, `\u00a0`, `%20`...).
_SEPARATOR = (
    r"(?:[\s\u200b-\u200f\u2060\ufeff]"
    r"|\\+(?:[nrtfvb]|x[0-9a-fA-F]{2}|u[0-9a-fA-F]{4}|U[0-9a-fA-F]{8})"
    r"|%[0-9a-fA-F]{2})+"
)
_TOKEN_CHARS = r"(?:[\w\-.~+=]|\\*/|%2[bBfF]|%3[dD])+"  # noqa: S105 - a pattern
_KEEP_READABLE = r"(?!(?:delete|remove|удалить)\b)"  # /token delete is no secret
_TOKEN_COMMAND = re.compile(
    rf"((?:\\*/|%2F)token(?:@\w+)?{_SEPARATOR}){_KEEP_READABLE}({_TOKEN_CHARS})", re.IGNORECASE
)
_ESCAPED_SLASH = re.compile(r"\\+/")
MASK = "***"
MIN_SECRET = 8  # shorter "tokens" are no tokens; matching on 8-character prefixes keeps it fast
_RUN = re.compile(rf"(?:[\w\-.~+=%]|\\+/|/){{{MIN_SECRET},}}")


def plain_form(text: str) -> str:
    """A token-like run with its escaping undone: `\\/` and `%2F` become `/`."""
    return unquote(_ESCAPED_SLASH.sub("/", text))


class SecretRegistry:
    """The OAuth tokens this process has seen, most recent `capacity` of them.

    Bounded, so a flood of junk `/token` attempts cannot grow memory; a token evicted by
    junk is registered again the next time the cipher or a handler touches it.
    """

    def __init__(self, capacity: int = 4096) -> None:
        self._capacity = capacity
        self._lock = threading.Lock()
        self._secrets: OrderedDict[str, None] = OrderedDict()
        self._by_prefix: dict[str, tuple[str, ...]] = {}

    def __len__(self) -> int:
        return len(self._secrets)

    def add(self, secret: str) -> None:
        """Mask this secret in every later log line."""
        secret = plain_form(secret.strip())
        if len(secret) < MIN_SECRET or not _RUN.fullmatch(secret):
            return
        with self._lock:
            if secret in self._secrets:
                self._secrets.move_to_end(secret)
                return
            self._secrets[secret] = None
            self._index(secret, add=True)
            while len(self._secrets) > self._capacity:
                oldest, _ = self._secrets.popitem(last=False)
                self._index(oldest, add=False)

    def _index(self, secret: str, *, add: bool) -> None:
        prefix = secret[:MIN_SECRET]
        bucket = tuple(s for s in self._by_prefix.get(prefix, ()) if s != secret)
        bucket = (*bucket, secret) if add else bucket
        if bucket:
            self._by_prefix[prefix] = bucket  # readers see the old tuple or the new one
        else:
            self._by_prefix.pop(prefix, None)

    def redact(self, text: str) -> str:
        """The text with every token-like run that contains a known secret replaced."""
        if not self._by_prefix:
            return text
        return _RUN.sub(self._masked_run, text)

    def _masked_run(self, match: re.Match[str]) -> str:
        run = plain_form(match.group(0))
        for start in range(len(run) - MIN_SECRET + 1):
            bucket = self._by_prefix.get(run[start : start + MIN_SECRET])
            if bucket and any(run.startswith(secret, start) for secret in bucket):
                return MASK
        return match.group(0)


SEEN = SecretRegistry()
"""The process's registry: logging is process-wide, and so is what it must never print."""


def remember_secret(secret: str) -> None:
    """Mask this token in every later log line of the process."""
    SEEN.add(secret)


class RedactingFilter(logging.Filter):
    """Replaces secrets (fixed, seen, after /token), bot tokens in URLs, OAuth headers."""

    def __init__(self, secrets: Iterable[str], registry: SecretRegistry = SEEN) -> None:
        super().__init__()
        self._secrets = [secret for secret in secrets if secret]
        self._registry = registry

    def add(self, secret: str | None) -> None:
        """Never print this secret either (one known only after start, like a generated one)."""
        if secret:
            self._secrets.append(secret)

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message once, redacted, so arguments cannot leak either."""
        record.msg, record.args = self.redact(record.getMessage()), None
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        if record.stack_info:
            record.stack_info = self.redact(record.stack_info)
        return True

    def redact(self, text: str) -> str:
        """The text with everything secret replaced by ***."""
        for secret in self._secrets:
            text = text.replace(secret, MASK)
        text = _BOT_URL_TOKEN.sub(f"/bot{MASK}", _OAUTH.sub(rf"\1{MASK}", text))
        text = _TOKEN_COMMAND.sub(self._command_argument, text)
        return self._registry.redact(text)

    def _command_argument(self, match: re.Match[str]) -> str:
        """Mask the argument of /token and remember it, for lines that show it differently."""
        self._registry.add(match.group(2))
        return f"{match.group(1)}{MASK}"


def configure_logging(level: str, secrets: Iterable[str]) -> RedactingFilter:
    """Log to stderr at `level`; chatty libraries at WARNING (httpx logs URLs with the token)."""
    handler = logging.StreamHandler()
    handler.setFormatter(
        logging.Formatter("%(asctime)s %(levelname)s %(name)s: %(message)s", "%Y-%m-%dT%H:%M:%S")
    )
    redactor = RedactingFilter(secrets)
    handler.addFilter(redactor)
    root = logging.getLogger()
    root.handlers[:] = [handler]
    root.setLevel(level)
    for noisy in ("httpx", "httpcore", "apscheduler", "aiosqlite", "asyncio"):
        logging.getLogger(noisy).setLevel(logging.WARNING)
    return redactor
