"""/export and /chart, and the buttons that pick their counter."""

from __future__ import annotations

import asyncio

from telegram.constants import ChatAction

from bot.clock import utc_now
from bot.reports.daily import MAX_DAYS
from bot.reports.drawing import draw_chart
from bot.services.reports import chart_uploadings, export_uploadings
from bot.telegram.callback_data import ChartCounter, ExportCounter
from bot.telegram.files import reply_document, reply_photo
from bot.telegram.invocation import ButtonActions, Invocation
from bot.telegram.parsing import ArgumentError, DaysOutOfRange, parse_chart_args, parse_counter_args
from bot.texts.render import counter_label
from bot.texts.render_reports import (
    chart_labels,
    render_chart_caption,
    render_chart_empty,
    render_export_caption,
)


async def export(inv: Invocation) -> None:
    """/export [counter_id]: every uploading as a CSV document."""
    args = parse_counter_args(inv.args)
    if args.target is not None:
        raise ArgumentError("no chat here")
    counter_id = args.counter_id or await inv.choose_counter("pick_export", ExportCounter)
    if counter_id is not None:
        await send_export(inv, ExportCounter(counter_id))


async def send_export(inv: Invocation, button: ExportCounter) -> None:
    """The CSV document, or a sentence when the counter has no uploadings."""
    inv.start_typing(ChatAction.UPLOAD_DOCUMENT)
    view = await export_uploadings(inv.services, inv.chat.id, inv.user_id, button.counter_id)
    if not view.count:
        await inv.reply(inv.text("uploadings_empty", counter=counter_label(view.counter)))
        return
    caption = render_export_caption(inv.lang, view, now=utc_now())
    await reply_document(inv, view.content, view.file_name, caption)


async def chart(inv: Invocation) -> None:
    """/chart [counter_id] [days]: uploadings and rows per day, as a picture."""
    try:
        args = parse_chart_args(inv.args)
    except DaysOutOfRange as wrong:
        await inv.reply(inv.text("chart_days_range", days=wrong.days, max=MAX_DAYS))
        return
    counter_id = args.counter_id or await inv.choose_counter(
        "pick_chart", lambda counter: ChartCounter(counter, args.days)
    )
    if counter_id is not None:
        await send_chart(inv, ChartCounter(counter_id, args.days))


async def send_chart(inv: Invocation, button: ChartCounter) -> None:
    """The picture with its caption, or a sentence when the period has no uploadings."""
    inv.start_typing(ChatAction.UPLOAD_PHOTO)
    view = await chart_uploadings(
        inv.services, inv.chat.id, inv.user_id, button.counter_id, button.days
    )
    if not view.summary.uploadings:
        await inv.reply(render_chart_empty(inv.lang, view, inv.names))
        return
    # A few hundred milliseconds of CPU: drawn in a worker thread, the bot keeps answering.
    png = await asyncio.to_thread(draw_chart, view.days, chart_labels(inv.lang, view))
    await reply_photo(inv, png, render_chart_caption(inv.lang, view, now=utc_now()))


BUTTONS: ButtonActions = {ExportCounter: send_export, ChartCounter: send_chart}
