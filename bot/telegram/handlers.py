"""Which update goes to which handler: the bot's whole chat interface in one list.

Commands come from the command table (commands.py) and are taken from messages and from
channel posts (PTB's CommandHandler skips channel posts unless told otherwise); edited
messages never re-run a command. `/cmd@OtherBot` is ignored by CommandHandler in both cases.
/upload also arrives as the caption of a document, which CommandHandler does not read.
"""

from __future__ import annotations

from telegram.ext import CallbackQueryHandler, ChatMemberHandler, CommandHandler, MessageHandler
from telegram.ext import filters as flt

from bot.telegram import buttons, chat_events
from bot.telegram.commands import COMMANDS
from bot.telegram.commands_upload import CAPTION_COMMAND
from bot.telegram.context import BotApplication
from bot.telegram.error_handler import on_error

COMMAND_UPDATES = flt.UpdateType.MESSAGE | flt.UpdateType.CHANNEL_POST
UPLOAD_CAPTIONS = flt.UpdateType.MESSAGE & flt.Document.ALL & flt.CaptionRegex(CAPTION_COMMAND)


def register_handlers(app: BotApplication) -> None:
    """Attach every handler to the application."""
    for command in COMMANDS:
        app.add_handler(CommandHandler(command.name, command.callback, filters=COMMAND_UPDATES))
        if command.name == "upload":
            app.add_handler(MessageHandler(UPLOAD_CAPTIONS, command.callback))
    app.add_handler(CallbackQueryHandler(buttons.on_button))
    app.add_handler(
        ChatMemberHandler(chat_events.on_my_chat_member, ChatMemberHandler.MY_CHAT_MEMBER)
    )
    app.add_handler(MessageHandler(flt.StatusUpdate.MIGRATE, chat_events.on_migration))
    app.add_error_handler(on_error)
