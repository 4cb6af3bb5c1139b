"""/export and /chart end to end: the real bot process against the fake Bot API and Metrica.

The CSV document is parsed and compared with the fake's uploadings field by field; the chart
is checked as a PNG and its caption against numbers computed here from the same data.
Uploadings are made at noon of days two and more before today, so a test running across
midnight UTC still sees the same periods.
"""

from __future__ import annotations

import csv
import io
from datetime import UTC, datetime, time, timedelta
from typing import Any

import pytest

from fakes.metrica import FakeMetrica
from fakes.telegram import FakeTelegram
from tests.e2e.conftest import BotFactory
from tests.e2e.helpers_chat import REPLY_TIMEOUT, Talk

pytestmark = pytest.mark.e2e

ANNA, BORIS = 1001, 1002
GROUP = -1001700
SHOP = 24226447  # eight digits like Metrica's, so a lone small number means days
ANNA_TOKEN = "y0_AgAAAAAnna-export-token-0123456789"
PNG_SIGNATURE = b"\x89PNG\r\n\x1a\n"
FIELDS = [
    "id",
    "create_time",
    "status",
    "source_quantity",
    "line_quantity",
    "comment",
    "client_id_type",
    "static_calls_quantity",
    "dynamic_calls_quantity",
]
# (days ago, status, rows sent, rows valid, comment)
HISTORY = [
    (40, "PROCESSED", 50, 50, "old, outside 30 days"),
    (20, "PROCESSED", 100, 90, '=HYPERLINK("http://evil")'),
    (12, "LINKAGE_FAILURE", 40, 0, "звонки за ноябрь"),
    (12, "PROCESSED", 30, 30, 'with "quotes", and a comma'),
    (5, "MATCHED", 25, 20, ""),
    (2, "PROCESSED", 10, 7, "line one\nline two"),
]


def noon(days_ago: int) -> str:
    day = datetime.now(UTC).date() - timedelta(days=days_ago)
    return datetime.combine(day, time(12), tzinfo=UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


@pytest.fixture
def world(fake_telegram: FakeTelegram, fake_metrica: FakeMetrica) -> Talk:
    fake_telegram.add_user(ANNA, "Anna", language_code="en")
    fake_telegram.add_user(BORIS, "Boris", language_code="ru")
    fake_telegram.add_group(GROUP, "Team", admins=[ANNA])
    fake_metrica.add_token(ANNA_TOKEN, [SHOP], login="anna")
    fake_metrica.add_counter(SHOP, "Shop", "shop.example")
    for days_ago, status, sent, valid, comment in HISTORY:
        fake_metrica.add_uploading(
            SHOP,
            create_time=noon(days_ago),
            status=status,
            source_quantity=sent,
            line_quantity=valid,
            comment=comment,
            static_calls_quantity=days_ago,
            dynamic_calls_quantity=sent - days_ago,
        )
    return Talk(fake_telegram)


def link_shop(world: Talk, chat_id: int) -> None:
    world.say(ANNA, ANNA, f"/token {ANNA_TOKEN}", expect="Token saved")
    world.say(chat_id, ANNA, f"/link {SHOP}", expect="🔗")


def command(world: Talk, chat_id: int, user_id: int, text: str, kind: str) -> dict[str, Any]:
    """Send a command and wait for the bot's document or photo in answer."""
    sent = world.telegram.send_text(chat_id, user_id, text)
    wait = world.telegram.wait_for_document if kind == "document" else world.telegram.wait_for_photo
    return wait(chat_id, after=sent["message_id"], timeout=REPLY_TIMEOUT)


def expected_rows(metrica: FakeMetrica) -> list[dict[str, str]]:
    """The fake's uploadings as the CSV should have them: newest first, formulas defused."""
    rows = []
    for item in sorted(metrica.uploadings(SHOP), key=lambda u: (u["create_time"], u["id"])):
        row = {field: str(item[field]) for field in FIELDS}
        if row["comment"].startswith("="):
            row["comment"] = "'" + row["comment"]
        rows.append(row)
    return rows[::-1]


def test_export_sends_every_uploading_as_a_csv_document_newest_first(
    world: Talk, fake_metrica: FakeMetrica, bot_process: BotFactory
) -> None:
    bot = bot_process()
    link_shop(world, ANNA)

    document = command(world, ANNA, ANNA, "/export", "document")

    today = datetime.now(UTC).date()
    assert document["file_name"] in {
        f"uploadings-{SHOP}-{day}.csv" for day in (today, today - timedelta(days=1))
    }
    assert document["mime_type"] == "text/csv"
    assert "Call uploadings of Shop (shop.example, 24226447): 6, newest first" in document["text"]
    content: bytes = document["content"]
    assert content.startswith("\ufeff".encode())
    reader = csv.DictReader(io.StringIO(content.decode("utf-8-sig"), newline=""))
    assert reader.fieldnames == FIELDS
    assert list(reader) == expected_rows(fake_metrica)
    actions = world.telegram.chat_actions(ANNA)
    assert "upload_document" in [action["action"] for action in actions]
    assert "Traceback" not in bot.log()
    assert ANNA_TOKEN not in bot.log()


def test_chart_sends_a_png_whose_caption_sums_up_the_period(
    world: Talk, fake_metrica: FakeMetrica, bot_process: BotFactory
) -> None:
    bot = bot_process()
    world.say(GROUP, BORIS, "/help", expect="Команды")  # the first to talk: the group is Russian
    link_shop(world, GROUP)
    polls_before = len(fake_metrica.requests)

    photo = command(world, GROUP, BORIS, "/chart", "photo")  # a member, in Russian

    assert photo["content"].startswith(PNG_SIGNATURE)
    assert 10_000 < len(photo["content"]) < 1_000_000
    assert (photo["width"], photo["height"]) == (1000, 650)
    recent = [entry for entry in HISTORY if entry[0] <= 29]
    processed = sum(1 for entry in recent if entry[1] == "PROCESSED")
    failed = sum(1 for entry in recent if entry[1] == "LINKAGE_FAILURE")
    sent = sum(entry[2] for entry in recent)
    valid = sum(entry[3] for entry in recent)
    caption = photo["text"]
    assert f"Загрузок: {len(recent)} (✅ обработано {processed}, " in caption
    assert f"❌ ошибок связывания {failed}, ⏳ не завершено 1)" in caption
    assert f"Строк: {valid} из {sent} прошли проверку ({100 * valid // sent}%)" in caption
    finished = processed + failed
    assert f"Связано: {processed} из {finished} завершённых ({100 * processed // finished}%)" in (
        caption
    )
    assert "(30 дн.)" in caption
    actions = [action["action"] for action in world.telegram.chat_actions(GROUP)]
    assert "upload_photo" in actions
    assert len(fake_metrica.requests) - polls_before <= 1  # one list request at most

    before = world.telegram.sent(GROUP)[-1]["message_id"]
    empty = world.say(GROUP, BORIS, "/chart 1", expect="рисовать нечего")
    assert empty["message_id"] > before
    assert not [p for p in world.telegram.photos(GROUP) if p["message_id"] > before]

    wrong = world.say(GROUP, BORIS, f"/chart {SHOP} 400", expect="от 1 до 365 дней")
    assert "<code>400</code>" in wrong["raw_text"]
    assert "Traceback" not in bot.log()


def test_a_chat_where_the_counter_is_not_linked_gets_neither(
    world: Talk, fake_telegram: FakeTelegram, bot_process: BotFactory
) -> None:
    bot_process()
    link_shop(world, ANNA)
    world.say(GROUP, BORIS, f"/export {SHOP}", expect="не привязан")
    world.say(GROUP, BORIS, f"/chart {SHOP} 7", expect="не привязан")
    assert fake_telegram.documents(GROUP) == []
    assert fake_telegram.photos(GROUP) == []
