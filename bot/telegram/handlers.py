"""Which update goes to which handler: the bot's whole chat interface in one list."""

from __future__ import annotations

from telegram.ext import CommandHandler

from bot.telegram import basics
from bot.telegram.context import BotApplication
from bot.telegram.errors import on_error


def register_handlers(app: BotApplication) -> None:
    """Attach every handler to the application."""
    app.add_handler(CommandHandler("start", basics.start))
    app.add_handler(CommandHandler("help", basics.help_command))
    app.add_error_handler(on_error)
