"""The fake Telegram's files: uploads, getFile, downloads and documents users send."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator

import httpx
import pytest
import telegram
from telegram import InputFile
from telegram.constants import ParseMode
from telegram.error import BadRequest

from fakes.telegram import FakeTelegram
from fakes.telegram_files import make_png

TOKEN = "123456:TEST-token"
ANNA = 1001
FORUM = -1001000000001
TOPIC = 7
CSV = b"ClientId,DateTime,StaticCall\r\n1,1700000000,1\r\n"


@pytest.fixture
def fake() -> Iterator[FakeTelegram]:
    with FakeTelegram(TOKEN) as fake:
        fake.add_user(ANNA, "Anna")
        fake.send_text(ANNA, ANNA, "/start")  # opens the private chat
        fake.add_forum(FORUM, "Support", admins=[ANNA])
        fake.create_topic(FORUM, "Reports", thread_id=TOPIC)
        yield fake


@pytest.fixture
async def bot(fake: FakeTelegram) -> AsyncIterator[telegram.Bot]:
    bot = telegram.Bot(TOKEN, base_url=f"{fake.url}/bot", base_file_url=f"{fake.url}/file/bot")
    async with bot:
        seen = await bot.get_updates(timeout=0)  # confirm the /start: tests see their own updates
        await bot.get_updates(offset=seen[-1].update_id + 1, timeout=0)
        yield bot


async def test_a_document_round_trips_through_get_file_and_download(
    fake: FakeTelegram, bot: telegram.Bot
) -> None:
    sent = await bot.send_document(
        FORUM,
        InputFile(CSV, filename="calls.csv"),
        caption="<b>Week 12</b> &amp; more",
        parse_mode=ParseMode.HTML,
        message_thread_id=TOPIC,
        disable_notification=True,
    )
    assert sent.document is not None
    assert (sent.document.file_name, sent.document.mime_type) == ("calls.csv", "text/csv")
    assert sent.document.file_size == len(CSV)
    assert sent.caption == "Week 12 & more"
    assert sent.message_thread_id == TOPIC

    [document] = fake.documents(FORUM, thread_id=TOPIC)
    assert document["content"] == CSV
    assert (document["file_name"], document["mime_type"]) == ("calls.csv", "text/csv")
    assert (document["text"], document["raw_text"]) == (
        "Week 12 & more",
        "<b>Week 12</b> &amp; more",
    )
    assert document["disable_notification"] is True
    assert fake.wait_for_document(FORUM, file_name="calls.csv", timeout=0)["content"] == CSV

    file = await bot.get_file(sent.document.file_id)
    assert file.file_path is not None
    assert file.file_path.startswith(f"{fake.url}/file/bot{TOKEN}/documents/")
    assert file.file_path.endswith(".csv")
    assert bytes(await file.download_as_bytearray()) == CSV
    assert fake.file_downloads == [file.file_path.rsplit(f"bot{TOKEN}/", 1)[1]]
    async with httpx.AsyncClient() as client:
        missing = await client.get(f"{fake.url}/file/bot{TOKEN}/documents/nothing.csv")
    assert missing.status_code == 404

    again = await bot.send_document(ANNA, sent.document.file_id)  # resent by file_id
    assert again.document is not None
    assert again.document.file_unique_id == sent.document.file_unique_id


async def test_a_photo_is_listed_in_sizes_and_downloadable(
    fake: FakeTelegram, bot: telegram.Bot
) -> None:
    png = make_png(200, 100)
    sent = await bot.send_photo(ANNA, png, caption="chart")
    assert [(size.width, size.height) for size in sent.photo] == [(90, 45), (200, 100)]
    [photo] = fake.photos(ANNA)
    assert (photo["content"], photo["width"], photo["height"]) == (png, 200, 100)
    assert photo["file_id"] == sent.photo[-1].file_id
    assert fake.wait_for_photo(ANNA, caption_contains="chart", timeout=0)["kind"] == "photo"
    file = await bot.get_file(sent.photo[-1].file_id)
    assert file.file_path is not None
    assert file.file_path.endswith(".jpg")
    assert bytes(await file.download_as_bytearray()) == png
    with pytest.raises(BadRequest, match=r"(?i)^image_process_failed$"):
        await bot.send_photo(ANNA, b"not an image")


async def test_captions_and_uploads_are_checked_like_telegram(
    fake: FakeTelegram, bot: telegram.Bot
) -> None:
    with pytest.raises(BadRequest, match=r"(?i)^message caption is too long$"):
        await bot.send_document(ANNA, InputFile(CSV, filename="a.csv"), caption="x" * 1025)
    # the limit counts characters after entity parsing
    assert await bot.send_document(
        ANNA, InputFile(CSV, filename="a.csv"), caption=f"<b>{'x' * 1024}</b>", parse_mode="HTML"
    )
    with pytest.raises(BadRequest, match=r"(?i)can't parse entities"):
        await bot.send_document(
            ANNA, InputFile(CSV, filename="a.csv"), caption="a < b", parse_mode="HTML"
        )
    with pytest.raises(BadRequest, match=r"(?i)file must be non-empty"):
        await bot.send_document(ANNA, InputFile(b"", filename="empty.csv"))
    with pytest.raises(BadRequest, match=r"(?i)wrong file identifier"):
        await bot.send_document(ANNA, "BQACAgIAAxkBAAI-unknown")
    with pytest.raises(BadRequest, match=r"(?i)^invalid file_id$"):
        await bot.get_file("nope")
    sent = await bot.send_document(ANNA, InputFile(CSV, filename="a.csv"))
    with pytest.raises(BadRequest, match=r"(?i)there is no text in the message to edit"):
        await bot.edit_message_text("x", ANNA, sent.message_id)
    edited = await bot.edit_message_caption(
        ANNA, sent.message_id, caption="<i>new</i>", parse_mode="HTML"
    )
    assert isinstance(edited, telegram.Message)
    assert edited.caption == "new"
    assert fake.documents(ANNA)[-1]["edit_count"] == 1


async def test_a_users_document_with_a_command_caption_arrives_with_its_entities(
    fake: FakeTelegram, bot: telegram.Bot
) -> None:
    sent = fake.send_document(
        FORUM, ANNA, CSV, file_name="calls.csv", caption="/upload 123 march", thread_id=TOPIC
    )
    [update] = await bot.get_updates(timeout=0)
    message = update.message
    assert message is not None
    assert message.document is not None
    assert (message.document.file_name, message.document.mime_type) == ("calls.csv", "text/csv")
    assert message.caption == "/upload 123 march"
    assert [(e.type, e.offset, e.length) for e in message.caption_entities] == [
        ("bot_command", 0, 7)
    ]
    assert message.message_thread_id == TOPIC
    file = await bot.get_file(message.document.file_id)
    assert bytes(await file.download_as_bytearray()) == CSV
    assert (
        fake.stored_file(sent["document"]["file_id"])["file_path"]
        == file.file_path.rsplit(f"bot{TOKEN}/", 1)[1]
    )

    # A reply to the document carries it in reply_to_message, and stays in the topic.
    fake.send_text(FORUM, ANNA, "/upload 123", reply_to=sent["message_id"])
    [update] = await bot.get_updates(offset=update.update_id + 1, timeout=0)
    reply = update.message
    assert reply is not None
    assert reply.message_thread_id == TOPIC
    assert reply.reply_to_message is not None
    assert reply.reply_to_message.document is not None
    assert reply.reply_to_message.document.file_id == message.document.file_id


async def test_a_file_over_twenty_megabytes_is_refused_by_get_file(
    fake: FakeTelegram, bot: telegram.Bot
) -> None:
    big = fake.send_document(ANNA, ANNA, b"head", file_name="huge.csv", file_size=21 * 1024 * 1024)
    [update] = await bot.get_updates(timeout=0)
    assert update.message is not None
    assert update.message.document is not None
    assert update.message.document.file_size == 21 * 1024 * 1024
    with pytest.raises(BadRequest, match=r"(?i)^file is too big$"):
        await bot.get_file(big["document"]["file_id"])
    assert fake.call_log("getFile")[-1]["error"] == "Bad Request: file is too big"

    photo = fake.send_photo(ANNA, ANNA, make_png(40, 30), caption="look")
    [update] = await bot.get_updates(offset=update.update_id + 1, timeout=0)
    assert update.message is not None
    assert [(s.width, s.height) for s in update.message.photo] == [(40, 30)]
    assert photo["photo"][-1]["file_id"] == update.message.photo[-1].file_id
