"""Inline button presses: decode, check who pressed, answer at once, dispatch to the feature.

Each `commands_*` module exports the actions of its buttons (`BUTTONS`) beside its commands;
this module only decodes the callback data, re-checks the presser and answers the press before
the work starts (Telegram's spinner stops at once). A stale button and "admins only" need no
work and are answered as they are; a failure of the work itself arrives as a message. Only ↻
(ANSWERED_AFTER) is answered when its fetch is done: refused (too many requests, quota), it
gets an alert and the message it is on stays as it was.
"""

from __future__ import annotations

from telegram import Update

from bot.errors import AdminsOnly, ServiceError
from bot.services.lists import REFUSED
from bot.telegram import (
    commands_counters,
    commands_login,
    commands_reports,
    commands_subscriptions,
    commands_token,
    commands_uploadings,
)
from bot.telegram.access import sender_is_admin
from bot.telegram.callback_data import (
    ANSWERED_AFTER,
    CHANGING,
    MANAGING,
    REPLYING_SLOWLY,
    Button,
    Noop,
    decode,
)
from bot.telegram.context import BotContext
from bot.telegram.invocation import ButtonActions, Invocation, invocation
from bot.texts.markup import plain_text, truncate

ALERT_LIMIT = 200


async def _nothing(inv: Invocation, button: Noop) -> None:
    """The page-number label."""


_ACTIONS: ButtonActions = {
    **commands_uploadings.BUTTONS,
    **commands_counters.BUTTONS,
    **commands_reports.BUTTONS,
    **commands_subscriptions.BUTTONS,
    **commands_token.BUTTONS,
    **commands_login.BUTTONS,
    Noop: _nothing,
}


async def on_button(update: Update, context: BotContext) -> None:
    """Decode and check who pressed; answer the press; then act."""
    query = update.callback_query
    if query is None:
        return
    button = decode(query.data)
    inv = await invocation(update, context)
    if inv is None or button is None:
        await query.answer(plain_text(inv.text("err_stale_button")) if inv else "")
        return
    if isinstance(button, CHANGING) and not await _may_change(inv, button):
        await _alert(inv, AdminsOnly())
        return
    late = isinstance(button, ANSWERED_AFTER)
    if not late:
        await query.answer()
    if isinstance(button, REPLYING_SLOWLY):
        inv.start_typing()
    try:
        await _ACTIONS[type(button)](inv, button)
    except REFUSED as refused:
        if late:
            await _alert(inv, refused)
            return
        await inv.reply(inv.failure(refused))
    except ServiceError as error:
        if late:
            await query.answer()
        await inv.reply(inv.failure(error))
    else:
        if late:
            await query.answer()
    finally:
        await inv.typed()


async def _alert(inv: Invocation, error: ServiceError) -> None:
    """Answer the press with the failure as an alert."""
    query = inv.update.callback_query
    if query is not None:
        await query.answer(truncate(plain_text(inv.failure(error)), ALERT_LIMIT), show_alert=True)


async def _may_change(inv: Invocation, button: Button) -> bool:
    """A chat managed from here is checked when used; this chat needs an admin presser."""
    if isinstance(button, MANAGING) and getattr(button, "chat_id", None) is not None:
        return True
    return await sender_is_admin(inv.update, inv.context.bot)
