"""/export's CSV document: every field, newest first, UTF-8 with a BOM, formulas defused."""

from __future__ import annotations

import csv
import io
from datetime import UTC, date, datetime, timedelta, timezone

from bot.domain import Uploading
from bot.reports.export_csv import FIELDS, export_file_name, uploadings_csv

CREATED = datetime(2026, 11, 20, 9, 15, tzinfo=UTC)


def rows(content: bytes) -> list[list[str]]:
    return list(csv.reader(io.StringIO(content.decode("utf-8-sig"), newline="")))


def test_the_file_starts_with_a_bom_and_the_nine_fields() -> None:
    content = uploadings_csv([])
    assert content.startswith(b"\xef\xbb\xbf")
    assert rows(content) == [list(FIELDS)]
    assert len(FIELDS) == 9


def test_every_field_is_written_and_times_are_utc_as_metrica_writes_them() -> None:
    moscow = timezone(timedelta(hours=3))
    uploading = Uploading(
        7, "PROCESSED", CREATED.astimezone(moscow), 100, 90, "ноябрь", "CLIENT_ID", 3, 97
    )
    assert rows(uploadings_csv([uploading]))[1] == [
        "7",
        "2026-11-20T09:15:00Z",
        "PROCESSED",
        "100",
        "90",
        "ноябрь",
        "CLIENT_ID",
        "3",
        "97",
    ]


def test_unknown_values_are_empty_cells() -> None:
    assert rows(uploadings_csv([Uploading(1, "UPLOADED")]))[1] == [
        "1",
        "",
        "UPLOADED",
        "",
        "",
        "",
        "",
        "",
        "",
    ]


def test_the_newest_comes_first_and_equal_times_go_by_id() -> None:
    items = [
        Uploading(1, "PROCESSED", CREATED),
        Uploading(3, "PROCESSED", CREATED - timedelta(days=1)),
        Uploading(2, "PROCESSED", CREATED),
    ]
    assert [row[0] for row in rows(uploadings_csv(items))[1:]] == ["2", "1", "3"]


def test_commas_quotes_and_line_breaks_in_comments_survive_the_round_trip() -> None:
    comment = 'a, "b"\nc'
    assert rows(uploadings_csv([Uploading(1, "UPLOADED", comment=comment)]))[1][5] == comment


def test_a_comment_a_spreadsheet_would_run_as_a_formula_is_defused() -> None:
    for comment in ("=1+1", "+1", "-1", "@SUM(A1)", '=HYPERLINK("http://x")'):
        written = rows(uploadings_csv([Uploading(1, "UPLOADED", comment=comment)]))[1][5]
        assert written == f"'{comment}"


def test_the_file_is_named_after_the_counter_and_the_day() -> None:
    assert export_file_name(24226447, date(2026, 11, 30)) == "uploadings-24226447-2026-11-30.csv"
