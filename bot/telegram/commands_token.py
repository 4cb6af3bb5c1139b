"""/token: save, check or delete the sender's Yandex token; refused outside private chats.

Also the ◀ ▶ button that pages through the counters a saved token can see.
"""

from __future__ import annotations

from telegram import Message, Update
from telegram.error import BadRequest, Forbidden

from bot.logs import remember_secret
from bot.services import tokens
from bot.telegram import keyboards
from bot.telegram.callback_data import TokenCountersPage
from bot.telegram.invocation import ButtonActions, Invocation
from bot.telegram.parsing import ArgumentError, is_token_delete, looks_like_token
from bot.texts import Html
from bot.texts.markup import format_time
from bot.texts.render import render_token_counters
from bot.views import TokenDeleted, TokenState, paginate


async def token(inv: Invocation) -> None:
    """/token <token>, /token, /token delete."""
    if not inv.chat.is_private:
        await _refuse(inv)
        return
    user_id = inv.require_user()
    if not inv.args:
        state = await tokens.token_state(inv.services, user_id)
        await inv.reply(_state_text(inv, state))
    elif is_token_delete(inv.args):
        name = inv.update.effective_user.full_name if inv.update.effective_user else ""
        result = await tokens.delete_token(inv.services, user_id, name)
        await inv.reply(_deleted_text(inv, result))
    else:
        await _save(inv, user_id)


async def hide_token(update: Update, args: list[str] | None) -> bool | None:
    """First thing for /token with arguments: mask them in logs, delete the message.

    Whether the message was deleted; None when there was no secret to hide.
    """
    if not args or is_token_delete(args):
        return None
    for arg in args:
        remember_secret(arg)
    return await delete_quietly(update.effective_message)


async def _save(inv: Invocation, user_id: int) -> None:
    """Check and store the token (its message is gone already: see hide_token)."""
    if len(inv.args) != 1 or not looks_like_token(inv.args[0]):
        raise ArgumentError("one token")
    counters = await tokens.save_token(inv.services, user_id, inv.args[0])
    page = paginate(counters, 0)
    text = Html(f"{inv.text('token_saved')}\n\n{render_token_counters(inv.lang, page, inv.names)}")
    await inv.reply(text, keyboards.token_counters(page))


async def counters_page(inv: Invocation, button: TokenCountersPage) -> None:
    """Another page of the counters the presser's token can see."""
    counters = await tokens.token_counters(inv.services, inv.require_user())
    page = paginate(counters, button.page)
    text = render_token_counters(inv.lang, page, inv.names)
    await inv.show(text, keyboards.token_counters(page))


async def _refuse(inv: Invocation) -> None:
    """In a group or channel: delete a posted token if possible and say it is exposed."""
    if not inv.args or is_token_delete(inv.args):
        await inv.reply(inv.text("token_private_only"))
        return
    note = inv.text("token_message_deleted" if inv.message_deleted else "token_message_kept")
    await inv.reply(inv.text("token_exposed", deleted=note))


def _deleted_text(inv: Invocation, result: TokenDeleted) -> Html:
    if not result.deleted:
        return inv.text("token_not_saved")
    if not result.chats_told:
        return inv.text("token_deleted")
    return Html(
        f"{inv.text('token_deleted')} {inv.text('token_deleted_told', chats=result.chats_told)}"
    )


def _state_text(inv: Invocation, state: TokenState) -> Html:
    if not state.saved:
        return inv.text("token_status_none")
    if not state.readable:
        return inv.text("token_status_unreadable")
    if state.valid:
        return inv.text("token_status_valid", time=format_time(state.saved_at))
    return inv.text("token_status_revoked", time=format_time(state.revoked_at))


async def delete_quietly(message: Message | None) -> bool:
    """Delete a message; False when Telegram does not let the bot."""
    if message is None:
        return False
    try:
        return await message.delete()
    except (BadRequest, Forbidden):
        return False


BUTTONS: ButtonActions = {TokenCountersPage: counters_page}
