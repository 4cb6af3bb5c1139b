"""Answers that are files: a document or a photo, in the command's chat and forum topic."""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from functools import partial

from telegram import Chat, InputFile, Message
from telegram.constants import ParseMode

from bot.flood import with_flood_retry
from bot.telegram.invocation import Invocation, quote_of
from bot.telegram.topics import topic_thread
from bot.texts import Html


async def reply_document(
    inv: Invocation, content: bytes, file_name: str, caption: Html
) -> Message | None:
    """Send `content` as a document named `file_name` (its type goes by the extension)."""
    return await _reply_file(
        inv, Chat.send_document, InputFile(content, filename=file_name), caption
    )


async def reply_photo(inv: Invocation, png: bytes, caption: Html) -> Message | None:
    """Send a PNG as a photo, with an HTML caption."""
    return await _reply_file(inv, Chat.send_photo, InputFile(png, filename="chart.png"), caption)


async def _reply_file(
    inv: Invocation, send: Callable[..., Awaitable[Message]], file: InputFile, caption: Html
) -> Message | None:
    """The file with its caption, after the chat action, quoting in groups, in the topic."""
    await inv.typed()
    chat = inv.update.effective_chat
    if chat is None:
        return None
    return await with_flood_retry(
        partial(
            send,
            chat,
            file,
            caption=caption,
            parse_mode=ParseMode.HTML,
            reply_parameters=quote_of(inv.update),
            message_thread_id=topic_thread(inv.update),
        )
    )
