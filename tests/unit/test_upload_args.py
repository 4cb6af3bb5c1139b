"""/upload's arguments: an optional counter id first, then the comment as typed."""

from __future__ import annotations

import pytest

from bot.telegram.commands_upload import parse_upload_args
from bot.telegram.parsing import ArgumentError


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("/upload", (None, "")),
        ("/upload 12345", (12345, "")),
        ("/upload 12345 November,  week 4", (12345, "November,  week 4")),
        ("/upload@metrica_calls_bot 7 x", (7, "x")),
        ("/upload November calls", (None, "November calls")),
        ("/upload 2024-11 calls", (None, "2024-11 calls")),
        ("/upload\n12345\nline one\nline two", (12345, "line one\nline two")),
    ],
)
def test_a_number_first_is_the_counter_and_the_rest_the_comment(text, expected) -> None:
    assert parse_upload_args(text) == expected


def test_a_comment_longer_than_metrica_takes_is_refused() -> None:
    parse_upload_args("/upload 1 " + "x" * 255)
    with pytest.raises(ArgumentError):
        parse_upload_args("/upload 1 " + "x" * 256)


def test_counter_zero_is_not_a_counter() -> None:
    with pytest.raises(ArgumentError):
        parse_upload_args("/upload 0")
