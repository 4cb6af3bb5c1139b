"""The bot's profile: command menus (setMyCommands) and descriptions, in Russian and English.

Which commands each menu lists comes from the command table (commands.py): private chats get
every command; in groups, members see what they may use and admins the changing ones too
(Telegram shows an admin the "all chat administrators" menu instead of the group one).
"""

from __future__ import annotations

import logging

from telegram import (
    Bot,
    BotCommand,
    BotCommandScope,
    BotCommandScopeAllChatAdministrators,
    BotCommandScopeAllGroupChats,
    BotCommandScopeAllPrivateChats,
)
from telegram.error import TelegramError

from bot.telegram.commands import Command, group_menu, member_menu, private_menu
from bot.texts import t
from bot.texts.markup import plain_text

log = logging.getLogger(__name__)

# language_code None is the menu (and description) of every other language: English.
MENU_LANGUAGES: tuple[tuple[str | None, str], ...] = (("ru", "ru"), ("en", "en"), (None, "en"))


def menu(commands: list[Command], lang: str) -> list[BotCommand]:
    """The commands with their descriptions in one language."""
    return [BotCommand(c.name, str(t(lang, f"menu_{c.name}"))) for c in commands]


async def set_command_menu(bot: Bot) -> None:
    """Publish the commands users see when they type '/'; a refusal is logged, not fatal."""
    scopes: tuple[tuple[BotCommandScope, list[Command]], ...] = (
        (BotCommandScopeAllPrivateChats(), private_menu()),
        (BotCommandScopeAllGroupChats(), member_menu()),
        (BotCommandScopeAllChatAdministrators(), group_menu()),
    )
    for scope, commands in scopes:
        for code, lang in MENU_LANGUAGES:
            try:
                await bot.set_my_commands(menu(commands, lang), scope=scope, language_code=code)
            except TelegramError as exc:
                log.warning("could not set the command menu (%s): %s", scope.type, exc)
                return


async def set_descriptions(bot: Bot) -> None:
    """What an empty private chat with the bot and its profile say; a refusal is logged."""
    for code, lang in MENU_LANGUAGES:
        try:
            description = plain_text(t(lang, "bot_description"))
            short = plain_text(t(lang, "bot_short_description"))
            await bot.set_my_description(description, language_code=code)
            await bot.set_my_short_description(short, language_code=code)
        except TelegramError as exc:
            log.warning("could not set the bot's description (%s): %s", code or "default", exc)
            return
