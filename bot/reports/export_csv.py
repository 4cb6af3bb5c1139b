"""The uploadings as a CSV document: every field, newest first, UTF-8 with a BOM (pure).

The BOM makes spreadsheet programs read the file as UTF-8 (Cyrillic comments stay legible).
A text cell that a spreadsheet would take for a formula gets a leading apostrophe: comments are
written by whoever uploaded, and a file a colleague opens must not run anything.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable
from datetime import UTC, date, datetime

from bot.domain import Uploading, newest_first

FIELDS: tuple[str, ...] = (
    "id",
    "create_time",
    "status",
    "source_quantity",
    "line_quantity",
    "comment",
    "client_id_type",
    "static_calls_quantity",
    "dynamic_calls_quantity",
)
BOM = "\ufeff"
_FORMULA_STARTS = ("=", "+", "-", "@", "\t", "\r")


def export_file_name(counter_id: int, day: date) -> str:
    """'uploadings-<counter>-<YYYY-MM-DD>.csv'."""
    return f"uploadings-{counter_id}-{day.isoformat()}.csv"


def uploadings_csv(uploadings: Iterable[Uploading]) -> bytes:
    """The header and one row per uploading, newest first, as UTF-8 bytes with a BOM."""
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(FIELDS)
    writer.writerows(_row(uploading) for uploading in newest_first(uploadings))
    return (BOM + buffer.getvalue()).encode("utf-8")


def _row(uploading: Uploading) -> list[str]:
    return [
        str(uploading.id),
        _time(uploading.create_time),
        _text(uploading.status),
        _count(uploading.source_quantity),
        _count(uploading.line_quantity),
        _text(uploading.comment),
        _text(uploading.client_id_type or ""),
        _count(uploading.static_calls_quantity),
        _count(uploading.dynamic_calls_quantity),
    ]


def _time(value: datetime | None) -> str:
    """ISO 8601 in UTC, as Metrica writes it ('2026-11-20T09:15:00Z'); '' when unknown."""
    if value is None:
        return ""
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def _count(value: int | None) -> str:
    return "" if value is None else str(value)


def _text(value: str) -> str:
    """Text as it is, unless a spreadsheet would read it as a formula."""
    return f"'{value}" if value.startswith(_FORMULA_STARTS) else value
