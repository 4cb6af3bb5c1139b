"""The last line of defence: log the exception, tell the chat in one sentence."""

from __future__ import annotations

import logging

from telegram import Update
from telegram.error import BadRequest, Forbidden, NetworkError, TelegramError

from bot.telegram.context import BotContext
from bot.telegram.invocation import language, reply
from bot.texts import t
from bot.texts.markup import plain_text

log = logging.getLogger(__name__)


async def on_error(update: object, context: BotContext) -> None:
    """Never a traceback to a user, never silence."""
    error = context.error
    if isinstance(error, NetworkError | Forbidden):
        log.warning("telegram: %s", error)
        return
    log.error("unhandled error in an update handler", exc_info=error)
    if not isinstance(update, Update) or update.effective_chat is None:
        return
    try:
        text = t(await language(update, context), "error_internal")
        if update.callback_query is None:
            await reply(update, text)
            return
        try:
            await update.callback_query.answer(plain_text(text), show_alert=True)
        except BadRequest:  # the press was answered before the work began: say it in the chat
            await reply(update, text)
    except (TelegramError, OSError) as exc:  # the chat may be gone; the log already has it
        log.warning("could not report the error to chat %s: %s", update.effective_chat.id, exc)
