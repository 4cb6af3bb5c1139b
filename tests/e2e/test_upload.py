"""/upload end to end: the real bot process against the fake Bot API and Metrica.

A CSV sent with the caption /upload reaches Metrica once, with its rows and comment, and the
chat hears the uploading's end once; a bad file, a token that may only read and a member who
is not an admin are each told why, and nothing is uploaded for them.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path
from typing import Any

import pytest

from bot.payloads import details_payload
from fakes.metrica import FakeMetrica
from fakes.telegram import FakeTelegram
from tests.e2e.conftest import BotFactory
from tests.e2e.helpers_chat import REPLY_TIMEOUT, Talk, buttons

pytestmark = pytest.mark.e2e

ANNA, BORIS = 1001, 1002
TEAM = -1004100
SHOP = 101
ANNA_TOKEN = "y0_AgAAAAAnna-upload-token-0123456789"
BORIS_TOKEN = "y0_AgAAAABoris-upload-token-987654321"
ENV = {"POLL_INTERVAL_SECONDS": "1", "IDLE_POLL_INTERVAL_SECONDS": "1", "DAILY_QUOTA": "10000000"}
LIST_PATH = "/calls_uploadings"
CSV = (
    b"UserId;DateTime;Price;Tag\n"
    b"1001;1700000000;10;first\n"
    b"1002;1700000060;;second\n"
    b"1003;1700000120;7.5;third\n"
)


@pytest.fixture
def world(fake_telegram: FakeTelegram, fake_metrica: FakeMetrica) -> Talk:
    fake_telegram.add_user(ANNA, "Anna", language_code="en")
    fake_telegram.add_user(BORIS, "Boris", language_code="en")
    fake_telegram.add_group(TEAM, "Team", admins=[ANNA])
    fake_metrica.add_token(ANNA_TOKEN, [SHOP], login="anna")
    fake_metrica.add_token(BORIS_TOKEN, [SHOP], login="boris", scopes=["metrika:read"])
    fake_metrica.add_counter(SHOP, "Shop", "shop.example")
    return Talk(fake_telegram)


def upload(world: Talk, chat_id: int, user: int, content: bytes, caption: str, *, expect: str):
    """Send a CSV with a caption and wait for the bot's answer containing `expect`."""
    sent = world.telegram.send_document(
        chat_id, user, content, file_name="calls.csv", caption=caption
    )
    return world.telegram.wait_for_message(
        chat_id, contains=expect, after=sent["message_id"], timeout=REPLY_TIMEOUT
    )


def outbox_texts(tmp_path: Path, chat_id: int) -> list[str]:
    """The notifications queued for a chat (sent or not), read from the bot's database."""
    with sqlite3.connect(tmp_path / "bot.sqlite3") as connection:
        rows = connection.execute("select text from outbox where chat_id = ?", (chat_id,))
        return [text for (text,) in rows]


def polls(metrica: FakeMetrica) -> int:
    return len([r for r in metrica.requests if LIST_PATH in r.path])


def test_an_upload_in_a_private_chat_reaches_metrica_once_and_its_end_is_told_once(
    world: Talk, fake_metrica: FakeMetrica, bot_process: BotFactory, tmp_path: Path
) -> None:
    bot_process(ENV)
    world.say(ANNA, ANNA, f"/token {ANNA_TOKEN}", expect="Token saved")
    world.say(ANNA, ANNA, f"/link {SHOP}", expect="is linked here")
    world.say(TEAM, ANNA, f"/link {SHOP}", expect="is linked here")
    world.say(TEAM, ANNA, "/subscribe", expect="ubscri")  # keeps the counter polled after

    answer = upload(world, ANNA, ANNA, CSV, "/upload May calls <3", expect="Uploading")
    [sent] = fake_metrica.wait_for_uploads(1)
    assert sent.comment == "May calls <3"
    assert sent.filename == "calls.csv"
    assert [(row["UserId"], row["Tag"]) for row in sent.rows] == [
        ("1001", "first"),
        ("1002", "second"),
        ("1003", "third"),
    ]
    assert sent.uploading is not None
    uploading_id = int(sent.uploading["id"])
    assert f"Uploading {uploading_id}" in answer["text"]
    assert "Rows sent: 3" in answer["text"]
    assert "UPLOADED" in answer["text"]
    assert buttons(answer) == [details_payload(SHOP, uploading_id)]  # the notifications' Details

    fake_metrica.set_status(SHOP, uploading_id, "PROCESSED")
    told = world.telegram.wait_for_message(
        ANNA, contains="PROCESSED", after=answer["message_id"], timeout=20
    )
    assert str(uploading_id) in told["text"]
    before = polls(fake_metrica)
    fake_metrica.wait_for_requests(before + 3, path_contains=LIST_PATH, timeout=20)
    assert [text.count("PROCESSED") for text in outbox_texts(tmp_path, ANNA)] == [1]
    assert len(fake_metrica.uploads()) == 1


def test_a_bad_file_is_answered_line_by_line_and_nothing_is_uploaded(
    world: Talk, fake_metrica: FakeMetrica, bot_process: BotFactory
) -> None:
    bot_process(ENV)
    world.say(ANNA, ANNA, f"/token {ANNA_TOKEN}", expect="Token saved")
    world.say(ANNA, ANNA, f"/link {SHOP}", expect="is linked here")
    bad = b"UserId,DateTime\n1,1700000000\n2,next <b>monday</b>\n,1700000000\n"
    answer = upload(world, ANNA, ANNA, bad, f"/upload {SHOP}", expect="not sent")
    assert "line 3, column DateTime" in answer["text"]
    assert "next <b>monday</b>" in answer["text"]  # shown as text, not markup
    assert "line 4, column UserId" in answer["text"]
    assert fake_metrica.uploads() == []


def test_a_token_that_may_only_read_gets_the_scope_it_needs(
    world: Talk, fake_metrica: FakeMetrica, bot_process: BotFactory
) -> None:
    bot_process(ENV)
    world.say(BORIS, BORIS, f"/token {BORIS_TOKEN}", expect="Token saved")
    world.say(BORIS, BORIS, f"/link {SHOP}", expect="is linked here")
    answer = upload(world, BORIS, BORIS, CSV, "/upload", expect="metrika:offline_data")
    assert "metrika:write" in answer["text"]
    assert "/token" in answer["text"]
    [refused] = fake_metrica.uploads()
    assert refused.status == 403


def test_a_member_who_is_not_an_admin_may_not_upload_in_a_group(
    world: Talk, fake_metrica: FakeMetrica, bot_process: BotFactory
) -> None:
    bot_process(ENV)
    world.say(ANNA, ANNA, f"/token {ANNA_TOKEN}", expect="Token saved")
    world.say(TEAM, ANNA, f"/link {SHOP}", expect="is linked here")
    answer = upload(world, TEAM, BORIS, CSV, "/upload", expect="Only admins")
    assert answer["reply_to_message_id"] is not None
    message: dict[str, Any] = world.telegram.send_text(TEAM, BORIS, "/upload")
    world.telegram.wait_for_message(
        TEAM, contains="Only admins", after=message["message_id"], timeout=REPLY_TIMEOUT
    )
    assert fake_metrica.uploads() == []


def test_an_admin_uploads_by_replying_to_a_file_in_a_group(
    world: Talk, fake_metrica: FakeMetrica, bot_process: BotFactory
) -> None:
    bot_process(ENV)
    world.say(ANNA, ANNA, f"/token {ANNA_TOKEN}", expect="Token saved")
    world.say(TEAM, ANNA, f"/link {SHOP}", expect="is linked here")
    document = world.telegram.send_document(TEAM, BORIS, CSV, file_name="team.csv")
    command = world.telegram.send_text(
        TEAM, ANNA, "/upload@metrica_calls_bot 101 from Boris", reply_to=document["message_id"]
    )
    answer = world.telegram.wait_for_message(
        TEAM, contains="Uploading", after=command["message_id"], timeout=REPLY_TIMEOUT
    )
    [sent] = fake_metrica.uploads()
    assert (sent.token, sent.comment, sent.filename) == (ANNA_TOKEN, "from Boris", "team.csv")
    assert "Rows sent: 3" in answer["text"]
