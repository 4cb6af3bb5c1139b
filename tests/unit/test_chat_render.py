"""Rendering of uploadings, counters and subscriptions: both languages, escaping, paging, length."""

from __future__ import annotations

import time
from collections.abc import Iterator
from datetime import UTC, datetime, timedelta, timezone

import pytest

from bot.domain import Hears, Uploading, newest_first
from bot.telegram.invocation import command_names
from bot.texts import Html
from bot.texts.markup import MESSAGE_LIMIT, format_time, plain_text, split_message, truncate
from bot.texts.render import (
    counter_button,
    counter_label,
    render_counters,
    render_uploading,
    render_uploadings,
)
from bot.texts.render_subscriptions import render_subscribed, render_subscriptions
from bot.views import (
    PAGE_SIZE,
    CounterView,
    Subscribed,
    SubscriptionView,
    UploadingsView,
    UploadingView,
    paginate,
)
from fakes.telegram_html import parse_html

NAMES = command_names(None, "metrica_calls_bot")
COUNTER = CounterView(101, "Shop <Main> & Co", "shop.example")
CREATED = datetime(2026, 11, 20, 9, 15, tzinfo=UTC)
NASTY = "<script>alert('&amp;')</script> & <b>"


def uploading(uploading_id: int = 7, **fields: object) -> Uploading:
    values: dict[str, object] = {
        "status": "PROCESSED",
        "create_time": CREATED,
        "source_quantity": 100,
        "line_quantity": 95,
        "static_calls_quantity": 10,
        "dynamic_calls_quantity": 85,
        "client_id_type": "CLIENT_ID",
        "comment": "weekly upload",
    }
    values.update(fields)
    return Uploading(uploading_id, **values)  # type: ignore[arg-type]


def page_of(items: list[Uploading], number: int = 0) -> UploadingsView:
    return UploadingsView(COUNTER, paginate(newest_first(items), number))


def visible(html_text: str) -> str:
    """What Telegram shows; fails the test if Telegram would refuse the HTML."""
    return parse_html(html_text)[0]


@pytest.fixture
def moscow_clock() -> Iterator[None]:
    """Run with the process in another time zone, to prove rendering does not use it."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("TZ", "Europe/Moscow")
        time.tzset()
        yield
    time.tzset()


def test_created_time_is_shown_in_utc_whatever_the_local_zone(moscow_clock: None) -> None:
    plus_three = timezone(timedelta(hours=3))
    assert format_time(CREATED) == "2026-11-20 09:15 UTC"
    assert format_time(datetime(2026, 11, 20, 12, 15, tzinfo=plus_three)) == "2026-11-20 09:15 UTC"
    assert format_time(datetime(2026, 11, 20, 9, 15)) == "2026-11-20 09:15 UTC"
    assert format_time(None) == "—"


def test_truncate_adds_an_ellipsis_only_when_needed() -> None:
    assert truncate("short", 10) == "short"
    assert truncate("a" * 20, 10) == "a" * 9 + "…"
    assert len(truncate("a" * 20, 10)) == 10
    assert truncate("anything", 0) == ""


def test_a_counter_label_escapes_its_name_and_site() -> None:
    label = counter_label(CounterView(5, "<b>&", "a<b>.example"))
    assert label == "<b>&lt;b&gt;&amp;</b> (a&lt;b&gt;.example, <code>5</code>)"
    assert counter_label(CounterView(5)) == "<code>5</code>"
    assert visible(label) == "<b>& (a<b>.example, 5)"


def test_a_counter_button_is_short_plain_text() -> None:
    assert counter_button(CounterView(5, "Shop")) == "Shop (5)"
    assert len(counter_button(CounterView(5, "x" * 100))) == 40


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_page_lists_id_time_status_rows_calls_and_comment(lang: str) -> None:
    text = visible(render_uploadings(lang, page_of([uploading()]), NAMES))
    assert "7 · 2026-11-20 09:15 UTC" in text
    assert "(PROCESSED)" in text
    assert "95/100" in text
    assert "10" in text
    assert "85" in text
    assert "weekly upload" in text
    assert "Shop <Main> & Co" in text


def test_status_labels_read_in_the_chats_language() -> None:
    ru = visible(render_uploadings("ru", page_of([uploading()]), NAMES))
    en = visible(render_uploadings("en", page_of([uploading()]), NAMES))
    assert "Обработана (PROCESSED)" in ru
    assert "Processed (PROCESSED)" in en
    assert "сначала новые" in ru
    assert "newest first" in en


def test_a_page_shows_the_newest_ten_first() -> None:
    items = [uploading(i, create_time=CREATED + timedelta(hours=i)) for i in range(1, 26)]
    text = visible(render_uploadings("en", page_of(items), NAMES))
    assert "1–10 of 25" in text
    assert text.index("25 · ") < text.index("24 · ") < text.index("16 · ")
    assert "15 · " not in text


def test_the_last_page_holds_the_oldest_rest() -> None:
    items = [uploading(i, create_time=CREATED + timedelta(hours=i)) for i in range(1, 26)]
    view = page_of(items, 2)
    text = visible(render_uploadings("en", view, NAMES))
    assert "21–25 of 25" in text
    assert "5 · " in text
    assert "6 · " not in text


def test_a_comment_full_of_html_is_escaped_in_lists_and_details() -> None:
    item = uploading(comment=NASTY)
    listing = render_uploadings("en", page_of([item]), NAMES)
    detail = render_uploading("en", UploadingView(COUNTER, item))
    assert "<script>" not in listing
    assert "<script>" not in detail
    assert NASTY in visible(detail)
    assert "<script>alert(" in visible(listing)


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_a_page_of_ten_with_255_ampersands_each_fits_one_message(lang: str) -> None:
    items = [uploading(10**12 + i, comment="&" * 255, status="LINKAGE_FAILURE") for i in range(10)]
    text = render_uploadings(lang, page_of(items), NAMES)
    assert len(text) <= MESSAGE_LIMIT
    shown = visible(text)
    assert shown.count("…") == 10
    assert len(shown) <= MESSAGE_LIMIT


def test_a_long_comment_is_cut_with_an_ellipsis_in_lists_but_shown_whole_in_details() -> None:
    comment = "x" * 200 + "END"
    listing = visible(render_uploadings("en", page_of([uploading(comment=comment)]), NAMES))
    detail = visible(render_uploading("en", UploadingView(COUNTER, uploading(comment=comment))))
    assert "END" not in listing
    assert "…" in listing
    assert comment in detail


def test_an_empty_list_says_so() -> None:
    text = visible(render_uploadings("ru", page_of([]), NAMES))
    assert "пока нет загрузок" in text


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_linkage_failure_details_explain_the_usual_causes(lang: str) -> None:
    view = UploadingView(COUNTER, uploading(status="LINKAGE_FAILURE"))
    text = visible(render_uploading(lang, view))
    assert "(LINKAGE_FAILURE)" in text
    assert "21" in text
    assert "StaticCall=1" in text


def test_details_warn_when_every_row_failed_validation() -> None:
    view = UploadingView(COUNTER, uploading(line_quantity=0, source_quantity=40))
    assert "None of the 40 rows passed validation" in visible(render_uploading("en", view))
    assert "Ни одна из 40 строк" in visible(render_uploading("ru", view))


def test_an_unknown_status_is_shown_as_it_is_and_escaped() -> None:
    view = UploadingView(COUNTER, uploading(status="<NEW&SHINY>"))
    text = visible(render_uploading("en", view))
    assert "(<NEW&SHINY>)" in text
    assert "don't know" in text


def test_missing_quantities_read_as_dashes() -> None:
    item = Uploading(9, "UPLOADED")
    text = visible(render_uploading("en", UploadingView(COUNTER, item)))
    assert "Rows: — of — passed validation" in text
    assert "Created: —" in text


@pytest.mark.parametrize("lang", ["ru", "en"])
def test_counters_show_whether_the_chat_is_subscribed(lang: str) -> None:
    counters = [COUNTER, CounterView(202, "Blog", "", subscribed=True)]
    text = visible(render_counters(lang, counters, NAMES))
    assert text.count("🔔") == 1
    assert text.count("🔕") == 1
    assert "Blog (202)" in text


def test_no_counters_tells_how_to_link_one() -> None:
    assert "/link" in visible(render_counters("en", [], NAMES))
    assert "в чате «Team»" in visible(render_counters("ru", [], NAMES, "Team"))


def test_subscriptions_list_only_what_they_are_given() -> None:
    subscription = SubscriptionView(CounterView(7, "A", subscribed=True))
    text = visible(render_subscriptions("en", [subscription], NAMES))
    assert "A (7)" in text
    assert "/subscribe" in visible(render_subscriptions("en", [], NAMES))


def test_group_command_names_carry_the_bot_username() -> None:
    class Group:
        type = "supergroup"

    names = command_names(Group(), "metrica_calls_bot")  # type: ignore[arg-type]
    assert names["link_cmd"] == "/link@metrica_calls_bot"
    assert NAMES["link_cmd"] == "/link"


def test_paging_clamps_to_the_pages_there_are() -> None:
    items = list(range(25))
    assert paginate(items, 0).items == tuple(range(10))
    assert paginate(items, 7).number == 2
    assert paginate(items, -1).number == 0
    assert paginate(items, 2).items == tuple(range(20, 25))
    assert paginate([], 0).pages == 1
    assert paginate(items, 1).first == PAGE_SIZE + 1


def test_long_texts_split_at_line_breaks_into_valid_messages() -> None:
    line = "<b>bold</b> &amp; " + "x" * 80
    text = "\n".join([line] * 200)
    parts = split_message(text)
    assert len(parts) > 1
    assert all(len(part) <= MESSAGE_LIMIT for part in parts)
    assert "\n".join(parts) == text
    for part in parts:
        visible(part)


def test_a_single_line_too_long_is_cut_into_plain_escaped_parts() -> None:
    parts = split_message("<i>" + "&amp;" * 3000 + "</i>")
    assert len(parts) > 1
    assert all(len(part) <= MESSAGE_LIMIT for part in parts)
    assert "".join(visible(part) for part in parts) == "&" * 3000


def test_plain_text_drops_tags_and_unescapes() -> None:
    assert plain_text("<b>a &amp; b</b> <a href='x'>c</a>") == "a & b c"


SHOP = CounterView(101, "Shop", "shop.example", subscribed=True)
HERE = Html("here")


def subscription(**fields: object) -> SubscriptionView:
    return SubscriptionView(SHOP, **fields)  # type: ignore[arg-type]


def test_a_new_subscription_says_where_what_it_hears_and_whether_silently() -> None:
    made = Subscribed(
        subscription(hears=Hears.FINAL, silent=True, thread_id=7, topic_name="Calls"), None
    )

    text = visible(render_subscribed("en", made, HERE, forum=True))

    assert text.startswith("🔔 Subscribed")
    assert "here in the topic “Calls”" in text
    assert "only PROCESSED and LINKAGE_FAILURE" in text
    assert "without sound" in text


def test_general_is_named_only_in_a_forum() -> None:
    made = Subscribed(subscription(), None)

    assert "in General" in visible(render_subscribed("en", made, HERE, forum=True))
    assert "General" not in visible(render_subscribed("en", made, HERE, forum=False))


def test_subscribing_again_says_what_changed_or_that_nothing_did() -> None:
    before = subscription(thread_id=7, topic_name="Calls")
    after = subscription(hears=Hears.FAILURES, silent=True, thread_id=9)

    changed = visible(render_subscribed("en", Subscribed(after, before), HERE, forum=True))
    same = visible(render_subscribed("ru", Subscribed(before, before), HERE, forum=True))
    general = visible(render_subscribed("en", Subscribed(subscription(), before), HERE, forum=True))

    assert "now failures (before: every change)" in changed
    assert "without sound from now on" in changed
    assert "moved to topic 9" in changed
    assert "Ничего не изменилось" in same
    assert "тему «Calls»" in same
    assert "moved to General" in general


def test_subscriptions_show_filter_silence_and_topic() -> None:
    items = [
        subscription(hears=Hears.FINAL, silent=True, thread_id=7, topic_name="<Calls>"),
        SubscriptionView(CounterView(202, "Blog", subscribed=True)),
    ]

    text = visible(render_subscriptions("en", items, NAMES, forum=True))

    assert "final statuses · 🔕 without sound · 📌 topic “<Calls>”" in text
    assert "every change · 📌 General" in text
    assert "📌" not in visible(render_subscriptions("en", items[1:], NAMES))
