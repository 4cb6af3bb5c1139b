"""/uploadings and /uploading."""

from __future__ import annotations

from bot.services.uploadings import uploading_detail, uploadings_page
from bot.telegram.callback_data import UploadingDetail, UploadingsPage
from bot.telegram.choosing import choose_counter
from bot.telegram.invocation import Invocation, command
from bot.telegram.keyboards import uploadings_pager
from bot.telegram.parsing import ArgumentError, parse_counter_args, parse_uploading_args
from bot.texts.render import render_uploading, render_uploadings


@command("usage_uploadings")
async def uploadings(inv: Invocation) -> None:
    """/uploadings [counter_id]: newest first, ten per page with ◀ ▶."""
    args = parse_counter_args(inv.args)
    if args.target is not None:
        raise ArgumentError("no chat here")
    counter_id = args.counter_id or await choose_counter(
        inv, "pick_uploadings", lambda counter: UploadingsPage(counter, 0)
    )
    if counter_id is None:
        return
    view = await uploadings_page(inv.services, inv.chat.id, inv.user_id, counter_id, 0)
    text = render_uploadings(inv.lang, view, inv.names)
    await inv.reply(text, uploadings_pager(counter_id, view.page))


@command("usage_uploading")
async def uploading(inv: Invocation) -> None:
    """/uploading <uploading_id> [counter_id]: one uploading in full."""
    args = parse_uploading_args(inv.args)
    counter_id = args.counter_id or await choose_counter(
        inv,
        "pick_uploading",
        lambda counter: UploadingDetail(counter, args.uploading_id),
        uploading=args.uploading_id,
    )
    if counter_id is None:
        return
    view = await uploading_detail(
        inv.services, inv.chat.id, inv.user_id, counter_id, args.uploading_id
    )
    await inv.reply(render_uploading(inv.lang, view))
