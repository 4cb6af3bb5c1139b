"""The calls CSV of /upload: every rule, line numbers, encodings."""

from __future__ import annotations

import csv
import io

import pytest

from bot.calls_csv import (
    MAX_FILE_SIZE,
    MAX_PROBLEMS,
    BadCallsFile,
    Problem,
    check_size,
    validate,
)

GOOD = b"UserId,DateTime,Price,StaticCall\n111,1700000000,10.5,0\n222,1700000100,,1\n"


def problems(content: bytes) -> list[tuple[str, int | None, str | None]]:
    with pytest.raises(BadCallsFile) as caught:
        validate(content)
    return [(p.reason, p.line, p.column) for p in caught.value.problems]


def rows_of(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8"))))


def test_a_good_file_passes_with_its_row_count_and_id_column() -> None:
    checked = validate(GOOD)
    assert (checked.rows, checked.id_column) == (2, "UserId")
    assert rows_of(checked.content) == rows_of(GOOD)


def test_a_bom_is_dropped_and_the_file_sent_without_it() -> None:
    checked = validate(b"\xef\xbb\xbf" + GOOD)
    assert not checked.content.startswith(b"\xef\xbb\xbf")
    assert rows_of(checked.content)[0][0] == "UserId"


def test_semicolons_are_read_and_commas_sent() -> None:
    checked = validate("ClientId;DateTime;Tag\n1;1700000000;звонок, важный\n".encode())
    assert rows_of(checked.content) == [
        ["ClientId", "DateTime", "Tag"],
        ["1", "1700000000", "звонок, важный"],
    ]


def test_header_names_are_matched_in_any_case_and_sent_as_documented() -> None:
    checked = validate(b"yclid,datetime,phonenumber\n5,1700000000,+7900\r\n")
    assert rows_of(checked.content)[0] == ["Yclid", "DateTime", "PhoneNumber"]
    assert checked.id_column == "Yclid"


def test_crlf_line_ends_and_trailing_blank_lines_are_fine() -> None:
    assert validate(b"UserId,DateTime\r\n1,1700000000\r\n\r\n\r\n").rows == 1


def test_text_that_is_not_utf8_names_the_line_of_the_first_bad_byte() -> None:
    content = "UserId,DateTime,Tag\n1,1700000000,ok\n2,1700000000,звонок\n".encode("cp1251")
    assert problems(content) == [("not_utf8", 3, None)]


def test_an_empty_file_is_refused() -> None:
    assert problems(b"") == [("empty", None, None)]
    assert problems(b"\n\n") == [("empty", None, None)]


def test_a_header_alone_has_no_rows() -> None:
    assert problems(b"UserId,DateTime\n") == [("no_rows", None, None)]


def test_the_header_needs_an_id_column() -> None:
    assert problems(b"DateTime,Price\n1700000000,1\n") == [("no_id_column", 1, None)]


def test_the_header_takes_only_one_id_column() -> None:
    found = problems(b"UserId,ClientId,DateTime\n1,2,1700000000\n")
    assert found == [("several_id_columns", 1, None)]


def test_the_header_needs_a_datetime_column() -> None:
    assert problems(b"UserId,Price\n1,2\n") == [("no_time_column", 1, None)]


def test_unknown_and_unnamed_columns_are_named() -> None:
    found = problems(b"UserId,DateTime,Colour,\n1,1700000000,red,x\n")
    assert found == [("unknown_column", 1, "Colour"), ("no_name", 1, None)]


def test_a_column_given_twice_is_refused() -> None:
    found = problems(b"UserId,DateTime,Price,price\n1,1700000000,1,2\n")
    assert found == [("duplicate_column", 1, "Price")]


def test_a_missing_id_or_time_names_line_and_column() -> None:
    content = b"UserId,DateTime\n1,1700000000\n,1700000000\n3,\n"
    assert problems(content) == [("required", 3, "UserId"), ("required", 4, "DateTime")]


def test_a_time_that_is_not_unix_seconds_is_refused() -> None:
    content = b"UserId,DateTime\n1,2024-01-01 10:00\n2,1700000000.5\n"
    assert problems(content) == [("not_unix_time", 2, "DateTime"), ("not_unix_time", 3, "DateTime")]


def test_an_empty_row_between_rows_is_refused_by_its_line() -> None:
    content = b"UserId,DateTime\n1,1700000000\n\n2,1700000000\n"
    assert problems(content) == [("empty_row", 3, None)]


def test_a_row_of_separators_only_is_an_empty_row() -> None:
    content = b"UserId,DateTime\n,\n2,1700000000\n"
    assert problems(content) == [("empty_row", 2, None)]


def test_a_row_with_more_or_fewer_values_than_the_header_is_refused() -> None:
    content = b"UserId,DateTime\n1,1700000000,7\n2\n"
    assert problems(content) == [("cell_count", 2, None), ("cell_count", 3, None)]


def test_optional_columns_with_a_format_are_checked_when_given() -> None:
    content = (
        b"UserId,DateTime,StaticCall,TalkDuration,Price,CallMissed\n"
        b"1,1700000000,yes,12.5,free,2\n"
        b"2,1700000000,,,,\n"
    )
    assert problems(content) == [
        ("not_flag", 2, "StaticCall"),
        ("not_seconds", 2, "TalkDuration"),
        ("not_number", 2, "Price"),
        ("not_flag", 2, "CallMissed"),
    ]


def test_line_numbers_count_physical_lines_across_quoted_line_breaks() -> None:
    content = b'UserId,DateTime,Tag\n1,1700000000,"two\nlines"\n,1700000000,x\n'
    assert problems(content) == [("required", 4, "UserId")]


def test_an_unclosed_quote_is_unreadable() -> None:
    found = problems(b'UserId,DateTime\n1,"1700000000\n')
    assert [reason for reason, _, _ in found] == ["unreadable"]


def test_many_problems_are_cut_to_the_first_ones_with_a_count_of_the_rest() -> None:
    content = b"UserId,DateTime\n" + b",1700000000\n" * (MAX_PROBLEMS + 5)
    with pytest.raises(BadCallsFile) as caught:
        validate(content)
    assert len(caught.value.problems) == MAX_PROBLEMS
    assert caught.value.more == 5
    assert caught.value.problems[0] == Problem("required", line=2, column="UserId", value="")


def test_a_file_over_twenty_megabytes_is_refused_before_and_after_download() -> None:
    check_size(MAX_FILE_SIZE)
    check_size(None)
    with pytest.raises(BadCallsFile) as caught:
        check_size(MAX_FILE_SIZE + 1)
    assert caught.value.problems[0].reason == "too_big"
    big = b"UserId,DateTime\n" + b"1,1700000000\n" * (MAX_FILE_SIZE // 13 + 1)
    assert problems(big) == [("too_big", None, None)]


def test_a_last_row_without_a_line_end_counts() -> None:
    checked = validate(b"UserId,DateTime\r\n1,1700000000\r\n2,1700000001")
    assert checked.rows == 2
    assert checked.content == b"UserId,DateTime\n1,1700000000\n2,1700000001\n"


def test_a_quoted_line_break_survives_the_rewrite() -> None:
    checked = validate(b'UserId,DateTime,Tag\n1,1700000000,"a\r\nb"\n')
    assert rows_of(checked.content)[1] == ["1", "1700000000", "a\r\nb"]
