"""Errors of the Metrica client, one tree so callers catch exactly what they can handle.

MetricaError(message, *, status_code, error_type)
 ├── InvalidToken    401 (any body); 403 invalid_token: the token is bad or revoked, never retry
 ├── AccessDenied    403 access_denied, counter_in_connect and any other 403
 ├── WriteDenied     403 (not invalid_token) on an upload: the token may read but not write
 ├── NotFound        404; 400 whose message contains "No object with specified ID"
 ├── InvalidRequest  any other 4xx: invalid_parameter, missing_parameter, invalid_uploading, ...
 ├── QuotaExceeded   429: quota, retry_after, daily, resets_at (daily quotas reset at 00:00 UTC)
 │    └── AllowanceSpent  not sent: the login's monitor share or command reserve is spent today
 └── Unavailable     5xx, timeouts, connection errors, a body that is not the expected JSON;
                     `sent` False when the connection failed, so the request surely never arrived

A 401 is trusted whatever its body; any other 4xx whose body is not Metrica's error JSON (a
proxy's HTML page) is Unavailable, so a proxy hiccup never looks like a verdict on the token.
Messages come from Metrica or from the client, never from the request: they hold no token.
"""

from __future__ import annotations

import math
from datetime import UTC, datetime
from email.utils import parsedate_to_datetime
from typing import Any

import httpx

from bot.clock import next_utc_midnight

DAILY_QUOTAS = frozenset(
    {"quota_requests_by_uid", "quota_delegate_requests", "quota_grants_requests"}
)
NO_OBJECT = "No object with specified ID"
_MAX_MESSAGE = 300
MAX_RETRY_AFTER = 86_400.0  # a longer (or infinite) Retry-After is read as a day


class MetricaError(Exception):
    """Anything that went wrong talking to Metrica."""

    def __init__(
        self, message: str, *, status_code: int | None = None, error_type: str | None = None
    ) -> None:
        super().__init__(message)
        self.message = message
        self.status_code = status_code
        self.error_type = error_type

    def __str__(self) -> str:
        details = ", ".join(
            part
            for part in (
                f"HTTP {self.status_code}" if self.status_code is not None else "",
                self.error_type or "",
            )
            if part
        )
        return f"{self.message} ({details})" if details else self.message

    def redact(self, secret: str) -> None:
        """Replace a secret echoed back by the server with a placeholder."""
        if secret and secret in self.message:
            self.message = self.message.replace(secret, "<redacted>")
            self.args = (self.message,)


class InvalidToken(MetricaError):
    """The token is bad or revoked: tell its owner and stop using it."""


class AccessDenied(MetricaError):
    """The token works but may not see this counter."""


class WriteDenied(MetricaError):
    """An upload was refused with 403: the token lacks metrika:offline_data / metrika:write."""

    @classmethod
    def of(cls, error: MetricaError) -> WriteDenied:
        """The same refusal, as an upload's."""
        return cls(error.message, status_code=error.status_code, error_type=error.error_type)


class NotFound(MetricaError):
    """The counter or uploading does not exist."""


class InvalidRequest(MetricaError):
    """Metrica refused the request itself; retrying will not help."""


class QuotaExceeded(MetricaError):
    """A Metrica quota is spent; daily ones reset at 00:00 UTC."""

    def __init__(
        self,
        message: str,
        *,
        quota: str,
        status_code: int | None = 429,
        retry_after: float | None = None,
        resets_at: datetime | None = None,
    ) -> None:
        super().__init__(message, status_code=status_code, error_type=quota)
        self.quota = quota
        self.daily = quota in DAILY_QUOTAS
        self.retry_after = retry_after
        self.resets_at = resets_at


class AllowanceSpent(QuotaExceeded):
    """Refused before sending: this kind's allowance of the login is spent for the day."""

    def __init__(self, message: str, *, kind: str, resets_at: datetime) -> None:
        super().__init__(message, quota="local_allowance", status_code=None, resets_at=resets_at)
        self.kind = kind
        self.daily = True


class Unavailable(MetricaError):
    """Metrica or the network failed for now; worth retrying later."""

    def __init__(
        self,
        message: str,
        *,
        status_code: int | None = None,
        error_type: str | None = None,
        retry_after: float | None = None,
        sent: bool = True,
    ) -> None:
        super().__init__(message, status_code=status_code, error_type=error_type)
        self.retry_after = retry_after
        self.sent = sent


def retry_after_seconds(response: httpx.Response, now: datetime) -> float | None:
    """Seconds from a Retry-After header (delta-seconds or HTTP-date), or None."""
    value = response.headers.get("Retry-After", "").strip()
    if not value:
        return None
    try:
        return _bounded(float(value))
    except ValueError:
        pass
    try:
        when = parsedate_to_datetime(value)
    except (TypeError, ValueError, OverflowError):
        return None
    if when.tzinfo is None:
        when = when.replace(tzinfo=UTC)
    return _bounded((when - now).total_seconds())


def _bounded(seconds: float) -> float | None:
    """0..MAX_RETRY_AFTER ('inf' and far futures included); None for NaN, which says nothing."""
    if math.isnan(seconds):
        return None
    return min(MAX_RETRY_AFTER, max(0.0, seconds))


def _error_fields(response: httpx.Response) -> tuple[str | None, str] | None:
    """The first error_type and all messages of Metrica's error body, or None if not that."""
    try:
        body: Any = response.json()
    except ValueError:
        return None
    if not isinstance(body, dict):
        return None
    errors = [e for e in body.get("errors") or [] if isinstance(e, dict)]
    messages = [str(e["message"]) for e in errors if e.get("message")]
    if body.get("message"):
        messages.append(str(body["message"]))
    if not errors and not messages:
        return None
    error_type = next((str(e["error_type"]) for e in errors if e.get("error_type")), None)
    return error_type, " / ".join(dict.fromkeys(messages))[:_MAX_MESSAGE]


def parse_error(response: httpx.Response, now: datetime) -> MetricaError:
    """Map a non-2xx response to the error tree."""
    status = response.status_code
    fields = _error_fields(response)
    error_type, message = fields if fields else (None, f"HTTP {status} from Metrica")
    message = message or f"HTTP {status} from Metrica"
    if status == 429:
        retry_after = retry_after_seconds(response, now)
        quota = error_type or "unknown"
        resets_at = next_utc_midnight(now) if quota in DAILY_QUOTAS else None
        return QuotaExceeded(message, quota=quota, retry_after=retry_after, resets_at=resets_at)
    if status >= 500 or status < 400:
        return Unavailable(
            message,
            status_code=status,
            error_type=error_type,
            retry_after=retry_after_seconds(response, now),
        )
    if status == 401:
        return InvalidToken(message, status_code=status, error_type=error_type)
    if fields is None:
        return Unavailable("unexpected response: error body is not JSON", status_code=status)
    return _client_error(status, error_type, message)


def _client_error(status: int, error_type: str | None, message: str) -> MetricaError:
    """Map a 4xx (other than 401 and 429) that carried Metrica's error JSON."""
    cls: type[MetricaError] = InvalidRequest
    if status == 403:
        cls = InvalidToken if error_type == "invalid_token" else AccessDenied
    elif status == 404 or (status == 400 and NO_OBJECT.lower() in message.lower()):
        cls = NotFound
    return cls(message, status_code=status, error_type=error_type)
