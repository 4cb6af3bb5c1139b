"""The Metrica client's retry policy of its calls, and an upload's body."""

from __future__ import annotations

import random
from dataclasses import dataclass, field
from typing import Any

from bot.metrica.errors import MetricaError, QuotaExceeded, Unavailable


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How often and how patiently to retry transient failures."""

    attempts: int = 3
    base_delay: float = 0.5
    max_delay: float = 30.0
    jitter: bool = True

    def delay(self, error: MetricaError, attempt: int) -> float | None:
        """Seconds to wait before the next attempt after this failed one, or None to give up."""
        transient = isinstance(error, Unavailable) or (
            isinstance(error, QuotaExceeded) and not error.daily
        )
        if not transient or attempt >= self.attempts:
            return None
        retry_after = getattr(error, "retry_after", None)
        if retry_after is not None:
            return retry_after if retry_after <= self.max_delay else None
        ceiling = min(self.max_delay, self.base_delay * 2 ** (attempt - 1))
        # Full jitter spreads retries of many pollers; not a security use of randomness.
        return random.uniform(0, ceiling) if self.jitter else ceiling  # noqa: S311


DEFAULT_RETRY = RetryPolicy()


@dataclass(frozen=True, slots=True)
class Upload:
    """A calls CSV to upload: the multipart part `file` and the query parameter `comment`."""

    file_name: str
    content: bytes = field(repr=False)
    comment: str = ""

    def request(self) -> dict[str, Any]:
        """httpx's keyword arguments for the POST."""
        return {
            "params": {"comment": self.comment},
            "files": {"file": (self.file_name, self.content, "text/csv")},
        }
