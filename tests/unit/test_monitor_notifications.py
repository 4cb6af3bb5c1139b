"""Notification texts: what a chat reads when an uploading changes, in both languages."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.domain import Change, ChangeKind, PauseReason, Uploading
from bot.monitor.notify import MAX_DETAIL_BUTTONS, details_buttons
from bot.texts import LANGUAGES, en, placeholders, ru
from bot.texts.markup import MESSAGE_LIMIT, format_time, plain_text, telegram_length
from bot.texts.notifications import (
    render_change,
    render_changes,
    render_counter_paused,
    render_notices,
    render_quota,
    render_token_chat,
    render_token_owner,
    render_topic_gone,
)
from fakes.telegram_html import parse_html

CREATED = datetime(2026, 11, 20, 9, 15, 42, tzinfo=UTC)


def processed(**fields: object) -> Uploading:
    values: dict[str, object] = {
        "id": 987,
        "status": "PROCESSED",
        "create_time": CREATED,
        "comment": "november <calls> & more",
        "source_quantity": 100,
        "line_quantity": 95,
        "static_calls_quantity": 80,
        "dynamic_calls_quantity": 15,
    }
    return Uploading(**{**values, **fields})  # type: ignore[arg-type]


def status_change(uploading: Uploading, old: str = "MATCHED") -> Change:
    return Change(ChangeKind.STATUS, uploading, old_status=old)


def test_monitor_texts_exist_in_both_languages_with_the_same_placeholders():
    keys = [key for key in en.MESSAGES if key.startswith("notify_")]

    assert keys
    for key in keys:
        assert placeholders(en.MESSAGES[key]) == placeholders(ru.MESSAGES[key]), key


def test_a_status_change_names_the_counter_the_uploading_and_both_statuses():
    [text] = render_changes("en", 12345, "Shop", [status_change(processed())])

    assert "Shop" in text
    assert "12345" in text
    assert "#987" in text
    assert "MATCHED" in text
    assert "PROCESSED" in text
    assert "2026-11-20 09:15 UTC" in text


def test_a_final_status_shows_rows_and_calls():
    text = render_change("en", status_change(processed()))

    assert "95 of 100" in text
    assert "80 static, 15 dynamic" in text


def test_an_unfinished_status_shows_no_numbers():
    text = render_change("en", status_change(processed(status="MATCHED"), old="UPLOADED"))

    assert "of 100" not in text


def test_linkage_failure_explains_the_usual_causes():
    text = render_change("en", status_change(processed(status="LINKAGE_FAILURE")))

    assert "21 days" in text
    assert "StaticCall=1" in text


def test_all_rows_failing_validation_is_said_plainly():
    text = render_change("en", status_change(processed(line_quantity=0)))

    assert "Not a single row passed validation" in text


def test_text_from_metrica_is_escaped():
    text = render_change("en", status_change(processed(comment="<script>alert(1)</script> & co")))

    assert "<script>" not in text
    assert "&lt;script&gt;alert(1)&lt;/script&gt; &amp; co" in text


def test_an_unknown_status_is_shown_as_metrica_sent_it():
    text = render_change("en", status_change(processed(status="NEW<STATUS>")))

    assert "NEW&lt;STATUS&gt;" in text


@pytest.mark.parametrize("kind", [ChangeKind.NEW, ChangeKind.STUCK])
def test_new_and_stuck_notices_name_the_uploading(kind: ChangeKind):
    text = render_change("en", Change(kind, processed(status="MATCHED")))

    assert "#987" in text
    assert "MATCHED" in text


@pytest.mark.parametrize("lang", LANGUAGES)
def test_every_notice_is_html_telegram_accepts(lang: str):
    texts = [
        *render_changes(lang, 1, "A & B", [status_change(processed(status="LINKAGE_FAILURE"))]),
        render_change(lang, Change(ChangeKind.STUCK, processed(status="MATCHED"))),
        render_token_owner(lang, "ivan<>"),
        render_token_owner(lang, None),
        *render_token_chat(lang, [(1, "Shop"), (2, "")]),
        *render_quota(lang, [(1, "Shop")], datetime(2026, 11, 21, tzinfo=UTC)),
        render_counter_paused(lang, 1, "Shop", PauseReason.GONE),
        render_counter_paused(lang, 1, "Shop", PauseReason.ACCESS),
        render_topic_gone(lang, 7, "<Calls> & co"),
        render_topic_gone(lang, 7, None),
    ]
    for text in texts:
        parse_html(text)  # raises like Telegram's "can't parse entities"


def test_many_changes_are_split_into_messages_under_telegrams_limit():
    changes = [status_change(processed(id=n, comment="x" * 250)) for n in range(60)]

    messages = render_changes("ru", 1, "Shop", changes)

    assert len(messages) > 1
    assert all(telegram_length(m) < MESSAGE_LIMIT for m in messages)
    assert all(m.startswith(messages[0].split("\n")[0]) for m in messages)  # header on each
    assert sum(m.count("№") for m in messages) == 60


def test_quota_notice_says_when_checking_resumes():
    [text] = render_quota("en", [(7, "Shop")], datetime(2026, 11, 21, tzinfo=UTC))

    assert "2026-11-21 00:00 UTC" in text


def test_times_are_shown_in_utc():
    assert format_time(datetime(2026, 11, 20, 12, 15, tzinfo=UTC)) == "2026-11-20 12:15 UTC"


def test_plain_text_fallback_drops_tags_and_decodes_entities():
    assert plain_text("<b>Shop</b> &lt;x&gt; &amp; y") == "Shop <x> & y"


def test_a_notice_names_the_uploadings_it_tells_about_once_each_in_order():
    changes = [
        Change(ChangeKind.NEW, processed(id=5, status="UPLOADED")),
        status_change(processed(id=3)),
        Change(ChangeKind.STUCK, processed(id=5, status="MATCHED")),
    ]

    [notice] = render_notices("en", 1, "Shop", changes)

    assert notice.uploading_ids == (5, 3)


def test_a_final_status_links_to_the_counter_in_metrica_once_per_message():
    [final] = render_notices(
        "en", 12345, "Shop", [status_change(processed()), status_change(processed(id=2))]
    )
    [moving] = render_notices("en", 12345, "Shop", [status_change(processed(status="MATCHED"))])
    [stuck] = render_notices(
        "en", 12345, "Shop", [Change(ChangeKind.STUCK, processed(status="MATCHED"))]
    )

    assert final.text.count("https://metrika.yandex.ru/dashboard?id=12345") == 1
    assert "metrika.yandex.ru" not in moving.text
    assert "metrika.yandex.ru" not in stuck.text


def test_split_notices_each_carry_their_own_uploadings():
    changes = [status_change(processed(id=n, comment="x" * 250)) for n in range(60)]

    notices = render_notices("en", 1, "Shop", changes)

    assert len(notices) > 1
    assert [i for notice in notices for i in notice.uploading_ids] == list(range(60))
    assert all(telegram_length(notice.text) <= MESSAGE_LIMIT for notice in notices)
    assert all("metrika.yandex.ru" in notice.text for notice in notices)


def test_one_uploading_gets_details_and_several_get_a_numbered_button_each_up_to_a_limit():
    [(label, data)] = details_buttons("ru", 101, [5])
    assert (label, data) == ("🔎 Подробнее №5", "dt:101:5")

    several = details_buttons("en", 101, list(range(1, 20)))
    assert len(several) == MAX_DETAIL_BUTTONS
    assert several[0] == ("🔎 #1", "dt:101:1")
    assert details_buttons("en", 101, []) == []


def test_a_gone_topic_is_named_when_known_and_numbered_otherwise():
    assert "the topic “Calls”" in render_topic_gone("en", 7, "Calls")
    assert "topic 7" in render_topic_gone("en", 7, None)
    assert "тему «Calls»" in render_topic_gone("ru", 7, "Calls")
