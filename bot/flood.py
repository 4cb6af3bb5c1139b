"""Telegram's 429 answers: how long to wait, and one short wait for a reply a user awaits.

Shared by the chat interface (replies) and the monitor (notifications).
"""

from __future__ import annotations

import asyncio
import logging
import warnings
from collections.abc import Awaitable, Callable
from datetime import timedelta
from typing import TypeVar

from telegram.error import RetryAfter
from telegram.warnings import PTBDeprecationWarning

from bot import metrics

log = logging.getLogger(__name__)

T = TypeVar("T")

REPLY_ATTEMPTS = 3
MAX_REPLY_WAIT = 30.0


def flood_wait_seconds(exc: RetryAfter) -> float:
    """Seconds from a 429, whichever type this PTB version gives."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", PTBDeprecationWarning)
        value = exc.retry_after
    return value.total_seconds() if isinstance(value, timedelta) else float(value)


async def with_flood_retry(send: Callable[[], Awaitable[T]]) -> T:
    """Send, waiting out a short 429 so a reply is late rather than lost."""
    for attempt in range(1, REPLY_ATTEMPTS + 1):
        try:
            return await send()
        except RetryAfter as exc:
            metrics.flood_wait("reply")
            wait = flood_wait_seconds(exc)
            if attempt == REPLY_ATTEMPTS or wait > MAX_REPLY_WAIT:
                raise
            log.info("reply hit Telegram's flood limit; retrying in %.1f s", wait)
            await asyncio.sleep(wait)
    raise AssertionError("unreachable")  # pragma: no cover
