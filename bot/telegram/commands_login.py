"""/login (Yandex device-code login), /logout, the "try again" button, and a login's end.

/login shows the code and a button to Yandex's page; the background job (bot.monitor.logins)
polls Yandex and, when the login ends, `show_ended` edits that message: "Connected as ..."
with the counters as buttons, or why not with a button to try again.
"""

from __future__ import annotations

import logging

from telegram import Bot, InlineKeyboardMarkup
from telegram.constants import ParseMode
from telegram.error import BadRequest, Forbidden

from bot.errors import ServiceError
from bot.services import login as login_service
from bot.services.login_poll import Connected, Ended, Failure
from bot.storage.device_logins import PendingLogin
from bot.telegram import keyboards
from bot.telegram.callback_data import LoginAgain
from bot.telegram.invocation import NO_PREVIEW, ButtonActions, Invocation, command_names
from bot.texts import Html, t
from bot.texts.failures import failure_text
from bot.texts.render import render_token_counters, where
from bot.views import TokenDeleted, paginate

log = logging.getLogger(__name__)


async def login(inv: Invocation) -> None:
    """/login: a code to confirm at Yandex; in a group, a button to the private chat."""
    if not inv.chat.is_private:
        markup = keyboards.login_in_private(inv.lang, inv.context.bot.username)
        await inv.reply(inv.text("login_private_only"), markup)
        return
    await _start(inv)


async def login_again(inv: Invocation, button: LoginAgain) -> None:
    """The "try again" button: a new code, on the same message."""
    if inv.chat.is_private:
        await _start(inv)


async def _start(inv: Invocation) -> None:
    started = await login_service.start_login(
        inv.services, inv.require_user(), inv.chat.id, inv.lang
    )
    text = inv.text("login_code", code=started.user_code, minutes=started.minutes)
    markup = keyboards.open_url(inv.lang, "button_login_open", started.verification_url)
    query = inv.update.callback_query
    message_id: int | None = None
    if query is not None and query.message is not None:
        await inv.show(text, markup)
        message_id = query.message.message_id
    else:
        sent = await inv.reply(text, markup)
        message_id = sent.message_id if sent else None
    if message_id is not None:
        await login_service.show_login_in(inv.services, started.login_id, message_id)


async def logout(inv: Invocation) -> None:
    """/logout: revoke the token at Yandex and forget it here."""
    if not inv.chat.is_private:
        await inv.reply(inv.text("token_private_only"))
        return
    user = inv.update.effective_user
    result = await login_service.logout(
        inv.services, inv.require_user(), user.full_name if user else ""
    )
    await inv.reply(_logged_out(inv, result))


def _logged_out(inv: Invocation, result: TokenDeleted) -> Html:
    if not result.deleted:
        return inv.text("logout_none")
    if not result.chats_told:
        return inv.text("logout_done")
    told = inv.text("token_deleted_told", chats=result.chats_told)
    return Html(f"{inv.text('logout_done')} {told}")


async def show_ended(bot: Bot, ended: Ended) -> None:
    """Edit the login's message to its end (a new message if it cannot be edited)."""
    text, markup = render_ended(ended, bot.username)
    pending = ended.login
    try:
        if pending.message_id is None or not await _edit(bot, pending, text, markup):
            await bot.send_message(
                pending.chat_id, text, parse_mode=ParseMode.HTML, reply_markup=markup,
                link_preview_options=NO_PREVIEW,
            )  # fmt: skip
    except Forbidden:
        log.info("user %s blocked the bot before their login ended", pending.user_id)


async def _edit(
    bot: Bot, pending: PendingLogin, text: str, markup: InlineKeyboardMarkup | None
) -> bool:
    """Edit the message that showed the code; False when Telegram refuses (deleted, too old)."""
    try:
        await bot.edit_message_text(
            text, pending.chat_id, pending.message_id, parse_mode=ParseMode.HTML,
            reply_markup=markup, link_preview_options=NO_PREVIEW,
        )  # fmt: skip
    except BadRequest as exc:
        log.info("could not edit a login's message (%s): sending a new one", exc)
        return False
    return True


def render_ended(ended: Ended, bot_username: str) -> tuple[Html, InlineKeyboardMarkup | None]:
    """The text and buttons for a login's end, in the language of its chat."""
    lang, outcome = ended.login.language, ended.outcome
    names = command_names(None, bot_username)
    if isinstance(outcome, Connected):
        page = paginate(outcome.counters, 0)
        lines = [t(lang, "login_connected", login=outcome.login or "?", **names)]
        if outcome.missing_scopes:
            lines.append(
                t(lang, "login_missing_scopes", scopes=", ".join(outcome.missing_scopes), **names)
            )
        lines.append(render_token_counters(lang, page, names))
        return Html("\n\n".join(lines)), keyboards.token_counters(page)
    if isinstance(outcome, ServiceError):
        return failure_text(lang, outcome, names, where(lang, None)), keyboards.login_again(lang)
    if outcome is Failure.UNAVAILABLE:
        return t(lang, "err_login_unavailable", **names), None
    return t(lang, f"login_{outcome.value}", **names), keyboards.login_again(lang)


BUTTONS: ButtonActions = {LoginAgain: login_again}
