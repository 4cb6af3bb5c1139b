"""The calls CSV of /upload, checked before anything is sent to Metrica (pure).

The rules (README, "Uploading calls"): UTF-8 with or without BOM; comma or semicolon
separated; a header with exactly one of UserId / ClientId / Yclid and a DateTime column (unix
time); besides those only the optional columns Metrica knows; in every row the id and the
time; at most MAX_FILE_SIZE bytes (what a bot may download from Telegram). Header names are
matched regardless of case. A good file is sent as Metrica documents it: comma separated UTF-8
without BOM, the header spelt as in the docs, the rows as they were.
"""

from __future__ import annotations

import csv
import re
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from _csv import Reader, Writer

MAX_FILE_SIZE = 20 * 1024 * 1024  # getFile's limit for bots
MAX_PROBLEMS = 10  # a file with more problems is told about its first ones
ID_COLUMNS = ("UserId", "ClientId", "Yclid")
TIME_COLUMN = "DateTime"
OPTIONAL_COLUMNS = (
    "StaticCall",
    "Price",
    "Currency",
    "PhoneNumber",
    "TalkDuration",
    "HoldDuration",
    "CallMissed",
    "Tag",
    "FirstTimeCaller",
    "URL",
    "CallTrackerURL",
)
KNOWN_COLUMNS = (*ID_COLUMNS, TIME_COLUMN, *OPTIONAL_COLUMNS)
_CANONICAL = {name.lower(): name for name in KNOWN_COLUMNS}
_WHOLE = re.compile(r"\d+")
_FLAG = re.compile(r"[01]")
_NUMBER = re.compile(r"\d+(?:[.,]\d+)?")
_FORMATS = {  # optional columns with a format: the pattern a value must match, else why
    "StaticCall": (_FLAG, "not_flag"),
    "CallMissed": (_FLAG, "not_flag"),
    "FirstTimeCaller": (_FLAG, "not_flag"),
    "TalkDuration": (_WHOLE, "not_seconds"),
    "HoldDuration": (_WHOLE, "not_seconds"),
    "Price": (_NUMBER, "not_number"),
}
_CHECKED = frozenset({*ID_COLUMNS, TIME_COLUMN, *_FORMATS})  # columns whose values are checked


@dataclass(frozen=True, slots=True)
class Problem:
    """One thing wrong with the file: where (1-based line, column name) and why (a text key).

    `reason` names the text `csv_<reason>`; `value` fills its {value} (a name, a count).
    """

    reason: str
    line: int | None = None
    column: str | None = None
    value: str = ""


@dataclass(frozen=True, slots=True)
class CallsFile:
    """A file that passed: its rows, its id column and the bytes to send."""

    rows: int
    id_column: str
    content: bytes = field(repr=False)


class BadCallsFile(Exception):
    """The file breaks the rules; `problems` says where and why (at most MAX_PROBLEMS)."""

    def __init__(self, problems: Sequence[Problem], *, more: int = 0) -> None:
        super().__init__(", ".join(p.reason for p in problems))
        self.problems = tuple(problems)
        self.more = more  # problems found beyond those listed


def check_size(size: int | None) -> None:
    """Refuse a file larger than a bot may download, before downloading it."""
    if size is not None and size > MAX_FILE_SIZE:
        raise BadCallsFile([Problem("too_big", value=str(MAX_FILE_SIZE // (1024 * 1024)))])


def validate(content: bytes) -> CallsFile:
    """The checked file, ready to send; BadCallsFile with what is wrong, line by line.

    Seconds of work for a 20 MB file: callers on an event loop run it in a worker thread.
    """
    check_size(len(content))
    text = _decode(content)
    if not text.strip():
        raise BadCallsFile([Problem("empty")])
    first = text[: text.find("\n")] if "\n" in text else text
    delimiter = ";" if first.count(";") > first.count(",") else ","
    reader = csv.reader(_lines(text), delimiter=delimiter, strict=True)
    out = _Parts()
    writer = csv.writer(out, lineterminator="\n")
    try:
        header = _header(next(reader))
        writer.writerow(header)
        problems, rows = _rows(reader, header, writer)
    except csv.Error:
        raise BadCallsFile([Problem("unreadable", line=reader.line_num or 1)]) from None
    if not problems and not rows:
        problems = [Problem("no_rows")]
    if problems:
        raise BadCallsFile(problems[:MAX_PROBLEMS], more=max(0, len(problems) - MAX_PROBLEMS))
    id_column = next(name for name in header if name in ID_COLUMNS)
    return CallsFile(rows, id_column, "".join(out).encode("utf-8"))


class _Parts(list[str]):
    """Where the writer puts the file, piece by piece (StringIO would hold 4 bytes a char)."""

    def write(self, part: str) -> None:
        """Keep one piece."""
        self.append(part)


def _lines(text: str) -> Iterator[str]:
    """The text's lines with their ends, one at a time (no second copy of the file)."""
    start = 0
    while start < len(text):
        end = text.find("\n", start)
        end = len(text) if end < 0 else end + 1
        yield text[start:end]
        start = end


def _decode(content: bytes) -> str:
    """UTF-8 with or without BOM; BadCallsFile naming the line of the first bad byte."""
    try:
        return content.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = content[: exc.start].count(b"\n") + 1
        raise BadCallsFile([Problem("not_utf8", line=line)]) from None


def _header(cells: list[str]) -> list[str]:
    """The header in the docs' spelling; BadCallsFile when its columns do not fit the rules."""
    names = [cell.strip() for cell in cells]
    problems: list[Problem] = []
    for name in names:
        if name.lower() not in _CANONICAL:
            reason = "no_name" if not name else "unknown_column"
            problems.append(Problem(reason, line=1, column=name or None, value=name))
    header = [_CANONICAL.get(name.lower(), name) for name in names]
    for name in dict.fromkeys(n for n in header if header.count(n) > 1):
        problems.append(Problem("duplicate_column", line=1, column=name, value=name))
    ids = [name for name in header if name in ID_COLUMNS]
    if not ids:
        problems.append(Problem("no_id_column", line=1))
    elif len(set(ids)) > 1:
        problems.append(Problem("several_id_columns", line=1, value=", ".join(ids)))
    if TIME_COLUMN not in header:
        problems.append(Problem("no_time_column", line=1))
    if problems:
        raise BadCallsFile(problems[:MAX_PROBLEMS], more=max(0, len(problems) - MAX_PROBLEMS))
    return header


def _rows(reader: Reader, header: list[str], writer: Writer) -> tuple[list[Problem], int]:
    """Problems of the data rows and how many there are; good rows go to the writer as they
    come (blank lines at the end are dropped)."""
    checked = [(i, name) for i, name in enumerate(header) if name in _CHECKED]
    problems: list[Problem] = []
    rows, blank, line = 0, [], 1
    for cells in reader:
        start, line = line + 1, reader.line_num
        if not any(cell.strip() for cell in cells):
            blank.append(start)
            continue
        problems += [Problem("empty_row", line=n) for n in blank]
        blank = []
        rows += 1
        if len(cells) != len(header):
            problems.append(Problem("cell_count", line=start, value=f"{len(cells)}/{len(header)}"))
            continue
        for index, name in checked:
            value = cells[index].strip()
            reason = _cell_problem(name, value)
            if reason is not None:
                problems.append(Problem(reason, line=start, column=name, value=value))
        if not problems:
            writer.writerow(cells)
    return problems, rows


def _cell_problem(column: str, value: str) -> str | None:
    """Why a value does not fit its column, or None."""
    if column in ID_COLUMNS or column == TIME_COLUMN:
        if not value:
            return "required"
        return "not_unix_time" if column == TIME_COLUMN and not _WHOLE.fullmatch(value) else None
    check = _FORMATS.get(column)
    if not value or check is None:
        return None
    pattern, reason = check
    return None if pattern.fullmatch(value) else reason
