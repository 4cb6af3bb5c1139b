"""One length rule for every message: Telegram's UTF-16 count, markup included.

Notices listing many counters are split; texts for an edit (which cannot be split) are
shortened; a detail with a 255-character comment fits.
"""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain import Uploading
from bot.texts.markup import (
    ELLIPSIS,
    MESSAGE_LIMIT,
    fits,
    shorten,
    split_list,
    telegram_length,
    truncate,
)
from bot.texts.notifications import (
    render_access_owner,
    render_link_denied,
    render_links_resumed,
    render_quota,
    render_token_chat,
    render_token_chat_unreadable,
    render_token_deleted,
)
from bot.texts.render import render_uploading
from bot.views import CounterView, UploadingView
from fakes.telegram_html import parse_html

RESETS = datetime(2026, 11, 21, tzinfo=UTC)
# 300 counters with long names full of characters that grow when escaped or count double.
COUNTERS = [(10_000 + n, f"Магазин & <{n}> " + "🛒" * 40) for n in range(300)]


def assert_fits(messages: list[str]) -> None:
    for message in messages:
        assert fits(message), telegram_length(message)
        parse_html(message)


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize(
    "render",
    [
        lambda lang: render_token_chat(lang, COUNTERS),
        lambda lang: render_quota(lang, COUNTERS, RESETS),
        lambda lang: render_token_deleted(lang, "Anna", [cid for cid, _ in COUNTERS] * 10),
        lambda lang: render_token_chat_unreadable(lang, COUNTERS),
        lambda lang: render_link_denied(lang, COUNTERS),
        lambda lang: render_access_owner(lang, "anna", COUNTERS),
        lambda lang: render_links_resumed(lang, COUNTERS),
    ],
    ids=["revoked", "quota", "deleted", "unreadable", "denied", "denied-owner", "resumed"],
)
def test_notices_listing_many_counters_are_split_and_name_every_counter(lang, render) -> None:
    messages = render(lang)

    assert len(messages) > 1
    assert_fits(messages)
    joined = "\n".join(messages)
    assert all(str(counter_id) in joined for counter_id, _ in COUNTERS)


def test_split_list_keeps_the_items_in_order_and_the_frame_on_each_part() -> None:
    items = [f"<b>{n:04d}</b>" for n in range(2000)]
    parts = split_list(lambda listed: f"Start: {listed}. End.", items, limit=500)

    assert all(part.startswith("Start: ") and part.endswith(". End.") for part in parts)
    assert all(fits(part, 500) for part in parts)
    shown = [item for part in parts for item in part[7:-6].split(", ")]
    assert shown == items


def test_truncate_counts_as_telegram_does() -> None:
    assert truncate("🛒" * 50, 40) == "🛒" * 19 + ELLIPSIS
    assert telegram_length(truncate("🛒" * 50, 41)) <= 41
    assert truncate("short", 40) == "short"


def test_a_text_for_an_edit_is_shortened_to_one_message_of_whole_lines() -> None:
    text = "\n".join(f"<b>line {n}</b> " + "🛒" * 30 for n in range(200))

    edited = shorten(text)

    assert fits(edited)
    assert edited.endswith(ELLIPSIS)
    parse_html(edited)
    assert edited.startswith("<b>line 0</b>")
    assert shorten("fits") == "fits"


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("character", ["&", "<", "🛒", "ж"])
def test_a_detail_with_a_255_character_comment_fits(lang: str, character: str) -> None:
    uploading = Uploading(
        id=2**63 - 1,
        status="X" * 64,
        create_time=datetime(2026, 11, 20, tzinfo=UTC),
        source_quantity=2**63 - 1,
        line_quantity=2**63 - 1,
        comment=character * 255,
        client_id_type="Y" * 300,
        static_calls_quantity=2**63 - 1,
        dynamic_calls_quantity=2**63 - 1,
    )
    counter = CounterView(2**63 - 1, "&" * 255, "<" * 255)

    text = render_uploading(lang, UploadingView(counter, uploading))

    assert_fits([text])
    assert character * 200 in parse_html(text)[0]


def test_the_limit_is_telegrams() -> None:
    assert MESSAGE_LIMIT == 4096
