"""/uploadings and /uploading, and their buttons: ◀ ▶ pages, ↻ (fetch anew), picking the
counter, and the Details button of notifications."""

from __future__ import annotations

from bot.clock import utc_now
from bot.services.pages import page_key
from bot.services.uploadings import uploading_detail, uploadings_page
from bot.telegram.callback_data import (
    Details,
    UploadingDetail,
    UploadingRefresh,
    UploadingsPage,
    UploadingsRefresh,
)
from bot.telegram.invocation import ButtonActions, Invocation
from bot.telegram.keyboards import uploading_refresh, uploadings_pager
from bot.telegram.parsing import ArgumentError, parse_counter_args, parse_uploading_args
from bot.texts.render import render_uploading, render_uploadings


async def uploadings(inv: Invocation) -> None:
    """/uploadings [counter_id]: newest first, ten per page with ◀ ▶."""
    args = parse_counter_args(inv.args)
    if args.target is not None:
        raise ArgumentError("no chat here")
    counter_id = args.counter_id or await inv.choose_counter(
        "pick_uploadings", lambda counter: UploadingsPage(counter, 0)
    )
    if counter_id is not None:
        await show_page(inv, UploadingsPage(counter_id, 0))


async def show_page(inv: Invocation, button: UploadingsPage | UploadingsRefresh) -> None:
    """A page of a counter's uploadings: a new reply, or the pressed message edited.

    ↻ fetches anew; when that is refused (too many requests, quota) the press gets an alert
    and the message stays as it is.
    """
    refresh = isinstance(button, UploadingsRefresh)
    view = await uploadings_page(
        inv.services,
        inv.chat.id,
        inv.user_id,
        button.counter_id,
        button.page,
        refresh=refresh,
        order=inv.order,
    )
    now = utc_now()
    key = page_key(inv.lang, view, inv.names, now)
    text = inv.services.pages.text(
        key, lambda: render_uploadings(inv.lang, view, inv.names, now=now)
    )
    markup = uploadings_pager(button.counter_id, view.page)
    await inv.show(text, markup)


async def uploading(inv: Invocation) -> None:
    """/uploading <uploading_id> [counter_id]: one uploading in full."""
    args = parse_uploading_args(inv.args)
    counter_id = args.counter_id or await inv.choose_counter(
        "pick_uploading",
        lambda counter: UploadingDetail(counter, args.uploading_id),
        uploading=args.uploading_id,
    )
    if counter_id is not None:
        await show_detail(inv, UploadingDetail(counter_id, args.uploading_id))


async def show_detail(inv: Invocation, button: UploadingDetail | UploadingRefresh) -> None:
    """One uploading in full: a new reply, or the pressed message edited."""
    refresh = isinstance(button, UploadingRefresh)
    view = await uploading_detail(
        inv.services,
        inv.chat.id,
        inv.user_id,
        button.counter_id,
        button.uploading_id,
        refresh=refresh,
        order=inv.order,
    )
    text = render_uploading(inv.lang, view, now=utc_now())
    await inv.show(text, uploading_refresh(button.counter_id, button.uploading_id))


async def show_details(inv: Invocation, button: Details) -> None:
    """A notification's Details: the uploading in full as a new message; the notice stays."""
    view = await uploading_detail(
        inv.services,
        inv.chat.id,
        inv.user_id,
        button.counter_id,
        button.uploading_id,
        order=inv.order,
    )
    text = render_uploading(inv.lang, view, now=utc_now())
    await inv.reply(text, uploading_refresh(button.counter_id, button.uploading_id))


BUTTONS: ButtonActions = {
    UploadingsPage: show_page,
    UploadingsRefresh: show_page,
    UploadingDetail: show_detail,
    UploadingRefresh: show_detail,
    Details: show_details,
}
