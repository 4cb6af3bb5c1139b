"""The command menu (setMyCommands) for private chats and groups, in Russian and English."""

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

from bot.texts import t

log = logging.getLogger(__name__)

PRIVATE_COMMANDS = (
    "start",
    "token",
    "link",
    "counters",
    "uploadings",
    "uploading",
    "subscribe",
    "subscriptions",
    "unsubscribe",
    "unlink",
    "lang",
    "help",
)
GROUP_COMMANDS = tuple(name for name in PRIVATE_COMMANDS if name not in {"start", "token"})
# language_code None is the menu of every other language: English.
MENU_LANGUAGES: tuple[tuple[str | None, str], ...] = (("ru", "ru"), ("en", "en"), (None, "en"))


def menu(names: tuple[str, ...], lang: str) -> list[BotCommand]:
    """The commands with their descriptions in one language."""
    return [BotCommand(name, str(t(lang, f"menu_{name}"))) for name in names]


async def set_command_menu(bot: Bot) -> None:
    """Publish the commands users see when they type '/'; a refusal is logged, not fatal."""
    scopes: tuple[tuple[BotCommandScope, tuple[str, ...]], ...] = (
        (BotCommandScopeAllPrivateChats(), PRIVATE_COMMANDS),
        (BotCommandScopeAllGroupChats(), GROUP_COMMANDS),
    )
    for scope, names in scopes:
        for code, lang in MENU_LANGUAGES:
            try:
                await bot.set_my_commands(menu(names, lang), scope=scope, language_code=code)
            except TelegramError as exc:
                log.warning("could not set the command menu (%s): %s", scope.type, exc)
                return
