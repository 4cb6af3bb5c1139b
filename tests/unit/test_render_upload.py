"""/upload's answers, in both languages, with values escaped."""

from __future__ import annotations

import pytest

from bot.calls_csv import Problem
from bot.domain import Uploading
from bot.texts import Html
from bot.texts.render_upload import render_csv_problems, render_uploaded
from bot.views import CounterView, UploadedView

NAMES = {"help_cmd": Html("/help"), "upload_cmd": Html("/upload")}


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_problems_name_line_and_column_and_escape_the_value(lang: str) -> None:
    problems = [
        Problem("not_unix_time", line=3, column="DateTime", value="<b>soon</b>"),
        Problem("unknown_column", line=1, column="<x>", value="<x>"),
        Problem("no_rows"),
    ]
    text = render_csv_problems(lang, problems, 2, NAMES)
    assert "&lt;b&gt;soon&lt;/b&gt;" in text
    assert "<b>soon" not in text
    assert "<code>DateTime</code>" in text
    assert "3" in text
    assert "&lt;x&gt;" in text
    assert "/help" in text
    assert "2" in text


def test_problem_lines_read_in_english() -> None:
    text = render_csv_problems("en", [Problem("required", line=4, column="UserId")], 0, NAMES)
    assert "line 4, column <code>UserId</code>: the value is missing" in text


def test_problem_lines_read_in_russian() -> None:
    text = render_csv_problems("ru", [Problem("required", line=4, column="UserId")], 0, NAMES)
    assert "строка 4, столбец <code>UserId</code>: значение не указано" in text


@pytest.mark.parametrize("lang", ["en", "ru"])
def test_the_answer_names_the_uploading_rows_and_status(lang: str) -> None:
    uploading = Uploading(55, "UPLOADED", source_quantity=3)
    text = render_uploaded(lang, UploadedView(CounterView(42, "<Shop>"), uploading, 3, True))
    assert "55" in text
    assert "UPLOADED" in text
    assert "&lt;Shop&gt;" in text
    following = render_uploaded(lang, UploadedView(CounterView(42), uploading, 3, False))
    assert len(following) < len(text)
