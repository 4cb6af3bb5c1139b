"""Odd values from Metrica are failures (Unavailable) or tolerated field by field, never a
crash: a number, time or header no Python type or database column can hold."""

from __future__ import annotations

from datetime import UTC, datetime

import httpx
import pytest

from bot.metrica.errors import MAX_RETRY_AFTER, Unavailable, parse_error, retry_after_seconds
from bot.metrica.parsing import parse_counter, parse_time, parse_uploading, parse_uploadings

NOW = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
GOOD = {"id": 1, "status": "PROCESSED"}


def retry_after(value: str) -> float | None:
    return retry_after_seconds(httpx.Response(503, headers={"Retry-After": value}), NOW)


@pytest.mark.parametrize(
    "value", ["inf", "Infinity", "1e400", "99999999999999999999", "Fri, 31 Dec 9999 23:59:59 GMT"]
)
def test_a_huge_retry_after_is_capped(value: str) -> None:
    assert retry_after(value) == MAX_RETRY_AFTER


@pytest.mark.parametrize("value", ["nan", "-inf", "soon", "Mon, 99 Foo 2026 00:00:00 GMT"])
def test_a_meaningless_retry_after_is_ignored_or_zero(value: str) -> None:
    assert retry_after(value) in {None, 0.0}


def test_a_429_with_an_infinite_retry_after_keeps_a_finite_wait() -> None:
    response = httpx.Response(429, headers={"Retry-After": "inf"}, json={"errors": []})
    error = parse_error(response, NOW)
    assert getattr(error, "retry_after", None) == MAX_RETRY_AFTER


@pytest.mark.parametrize(
    "value",
    [
        "0001-01-01T00:00:00+05:00",  # before year 1 in UTC
        "9999-12-31T23:59:59-05:00",  # after year 9999 in UTC
        "2026-13-45T99:99:99Z",
        12345,
        None,
        ["2026-01-01"],
    ],
)
def test_a_create_time_out_of_range_or_of_a_wrong_type_is_unknown(value: object) -> None:
    assert parse_time(value) is None
    assert parse_uploading({**GOOD, "create_time": value}).create_time is None


@pytest.mark.parametrize("uploading_id", [2**63, -1, 10**30, "9" * 5000, 1.5, True])
def test_an_uploading_id_no_database_can_hold_is_a_failure(uploading_id: object) -> None:
    with pytest.raises(Unavailable):
        parse_uploadings({"uploadings": [{**GOOD, "id": uploading_id}]})


@pytest.mark.parametrize("status", ["", "X" * 65, "PROC\x00ESSED", 5, None])
def test_a_status_that_cannot_be_stored_is_a_failure(status: object) -> None:
    with pytest.raises(Unavailable):
        parse_uploading({**GOOD, "status": status})


@pytest.mark.parametrize("field", ["source_quantity", "line_quantity", "static_calls_quantity"])
@pytest.mark.parametrize("value", [10**30, -(10**30), "1" * 5000, float("inf"), {"a": 1}])
def test_a_huge_or_odd_quantity_is_unknown(field: str, value: object) -> None:
    assert getattr(parse_uploading({**GOOD, field: value}), field) is None


def test_texts_lose_nul_characters_and_names_fit_their_columns() -> None:
    counter = parse_counter({"id": 5, "name": "Sh\x00op" + "x" * 300, "site": "a\x00b"})
    assert counter.name.startswith("Shop")
    assert len(counter.name) == 255
    assert counter.site == "ab"
    assert parse_uploading({**GOOD, "comment": "a\x00b"}).comment == "ab"


@pytest.mark.parametrize("counter_id", [2**63, -5, "1" * 5000])
def test_a_counter_id_out_of_range_is_a_failure(counter_id: object) -> None:
    with pytest.raises(Unavailable):
        parse_counter({"id": counter_id})
