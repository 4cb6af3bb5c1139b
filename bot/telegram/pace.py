"""One pace for every message this process sends: command replies and notifications alike.

Telegram allows about 30 messages a second per bot. Replies and the monitor's notifications
leave through the same Bot, so PTB's rate-limiter hook paces them together through one
RateWindow (TELEGRAM_MESSAGES_PER_SECOND): a burst of answers waits its turn instead of being
refused with 429, and a reply never pushes a notification over the limit or the other way.
The window holds each message until a second after Telegram's answer, which alone keeps any
second of arrivals at Telegram within the limit; so no even spacing is imposed on top, and a
sender that fell behind for a moment (a slow database write) may catch up at once.
Other calls (getUpdates, chat actions, callback answers) are not counted by Telegram's
message limit and pass at once.
"""

from __future__ import annotations

from collections.abc import Callable, Coroutine
from typing import Any

from telegram.ext import BaseRateLimiter

from bot.ratewindow import RateWindow

JSONAnswer = bool | dict[str, Any] | list[dict[str, Any]]
_PACED_PREFIXES = ("send", "edit", "copy", "forward")
_NOT_PACED = frozenset({"sendchataction"})


def is_paced(endpoint: str) -> bool:
    """Whether a Bot API method posts or edits a message (counted by Telegram's limit)."""
    name = endpoint.lower()
    return name.startswith(_PACED_PREFIXES) and name not in _NOT_PACED


class MessagePace(BaseRateLimiter[None]):
    """PTB's rate-limiter hook around a RateWindow: message calls hold a place, others pass."""

    def __init__(self, window: RateWindow) -> None:
        self._window = window

    async def initialize(self) -> None:
        """Nothing to open."""

    async def shutdown(self) -> None:
        """Nothing to close."""

    async def process_request(  # noqa: PLR0917 - PTB's signature
        self,
        callback: Callable[..., Coroutine[Any, Any, JSONAnswer]],
        args: Any,
        kwargs: dict[str, Any],
        endpoint: str,
        data: dict[str, Any],
        rate_limit_args: None,
    ) -> JSONAnswer:
        """Run the call, inside the window when it sends or edits a message."""
        if not is_paced(endpoint):
            return await callback(*args, **kwargs)
        async with self._window.slot():
            return await callback(*args, **kwargs)
