"""/chart's arguments, captions and labels, and the picture itself (drawn here, no Telegram)."""

from __future__ import annotations

import subprocess
import sys
from dataclasses import replace
from datetime import UTC, date, datetime

import pytest

from bot.reports.daily import DEFAULT_DAYS, Day, Period, summarize
from bot.reports.drawing import draw_chart, literal
from bot.telegram.parsing import ArgumentError, ChartArgs, DaysOutOfRange, parse_chart_args
from bot.texts import LANGUAGES
from bot.texts.markup import fits, plain_text
from bot.texts.render_reports import (
    chart_labels,
    render_chart_caption,
    render_chart_empty,
    render_export_caption,
)
from bot.views import ChartView, CounterView, ExportView, ListNote

SHOP = 24226447
TODAY = date(2026, 11, 30)
NOW = datetime(2026, 11, 30, 14, 5, tzinfo=UTC)
PNG = b"\x89PNG\r\n\x1a\n"


@pytest.mark.parametrize(
    ("args", "parsed"),
    [
        ([], ChartArgs(None, DEFAULT_DAYS)),
        (["7"], ChartArgs(None, 7)),
        (["365"], ChartArgs(None, 365)),
        ([str(SHOP)], ChartArgs(SHOP, DEFAULT_DAYS)),
        (["366"], ChartArgs(366, DEFAULT_DAYS)),
        ([str(SHOP), "90"], ChartArgs(SHOP, 90)),
        ([str(SHOP), "+7"], ChartArgs(SHOP, 7)),
    ],
)
def test_chart_takes_a_counter_and_days_a_lone_small_number_being_days(
    args: list[str], parsed: ChartArgs
) -> None:
    assert parse_chart_args(args) == parsed


@pytest.mark.parametrize("args", [["0"], ["-5"], [str(SHOP), "0"], [str(SHOP), "366"]])
def test_days_outside_one_to_365_get_their_own_error(args: list[str]) -> None:
    with pytest.raises(DaysOutOfRange) as raised:
        parse_chart_args(args)
    assert raised.value.days == args[-1]


@pytest.mark.parametrize("args", [["week"], [str(SHOP), "week"], ["1", "2", "3"], ["@chan"]])
def test_anything_else_gets_the_usage(args: list[str]) -> None:
    with pytest.raises(ArgumentError) as raised:
        parse_chart_args(args)
    assert not isinstance(raised.value, DaysOutOfRange)


def chart_view(days: list[Day], name: str = "Shop") -> ChartView:
    period = Period(days[0].day, days[-1].day)
    counter = CounterView(SHOP, name, "shop.example")
    return ChartView(counter, period, tuple(days), summarize(days), NOW)


WEEK = [Day(date(2026, 11, d)) for d in range(24, 31)]
BUSY = [
    *WEEK[:5],
    Day(date(2026, 11, 29), processed=2, failed=1, unfinished=1, rows_total=300, rows_valid=200),
    Day(TODAY, processed=1, rows_total=100, rows_valid=100),
]


def test_the_caption_tells_the_totals_in_english() -> None:
    caption = plain_text(render_chart_caption("en", chart_view(BUSY), now=NOW))
    assert caption.splitlines() == [
        f"📊 Shop (shop.example, {SHOP}), 2026-11-24 – 2026-11-30 UTC (7 d.)",
        "Uploadings: 5 (✅ 3 processed, ❌ 1 linkage failure, ⏳ 1 unfinished)",
        "Rows: 300 of 400 valid (75%)",
        "Linked: 3 of 4 finished (75%)",
        "🕒 as of 14:05 UTC",
    ]


def test_the_caption_tells_the_totals_in_russian() -> None:
    caption = plain_text(render_chart_caption("ru", chart_view(BUSY), now=NOW))
    assert "Загрузок: 5 (✅ обработано 3, ❌ ошибок связывания 1, ⏳ не завершено 1)" in caption
    assert "Строк: 300 из 400 прошли проверку (75%)" in caption
    assert "Связано: 3 из 4 завершённых (75%)" in caption


def test_shares_without_a_whole_show_a_dash() -> None:
    days = [Day(TODAY, unfinished=2)]
    caption = plain_text(render_chart_caption("en", chart_view(days), now=NOW))
    assert "Rows: 0 of 0 valid (—)" in caption
    assert "Linked: 0 of 0 finished (—)" in caption


@pytest.mark.parametrize("lang", LANGUAGES)
def test_a_caption_with_the_longest_name_and_a_note_fits_telegrams_1024(lang: str) -> None:
    view = chart_view(BUSY, name="Ж" * 500)
    noted = replace(view, note=ListNote("quota"))
    assert fits(render_chart_caption(lang, noted, now=NOW), 1024)
    export = ExportView(view.counter, b"", "x.csv", 5, NOW, ListNote("rate", limit=10))
    assert fits(render_export_caption(lang, export, now=NOW), 1024)


def test_an_empty_period_gets_a_sentence_with_a_longer_period_to_try() -> None:
    text = render_chart_empty("en", chart_view(WEEK), {"chart_cmd": "/chart"})  # type: ignore[dict-item]
    assert "no call uploadings from 2026-11-24 to 2026-11-30" in text
    assert f"/chart <code>{SHOP} 365</code>" in text


def test_the_picture_has_the_words_of_the_chats_language_as_plain_text() -> None:
    labels = chart_labels("ru", chart_view(BUSY, name="Shop & <Co>"))
    assert labels.title == "Shop & <Co> (24226447) · 2026-11-24 – 2026-11-30 (UTC)"
    assert labels.failed == "ошибка связывания"


def test_the_chart_is_a_png_even_for_a_name_with_dollars_and_a_whole_year() -> None:
    year = [Day(date(2026, 1, 1)), *BUSY] * 52
    labels = chart_labels("en", chart_view(BUSY, name="$5 $ shop"))
    png = draw_chart(year, labels)
    assert png.startswith(PNG)
    assert len(png) > 10_000
    assert literal("$5 $") == r"\$5 \$"


def test_the_bot_loads_matplotlib_only_when_it_draws() -> None:
    code = "import sys, bot.app, bot.telegram.handlers; print('matplotlib' in sys.modules)"
    loaded = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=True, timeout=60
    )
    assert loaded.stdout.strip() == "False"
