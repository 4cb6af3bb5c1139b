"""/upload: a calls CSV sent to Metrica from the chat, as a document's caption or a reply to one.

The file goes up with the sender's own token into a counter linked here; the answer names the
new uploading with the Details button of notifications, and the chat then hears each of its
status changes (bot/monitor/follows.py).
"""

from __future__ import annotations

import re
from functools import partial

from telegram import Document, Message
from telegram.error import BadRequest

from bot.calls_csv import MAX_FILE_SIZE
from bot.errors import NoCounters, SeveralCounters
from bot.services.counters import linked_counters
from bot.services.upload import COMMENT_LIMIT, CallsUpload, check_file_size, upload_calls
from bot.telegram.invocation import Invocation
from bot.telegram.keyboards import details
from bot.telegram.parsing import ArgumentError
from bot.telegram.topics import topic_thread
from bot.texts.render_upload import render_uploaded

CAPTION_COMMAND = re.compile(r"^/upload(?:@(?P<bot>\w+))?(?:\s|$)", re.IGNORECASE)
"""A caption that is the /upload command (CommandHandler reads texts only)."""
_ARGUMENTS = re.compile(r"^(?:(?P<counter>\d{1,18})(?:\s+|$))?(?P<comment>.*)$", re.DOTALL)
DEFAULT_FILE_NAME = "calls.csv"


async def upload(inv: Invocation) -> None:
    """/upload [counter_id] [comment…] on a CSV document: upload it and follow it here."""
    message = inv.update.effective_message
    text = (message.text or message.caption or "") if message else ""
    if message is None or not _addressed_to_us(text, inv.context.bot.username):
        return
    document = _document(message)
    if document is None:
        raise ArgumentError("no CSV document")
    counter_id, comment = parse_upload_args(text)
    user_id = inv.require_user()
    counter_id = counter_id or await _the_counter(inv)
    check_file_size(document.file_size)
    request = CallsUpload(
        chat_id=inv.chat.id,
        user_id=user_id,
        counter_id=counter_id,
        file_name=document.file_name or DEFAULT_FILE_NAME,
        comment=comment,
        thread_id=topic_thread(inv.update) if inv.chat.is_forum else None,
    )
    view = await upload_calls(inv.services, request, partial(_download, inv, document))
    await inv.reply(
        render_uploaded(inv.lang, view), details(inv.lang, counter_id, view.uploading.id)
    )


def parse_upload_args(text: str) -> tuple[int | None, str]:
    """The counter id (a number first) and the comment after the command; ArgumentError when
    the comment is longer than Metrica takes."""
    parts = text.strip().split(maxsplit=1)
    rest = parts[1].strip() if len(parts) > 1 else ""
    found = _ARGUMENTS.match(rest)
    assert found is not None  # noqa: S101 - the pattern matches any text
    counter = int(found["counter"]) if found["counter"] else None
    comment = found["comment"].strip()
    if len(comment) > COMMENT_LIMIT or counter == 0:
        raise ArgumentError("bad counter or comment")
    return counter, comment


def _addressed_to_us(text: str, username: str) -> bool:
    """/upload or /upload@ThisBot (a caption reaches us whatever bot it names)."""
    found = CAPTION_COMMAND.match(text.strip())
    return found is None or found["bot"] is None or found["bot"].lower() == username.lower()


def _document(message: Message) -> Document | None:
    """The message's document, else the document of the message it replies to."""
    if message.document is not None:
        return message.document
    replied = message.reply_to_message
    return replied.document if replied is not None else None


async def _the_counter(inv: Invocation) -> int:
    """The one counter linked here; SeveralCounters when the command must name one."""
    counters = await linked_counters(inv.services, inv.chat.id)
    if not counters:
        raise NoCounters
    if len(counters) > 1:
        raise SeveralCounters([counter.id for counter in counters])
    return counters[0].id


async def _download(inv: Invocation, document: Document) -> bytes:
    """The file's bytes through getFile; one Telegram will not hand over counts as too big."""
    try:
        file = await inv.context.bot.get_file(document.file_id)
    except BadRequest as exc:
        if "too big" in str(exc).lower():
            check_file_size(MAX_FILE_SIZE + 1)
        raise
    check_file_size(file.file_size)
    return bytes(await file.download_as_bytearray())
