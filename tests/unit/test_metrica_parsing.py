"""Tolerant parsing of Metrica bodies into Uploading and Counter."""

from __future__ import annotations

import time
from datetime import UTC, datetime
from typing import Any

import pytest

from bot.domain import Counter, Uploading
from bot.metrica.errors import Unavailable
from bot.metrica.parsing import (
    parse_counter,
    parse_counter_body,
    parse_counters_page,
    parse_time,
    parse_uploading,
    parse_uploading_body,
    parse_uploadings,
)

FULL = {
    "id": 123456,
    "create_time": "2022-12-29T18:02:01Z",
    "source_quantity": 10,
    "line_quantity": 8,
    "comment": "march calls",
    "client_id_type": "CLIENT_ID",
    "status": "PROCESSED",
    "static_calls_quantity": 2,
    "dynamic_calls_quantity": 6,
}


def test_a_documented_uploading_is_parsed_field_by_field():
    assert parse_uploading(FULL) == Uploading(
        id=123456,
        status="PROCESSED",
        create_time=datetime(2022, 12, 29, 18, 2, 1, tzinfo=UTC),
        source_quantity=10,
        line_quantity=8,
        comment="march calls",
        client_id_type="CLIENT_ID",
        static_calls_quantity=2,
        dynamic_calls_quantity=6,
    )


def test_unknown_fields_are_ignored():
    extra = {**FULL, "type": "CALLS", "linked_quantity": 5, "goal_not_found_quantity": 1}
    assert parse_uploading(extra) == parse_uploading(FULL)


def test_an_unknown_status_is_kept_as_the_raw_string():
    assert parse_uploading({"id": 1, "status": "QUEUED_FOR_MARS"}).status == "QUEUED_FOR_MARS"


def test_only_id_and_status_are_required():
    assert parse_uploading({"id": 1, "status": "PREPARED"}) == Uploading(id=1, status="PREPARED")


def test_null_and_mistyped_optional_fields_become_defaults():
    item = {
        "id": 1,
        "status": "UPLOADED",
        "comment": None,
        "line_quantity": "n/a",
        "source_quantity": True,
    }
    uploading = parse_uploading(item)
    assert (uploading.comment, uploading.line_quantity, uploading.source_quantity) == (
        "",
        None,
        None,
    )


def test_numeric_strings_are_accepted_as_integers():
    uploading = parse_uploading({"id": "77", "status": "MATCHED", "line_quantity": "3"})
    assert (uploading.id, uploading.line_quantity) == (77, 3)


def test_a_lowercase_client_id_type_is_normalised_to_uppercase():
    assert parse_uploading({**FULL, "client_id_type": "yclid"}).client_id_type == "YCLID"


def test_the_comment_is_kept_verbatim_for_the_renderer_to_escape():
    assert parse_uploading({**FULL, "comment": "<script>&"}).comment == "<script>&"


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("2022-12-29T18:02:01Z", datetime(2022, 12, 29, 18, 2, 1, tzinfo=UTC)),
        ("2022-12-29T21:02:01+03:00", datetime(2022, 12, 29, 18, 2, 1, tzinfo=UTC)),
        ("2022-12-29T18:02:01", datetime(2022, 12, 29, 18, 2, 1, tzinfo=UTC)),
        ("yesterday", None),
        ("", None),
        (1672336921, None),
        (None, None),
    ],
)
def test_create_time_is_an_aware_utc_datetime_or_none(value, expected):
    parsed = parse_time(value)
    assert parsed == expected
    if parsed is not None:
        assert parsed.utcoffset() is not None
        assert parsed.tzinfo == UTC


def test_a_bad_create_time_does_not_reject_the_uploading():
    assert parse_uploading({**FULL, "create_time": "29.12.2022"}).create_time is None


@pytest.mark.parametrize(
    "item",
    [
        {"status": "PROCESSED"},
        {"id": 1},
        {"id": None, "status": "PROCESSED"},
        {"id": True, "status": "PROCESSED"},
        {"id": 1, "status": ""},
        {"id": 1, "status": 5},
        "1",
        None,
    ],
)
def test_an_uploading_without_id_or_status_is_an_unexpected_response(item):
    with pytest.raises(Unavailable, match="unexpected response"):
        parse_uploading(item)


def test_a_list_body_is_parsed_in_order_and_may_be_legitimately_empty():
    body = {"uploadings": [{"id": 2, "status": "PREPARED"}, FULL]}
    assert [u.id for u in parse_uploadings(body)] == [2, 123456]
    assert parse_uploadings({"uploadings": []}) == []


@pytest.mark.parametrize(
    "body",
    [None, [], {}, {"uploadings": None}, {"uploadings": {}}, {"errors": []}, "uploadings"],
)
def test_a_list_body_of_the_wrong_shape_is_an_unexpected_response(body):
    with pytest.raises(Unavailable, match="unexpected response"):
        parse_uploadings(body)


def test_one_bad_item_fails_the_whole_list():
    with pytest.raises(Unavailable):
        parse_uploadings({"uploadings": [FULL, {"status": "PROCESSED"}]})


def test_a_single_uploading_body_is_unwrapped():
    assert parse_uploading_body({"uploading": FULL}).id == 123456
    with pytest.raises(Unavailable):
        parse_uploading_body(FULL)


def test_a_counter_keeps_known_fields_and_ignores_others():
    item = {
        "id": 42,
        "name": "Shop",
        "site": "shop.example",
        "status": "Active",
        "owner_login": "me",
        "code_status": "CS_OK",
    }
    assert parse_counter(item) == Counter(42, "Shop", "shop.example", "Active", "me")


def test_a_counter_needs_only_an_id_and_finds_the_site_in_site2():
    assert parse_counter({"id": 42}) == Counter(id=42)
    assert parse_counter({"id": 42, "site2": {"site": "new.example"}}).site == "new.example"


@pytest.mark.parametrize("body", [{"counter": {"name": "x"}}, {"counters": []}, {}, None])
def test_a_counter_body_of_the_wrong_shape_is_an_unexpected_response(body):
    with pytest.raises(Unavailable):
        parse_counter_body(body)


def test_a_counters_page_gives_rows_and_counters():
    total, counters = parse_counters_page({"rows": 2, "counters": [{"id": 1}, {"id": 2}]})
    assert (total, [c.id for c in counters]) == (2, [1, 2])
    assert parse_counters_page({"counters": []}) == (None, [])
    with pytest.raises(Unavailable):
        parse_counters_page({"rows": 2})


def test_ten_thousand_uploadings_parse_quickly():
    items: list[dict[str, Any]] = [{**FULL, "id": i, "extra": {"x": i}} for i in range(10_000)]
    started = time.perf_counter()
    parsed = parse_uploadings({"uploadings": items})
    elapsed = time.perf_counter() - started
    assert len(parsed) == 10_000
    assert parsed[-1].id == 9_999
    assert elapsed < 1.0  # about 20 ms on a laptop; a per-item model would be far slower
