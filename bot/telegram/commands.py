"""The command table: every command, who may use it, where it works and how it shows in menus.

Handlers, the /help text and the command menus are all derived from `COMMANDS`; adding a
command is one row here, its body in a `commands_*` module and its texts (`help_<name>`,
`menu_<name>`, usage) in both catalogs.
"""

from __future__ import annotations

import enum
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass
from typing import Any

from telegram import Update
from telegram.constants import ChatAction

from bot import metrics
from bot.errors import AdminsOnly, ServiceError
from bot.telegram import (
    commands_counters,
    commands_info,
    commands_login,
    commands_reports,
    commands_subscriptions,
    commands_token,
    commands_upload,
    commands_uploadings,
)
from bot.telegram.access import sender_is_admin
from bot.telegram.context import BotContext
from bot.telegram.invocation import Invocation, invocation
from bot.telegram.parsing import ArgumentError
from bot.texts import Html, t

Callback = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
Body = Callable[[Invocation], Awaitable[None]]
MEMORY_GRACE = 0.5  # an answer from a fresh stored list is usually out by then: no "typing"


class Who(enum.Enum):
    """Who may use a command in a group or channel (in a private chat the user may do all)."""

    EVERYONE = "everyone"
    ADMINS = "admins"  # it changes what the chat hears or sees


class Where(enum.Enum):
    """Where a command does its work."""

    ANYWHERE = "anywhere"
    PRIVATE = "private"  # elsewhere it only explains (and deletes a posted secret)


@dataclass(frozen=True, slots=True)
class Command:
    """One row of the table; texts `menu_<name>` and (when `in_help`) `help_<name>` exist."""

    name: str
    body: Body
    usage: str | None  # text key shown when the arguments do not fit; None: the /help text
    who: Who = Who.EVERYONE
    where: Where = Where.ANYWHERE
    in_help: bool = True
    in_group_menu: bool = True
    slow: bool = False  # its reply waits for Metrica: "typing" is shown meanwhile
    secret_args: bool = False  # the arguments are a secret: hidden before anything else runs
    action: ChatAction = ChatAction.TYPING  # what a slow command shows meanwhile
    typing_after: float = 0.0  # seconds of grace: an answer ready sooner goes without "typing"

    @property
    def callback(self) -> Callback:
        """The PTB callback: admins only when it changes something; failures become texts."""
        return _callback(self)


async def _help(inv: Invocation) -> None:
    """Every command, with its arguments."""
    await inv.reply(help_text(inv))


COMMANDS: tuple[Command, ...] = (
    Command("start", commands_info.start, None, in_help=False, in_group_menu=False),
    Command(
        "token",
        commands_token.token,
        "usage_token",
        where=Where.PRIVATE,
        slow=True,
        secret_args=True,
    ),
    Command("login", commands_login.login, None, where=Where.PRIVATE),
    Command("logout", commands_login.logout, None, where=Where.PRIVATE, slow=True),
    Command("link", commands_counters.link, "usage_link", who=Who.ADMINS, slow=True),
    Command("counters", commands_counters.counters, None),
    Command(
        "uploadings",
        commands_uploadings.uploadings,
        "usage_uploadings",
        slow=True,
        typing_after=MEMORY_GRACE,
    ),
    Command(
        "uploading",
        commands_uploadings.uploading,
        "usage_uploading",
        slow=True,
        typing_after=MEMORY_GRACE,
    ),
    Command(
        "export",
        commands_reports.export,
        "usage_export",
        slow=True,
        action=ChatAction.UPLOAD_DOCUMENT,
    ),
    Command(
        "chart", commands_reports.chart, "usage_chart", slow=True, action=ChatAction.UPLOAD_PHOTO
    ),
    Command("upload", commands_upload.upload, "usage_upload", who=Who.ADMINS, slow=True),
    Command("subscribe", commands_subscriptions.subscribe, "usage_subscribe", who=Who.ADMINS),
    Command("subscriptions", commands_subscriptions.subscriptions, None),
    Command("unsubscribe", commands_subscriptions.unsubscribe, "usage_unsubscribe", who=Who.ADMINS),
    Command("unlink", commands_counters.unlink, "usage_unlink", who=Who.ADMINS),
    Command("lang", commands_info.lang, "usage_lang", who=Who.ADMINS),
    Command("help", _help, None, in_help=False),
)


def private_menu() -> list[Command]:
    """Commands offered in private chats."""
    return list(COMMANDS)


def group_menu() -> list[Command]:
    """Commands offered to group admins: those that work there."""
    return [c for c in COMMANDS if c.where is Where.ANYWHERE and c.in_group_menu]


def member_menu() -> list[Command]:
    """Commands offered to other group members: those they may use."""
    return [c for c in group_menu() if c.who is Who.EVERYONE]


def help_text(inv: Invocation) -> Html:
    """The /help text: a title and one line per command, in the table's order."""
    lines = [t(inv.lang, "help_title")]
    lines += [inv.text(f"help_{command.name}") for command in COMMANDS if command.in_help]
    return Html("\n".join(lines))


def _callback(command: Command) -> Callback:
    async def callback(update: Update, context: BotContext) -> None:
        # Before the chat's row is written or Metrica asked: either may keep a token visible.
        hidden = (
            await commands_token.hide_token(update, context.args) if command.secret_args else None
        )
        inv = await invocation(update, context)
        if inv is None:
            return
        inv.message_deleted = hidden
        try:
            if command.who is Who.ADMINS and not await sender_is_admin(update, context.bot):
                raise AdminsOnly
            if command.slow and (command.where is Where.ANYWHERE or inv.chat.is_private):
                inv.start_typing(command.action, after=command.typing_after)
            await command.body(inv)
        except ArgumentError:
            await inv.reply(inv.text(command.usage) if command.usage else help_text(inv))
        except ServiceError as error:
            await inv.reply(inv.failure(error))
        finally:
            await inv.typed()

    callback.__name__ = callback.__qualname__ = f"command_{command.name}"
    return metrics.timed_command(command.name, callback)
