"""Pure rendering of /export and /chart: captions, the empty-period sentence, chart labels.

Captions stay far below Telegram's 1024 characters: the counter's name and site are shortened
by `counter_label`, everything else is numbers.
"""

from __future__ import annotations

from datetime import UTC, datetime

from bot.reports.daily import MAX_DAYS
from bot.reports.drawing import ChartLabels
from bot.texts import Html, t
from bot.texts.markup import plain_text, truncate
from bot.texts.render import NAME_LIMIT, Names, counter_label
from bot.views import ChartView, CounterView, ExportView, ListNote

CHART_LABEL_KEYS = (
    "chart_axis_uploadings",
    "chart_axis_rows",
    "chart_axis_day",
    "chart_processed",
    "chart_failed",
    "chart_unfinished",
    "chart_rows_total",
    "chart_rows_valid",
)


def render_export_caption(lang: str, view: ExportView, *, now: datetime) -> Html:
    """What the CSV document is, and as of when."""
    head = t(lang, "export_caption", counter=counter_label(view.counter), count=view.count)
    return Html("\n".join([head, *_as_of(lang, view.as_of, view.note, now)]))


def render_chart_empty(lang: str, view: ChartView, names: Names) -> Html:
    """The sentence instead of a picture of nothing."""
    return t(
        lang,
        "chart_empty",
        counter=counter_label(view.counter),
        first=view.period.first.isoformat(),
        last=view.period.last.isoformat(),
        counter_id=view.counter.id,
        max=MAX_DAYS,
        **names,
    )


def render_chart_caption(lang: str, view: ChartView, *, now: datetime) -> Html:
    """The period summed up: uploadings by outcome, valid rows, linked share; as of when."""
    total, period = view.summary, view.period
    lines = [
        t(
            lang,
            "chart_caption_title",
            counter=counter_label(view.counter),
            first=period.first.isoformat(),
            last=period.last.isoformat(),
            days=period.days,
        ),
        t(
            lang,
            "chart_caption_uploadings",
            uploadings=total.uploadings,
            processed=total.processed,
            failed=total.failed,
            unfinished=total.unfinished,
        ),
        t(
            lang,
            "chart_caption_rows",
            valid=total.rows_valid,
            total=total.rows_total,
            share=_share(total.valid_percent),
        ),
        t(
            lang,
            "chart_caption_linked",
            processed=total.processed,
            finished=total.processed + total.failed,
            share=_share(total.linked_percent),
        ),
    ]
    return Html("\n".join([*lines, *_as_of(lang, view.as_of, view.note, now)]))


def chart_labels(lang: str, view: ChartView) -> ChartLabels:
    """Every word on the picture, as plain text."""
    title = t(
        lang,
        "chart_title",
        counter=_counter_plain(view.counter),
        first=view.period.first.isoformat(),
        last=view.period.last.isoformat(),
    )
    words = [plain_text(t(lang, key)) for key in CHART_LABEL_KEYS]
    return ChartLabels(plain_text(title), *words)


def _counter_plain(counter: CounterView) -> str:
    """'Name (123)' without markup, shortened."""
    name = truncate(counter.name, NAME_LIMIT)
    return f"{name} ({counter.id})" if name else str(counter.id)


def _share(percent: int | None) -> str:
    return "—" if percent is None else f"{percent}%"


def _as_of(lang: str, when: datetime | None, note: ListNote | None, now: datetime) -> list[Html]:
    """'as of 14:05 UTC' (with the date unless today), and why the data is not newer."""
    lines: list[Html] = []
    if when is not None:
        moment = when.astimezone(UTC)
        today = moment.date() == now.astimezone(UTC).date()
        shown = moment.strftime("%H:%M" if today else "%Y-%m-%d %H:%M")
        lines.append(t(lang, "report_as_of", time=shown))
    if note is not None and note.kind == "rate":
        lines.append(t(lang, "report_note_rate", limit=note.limit))
    elif note is not None:
        resets = note.resets_at.strftime("%H:%M") if note.resets_at else "00:00"
        lines.append(t(lang, "report_note_quota", time=resets))
    return lines
