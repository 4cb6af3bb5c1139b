"""The command menu (setMyCommands) for private chats and groups, in Russian and English."""

from __future__ import annotations

from telegram import Bot


async def set_command_menu(bot: Bot) -> None:
    """Publish the commands users see when they type '/'."""
    # Filled in by the chat-interface work (issue 3).
    _ = bot
