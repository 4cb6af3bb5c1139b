"""Inline button presses: paging and picks edit the message; each press is checked again."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

from telegram import CallbackQuery, InlineKeyboardMarkup, Update
from telegram.constants import ParseMode
from telegram.error import BadRequest

from bot.errors import AdminsOnly, ServiceError
from bot.services import subscriptions, tokens
from bot.services.counters import link_counter
from bot.services.uploadings import uploading_detail, uploadings_page
from bot.telegram import keyboards
from bot.telegram.access import sender_is_admin
from bot.telegram.basics import NO_PREVIEW
from bot.telegram.callback_data import (
    CHANGING,
    Button,
    LinkCounter,
    Noop,
    Subscribe,
    TokenCountersPage,
    Unsubscribe,
    UploadingDetail,
    UploadingsPage,
    decode,
)
from bot.telegram.commands_counters import linked_text
from bot.telegram.context import BotContext
from bot.telegram.invocation import Invocation, invocation
from bot.texts.markup import plain_text, truncate
from bot.texts.render import (
    counter_label,
    render_token_counters,
    render_uploading,
    render_uploadings,
)
from bot.views import paginate

ALERT_LIMIT = 200
NOT_MODIFIED = "message is not modified"


async def on_button(update: Update, context: BotContext) -> None:
    """Decode, check who pressed, act, and always answer the query."""
    query = update.callback_query
    if query is None:
        return
    button = decode(query.data)
    inv = await invocation(update, context)
    if inv is None or button is None:
        await query.answer(_stale(inv))
        return
    try:
        if isinstance(button, CHANGING) and not await _may_change(inv, button):
            raise AdminsOnly
        await _ACTIONS[type(button)](inv, query, button)
    except ServiceError as error:
        await query.answer(truncate(plain_text(inv.failure(error)), ALERT_LIMIT), show_alert=True)
        return
    await query.answer()


def _stale(inv: Invocation | None) -> str:
    return plain_text(inv.text("err_stale_button")) if inv else ""


async def _may_change(inv: Invocation, button: Button) -> bool:
    """A chat managed from here is checked when used; this chat needs an admin presser."""
    if isinstance(button, Subscribe | Unsubscribe) and button.chat_id is not None:
        return True
    return await sender_is_admin(inv.update, inv.context.bot)


async def _edit(
    query: CallbackQuery, text: str, markup: InlineKeyboardMarkup | None = None
) -> None:
    """Edit the message the button is on; an identical page is not an error."""
    try:
        await query.edit_message_text(
            text, parse_mode=ParseMode.HTML, reply_markup=markup, link_preview_options=NO_PREVIEW
        )
    except BadRequest as exc:
        if NOT_MODIFIED not in str(exc).lower():
            raise


async def _page(inv: Invocation, query: CallbackQuery, button: UploadingsPage) -> None:
    view = await uploadings_page(
        inv.services, inv.chat.id, inv.user_id, button.counter_id, button.page
    )
    text = render_uploadings(inv.lang, view, inv.names)
    await _edit(query, text, keyboards.uploadings_pager(button.counter_id, view.page))


async def _detail(inv: Invocation, query: CallbackQuery, button: UploadingDetail) -> None:
    view = await uploading_detail(
        inv.services, inv.chat.id, inv.user_id, button.counter_id, button.uploading_id
    )
    await _edit(query, render_uploading(inv.lang, view))


async def _link(inv: Invocation, query: CallbackQuery, button: LinkCounter) -> None:
    result = await link_counter(inv.services, inv.chat, inv.require_user(), button.counter_id)
    await inv.reply(linked_text(inv, result))


async def _subscribe(inv: Invocation, query: CallbackQuery, button: Subscribe) -> None:
    chat = await inv.use_target(button.chat_id)
    counter, created = await subscriptions.subscribe(inv.services, chat.id, button.counter_id)
    key = "subscribed" if created else "subscribed_already"
    await _edit(query, inv.text(key, counter=counter_label(counter)))


async def _unsubscribe(inv: Invocation, query: CallbackQuery, button: Unsubscribe) -> None:
    chat = await inv.use_target(button.chat_id)
    counter = await subscriptions.unsubscribe(inv.services, chat.id, button.counter_id)
    await _edit(query, inv.text("unsubscribed", counter=counter_label(counter)))


async def _token_page(inv: Invocation, query: CallbackQuery, button: TokenCountersPage) -> None:
    counters = await tokens.token_counters(inv.services, inv.require_user())
    page = paginate(counters, button.page)
    text = render_token_counters(inv.lang, page, inv.names)
    await _edit(query, text, keyboards.token_counters(page))


async def _nothing(inv: Invocation, query: CallbackQuery, button: Noop) -> None:
    """The page-number label."""


Action = Callable[[Invocation, CallbackQuery, Any], Awaitable[None]]
_ACTIONS: dict[type, Action] = {
    UploadingsPage: _page,
    UploadingDetail: _detail,
    LinkCounter: _link,
    Subscribe: _subscribe,
    Unsubscribe: _unsubscribe,
    TokenCountersPage: _token_page,
    Noop: _nothing,
}
