"""/upload's answers: the new uploading, and what is wrong with a calls CSV (pure)."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

from bot.calls_csv import KNOWN_COLUMNS, Problem
from bot.texts import Html, t
from bot.texts.markup import number, truncate
from bot.texts.render import counter_label
from bot.texts.status import status_label
from bot.views import UploadedView

VALUE_LIMIT = 40  # a cell quoted in a problem is cut to this


def render_uploaded(lang: str, view: UploadedView) -> Html:
    """The uploading /upload made: id, rows, status, and whether the chat will hear more."""
    item = view.uploading
    lines = [
        t(lang, "upload_done", id=item.id, counter=counter_label(view.counter)),
        t(lang, "upload_rows", rows=number(view.rows), total=number(item.source_quantity)),
        t(lang, "uploading_status", status=status_label(lang, item.status)),
    ]
    if view.following:
        lines.append(t(lang, "upload_following"))
    return Html("\n".join(lines))


def render_csv_problems(
    lang: str, problems: Sequence[Problem], more: int, names: Mapping[str, Html]
) -> Html:
    """Why the file was not sent: one line per problem, naming line and column."""
    lines = [t(lang, "csv_title")]
    lines += [t(lang, "csv_item", problem=render_problem(lang, p)) for p in problems]
    if more:
        lines.append(t(lang, "csv_more", count=more))
    lines.append(t(lang, "csv_rules", **names))
    return Html("\n".join(lines))


def render_problem(lang: str, problem: Problem) -> Html:
    """One problem: where (line, column) and why."""
    params = {
        "value": truncate(problem.value, VALUE_LIMIT),
        "known": ", ".join(KNOWN_COLUMNS),
    }
    why = t(lang, f"csv_{problem.reason}", **params)
    if problem.line is None:
        return why
    if problem.column:
        where = t(lang, "csv_at_cell", line=problem.line, column=problem.column)
    else:
        where = t(lang, "csv_at_line", line=problem.line)
    return Html(f"{where}: {why}")
