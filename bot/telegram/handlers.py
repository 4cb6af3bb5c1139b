"""Which update goes to which handler: the bot's whole chat interface in one list.

Commands are taken from messages and from channel posts (PTB's CommandHandler skips channel
posts unless told otherwise); edited messages never re-run a command. `/cmd@OtherBot` is
ignored by CommandHandler in both cases.
"""

from __future__ import annotations

from telegram.ext import CallbackQueryHandler, ChatMemberHandler, CommandHandler, MessageHandler
from telegram.ext import filters as flt

from bot.telegram import (
    buttons,
    chat_events,
    commands_counters,
    commands_info,
    commands_subscriptions,
    commands_token,
    commands_uploadings,
)
from bot.telegram.context import BotApplication
from bot.telegram.errors import on_error
from bot.telegram.invocation import Callback

COMMAND_UPDATES = flt.UpdateType.MESSAGE | flt.UpdateType.CHANNEL_POST

COMMANDS: dict[str, Callback] = {
    "start": commands_info.start,
    "help": commands_info.help_command,
    "lang": commands_info.lang,
    "token": commands_token.token,
    "link": commands_counters.link,
    "unlink": commands_counters.unlink,
    "counters": commands_counters.counters,
    "uploadings": commands_uploadings.uploadings,
    "uploading": commands_uploadings.uploading,
    "subscribe": commands_subscriptions.subscribe,
    "unsubscribe": commands_subscriptions.unsubscribe,
    "subscriptions": commands_subscriptions.subscriptions,
}


def register_handlers(app: BotApplication) -> None:
    """Attach every handler to the application."""
    for name, callback in COMMANDS.items():
        app.add_handler(CommandHandler(name, callback, filters=COMMAND_UPDATES))
    app.add_handler(CallbackQueryHandler(buttons.on_button))
    app.add_handler(
        ChatMemberHandler(chat_events.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    app.add_handler(MessageHandler(flt.StatusUpdate.MIGRATE, chat_events.on_migration))
    app.add_error_handler(on_error)
