"""The command menu (setMyCommands) for private chats and groups, in Russian and English.

Which commands each menu lists comes from the command table (commands.py).
"""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
)
from telegram.error import TelegramError

from bot.telegram.commands import Command, group_menu, private_menu
from bot.texts import t

log = logging.getLogger(__name__)

# language_code None is the menu of every other language: English.
MENU_LANGUAGES: tuple[tuple[str | None, str], ...] = (("ru", "ru"), ("en", "en"), (None, "en"))


def menu(commands: list[Command], lang: str) -> list[BotCommand]:
    """The commands with their descriptions in one language."""
    return [BotCommand(c.name, str(t(lang, f"menu_{c.name}"))) for c in commands]


async def set_command_menu(bot: Bot) -> None:
    """Publish the commands users see when they type '/'; a refusal is logged, not fatal."""
    scopes: tuple[tuple[BotCommandScope, list[Command]], ...] = (
        (BotCommandScopeAllPrivateChats(), private_menu()),
        (BotCommandScopeAllGroupChats(), group_menu()),
    )
    for scope, commands in scopes:
        for code, lang in MENU_LANGUAGES:
            try:
                await bot.set_my_commands(menu(commands, lang), scope=scope, language_code=code)
            except TelegramError as exc:
                log.warning("could not set the command menu (%s): %s", scope.type, exc)
                return
