"""/upload: a calls CSV checked, sent to Metrica with the sender's own token, then followed.

Uploading writes data into Metrica, so it is done with the sender's credential only (never
the chat's link, which may be another member's), into a counter linked in the chat. The file
is checked first; a file that breaks the rules never reaches Metrica. The new uploading is
followed in the chat (bot/monitor/follows.py) until its status is final.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass

from sqlalchemy.exc import IntegrityError

from bot.calls_csv import BadCallsFile, CallsFile, check_size, validate
from bot.clock import utc_now
from bot.container import Services
from bot.domain import Uploading
from bot.errors import CallsFileRejected, UploadNotAllowed
from bot.metrica import Caller, Upload, WriteDenied
from bot.services.metrica_calls import TokenRef, call_metrica, link_token, spend, user_token
from bot.storage.counters import CounterRepository
from bot.storage.follows import FollowRepository
from bot.views import CounterView, UploadedView

COMMENT_LIMIT = 255  # Metrica's limit on an uploading's comment


@dataclass(frozen=True, slots=True)
class CallsUpload:
    """What /upload was given: the chat (and forum topic), sender, counter, file and comment."""

    chat_id: int
    user_id: int
    counter_id: int
    file_name: str
    comment: str = ""
    thread_id: int | None = None


def check_file_size(size: int | None) -> None:
    """Refuse a file too large to download, before downloading it."""
    try:
        check_size(size)
    except BadCallsFile as bad:
        raise CallsFileRejected(bad.problems, bad.more) from None


async def upload_calls(
    services: Services, upload: CallsUpload, fetch: Callable[[], Awaitable[bytes]]
) -> UploadedView:
    """Check the file, upload it with the sender's token, follow the new uploading here.

    `fetch` downloads the file: only once the counter and the token are known to be usable.
    """
    counter, ref = await _access(services, upload)
    content = await fetch()
    checked = await asyncio.to_thread(_checked, content)  # seconds for a big file: off the loop
    spend(services, upload.user_id)
    body = Upload(upload.file_name, checked.content, upload.comment[:COMMENT_LIMIT])

    async def request(token: str, caller: Caller | None) -> Uploading:
        try:
            return await services.metrica.upload_calls(
                token, upload.counter_id, body, caller=caller
            )
        except WriteDenied:
            raise UploadNotAllowed from None

    made = await call_metrica(
        services, ref, request, counter_id=upload.counter_id, asking=upload.user_id
    )
    following = not made.is_final and await _follow(services, upload, made)
    return UploadedView(counter, made, checked.rows, following)


async def _follow(services: Services, upload: CallsUpload, made: Uploading) -> bool:
    """Follow the new uploading in the chat; False when the chat's link went away meanwhile."""
    try:
        async with services.sessions.begin() as session:
            await FollowRepository(session).follow(
                upload.chat_id,
                upload.counter_id,
                made.id,
                status=made.status,
                thread_id=upload.thread_id,
                now=utc_now(),
            )
    except IntegrityError:  # unlinked while Metrica took the file: the upload still stands
        return False
    return True


async def _access(services: Services, upload: CallsUpload) -> tuple[CounterView, TokenRef]:
    """The counter as linked in the chat (live), and the sender's own token."""
    async with services.sessions.begin() as session:
        # The chat's link must be live, though its token is not the one used to upload.
        await link_token(session, services.cipher, upload.chat_id, upload.counter_id)
        ref = await user_token(session, services.cipher, upload.user_id)
        stored = await CounterRepository(session).get(upload.counter_id)
    name, site = (stored.name, stored.site) if stored else ("", "")
    return CounterView(upload.counter_id, name, site), ref


def _checked(content: bytes) -> CallsFile:
    """The file as it will be sent; CallsFileRejected when it breaks the rules."""
    try:
        return validate(content)
    except BadCallsFile as bad:
        raise CallsFileRejected(bad.problems, bad.more) from None
