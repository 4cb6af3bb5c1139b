"""Starts and stops the background work: polling Metrica, sending notifications."""

from __future__ import annotations

from bot.telegram.context import BotApplication


async def start_background(app: BotApplication) -> None:
    """Start the poller and the sender as background tasks of the application."""
    # Filled in by the monitor work (issue 4).
    _ = app


async def stop_background(app: BotApplication) -> None:
    """Stop them, letting the current step finish."""
    _ = app
