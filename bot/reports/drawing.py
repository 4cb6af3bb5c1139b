"""The chart as a PNG: uploadings by outcome per day above, rows valid vs. sent below.

Drawn on matplotlib's Agg canvas through `Figure` (no pyplot, no GUI backend), so a worker
thread may draw while the event loop goes on: call `draw_chart` with `asyncio.to_thread`, never
on the event loop (it takes a few hundred milliseconds of CPU). matplotlib is imported on the
first chart, so processes that never draw never load it; matplotlib does not promise thread
safety even for separate figures, so one chart is drawn at a time.
"""

from __future__ import annotations

import io
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from bot.reports.daily import Day

if TYPE_CHECKING:
    from matplotlib.axes import Axes

SIZE_INCHES = (10.0, 6.5)
DPI = 100
MAX_TICKS = 12
_ONE_AT_A_TIME = threading.Lock()
COLORS = {
    "processed": "#2e7d32",
    "failed": "#c62828",
    "unfinished": "#9e9e9e",
    "rows_total": "#90caf9",
    "rows_valid": "#1565c0",
}


@dataclass(frozen=True, slots=True)
class ChartLabels:
    """Every word on the picture, in the chat's language (plain text)."""

    title: str
    uploadings_axis: str
    rows_axis: str
    day_axis: str
    processed: str
    failed: str
    unfinished: str
    rows_total: str
    rows_valid: str


def draw_chart(days: Sequence[Day], labels: ChartLabels) -> bytes:
    """The PNG of the days (oldest first), with the labels given."""
    with _ONE_AT_A_TIME:
        return _draw(days, labels)


def _draw(days: Sequence[Day], labels: ChartLabels) -> bytes:
    # Imported on the first chart: processes that never draw (workers) never load matplotlib.
    from matplotlib.backends.backend_agg import FigureCanvasAgg  # noqa: PLC0415
    from matplotlib.figure import Figure  # noqa: PLC0415

    figure = Figure(figsize=SIZE_INCHES, dpi=DPI, layout="constrained")
    FigureCanvasAgg(figure)
    top, bottom = figure.subplots(2, 1, sharex=True)
    positions = list(range(len(days)))
    _outcomes(top, positions, days, labels)
    _rows(bottom, positions, days, labels)
    _day_ticks(bottom, days, labels.day_axis)
    figure.suptitle(literal(labels.title))
    buffer = io.BytesIO()
    figure.savefig(buffer, format="png")
    return buffer.getvalue()


def literal(text: str) -> str:
    """Text matplotlib shows as it is: a pair of '$' would start a formula otherwise."""
    return text.replace("$", r"\$")


def _outcomes(axes: Axes, x: list[int], days: Sequence[Day], labels: ChartLabels) -> None:
    """Stacked bars: processed, then linkage failures, then unfinished on top."""
    processed = [day.processed for day in days]
    failed = [day.failed for day in days]
    unfinished = [day.unfinished for day in days]
    below = [p + f for p, f in zip(processed, failed, strict=True)]
    axes.bar(x, processed, color=COLORS["processed"], label=labels.processed)
    axes.bar(x, failed, bottom=processed, color=COLORS["failed"], label=labels.failed)
    axes.bar(x, unfinished, bottom=below, color=COLORS["unfinished"], label=labels.unfinished)
    axes.set_ylabel(labels.uploadings_axis)
    _finish(axes)


def _rows(axes: Axes, x: list[int], days: Sequence[Day], labels: ChartLabels) -> None:
    """Rows sent (wide, light) with the valid ones in front (narrow, dark)."""
    total = [day.rows_total for day in days]
    valid = [day.rows_valid for day in days]
    axes.bar(x, total, width=0.8, color=COLORS["rows_total"], label=labels.rows_total)
    axes.bar(x, valid, width=0.45, color=COLORS["rows_valid"], label=labels.rows_valid)
    axes.set_ylabel(labels.rows_axis)
    _finish(axes)


def _day_ticks(axes: Axes, days: Sequence[Day], title: str) -> None:
    """Dates under the bars, at most MAX_TICKS of them, the last day always shown."""
    step = max(1, -(-len(days) // MAX_TICKS))
    shown = list(range(len(days) - 1, -1, -step))[::-1]
    axes.set_xticks(shown, [days[i].day.strftime("%m-%d") for i in shown])
    axes.set_xlim(-0.6, len(days) - 0.4)
    axes.set_xlabel(title)


def _finish(axes: Axes) -> None:
    """Whole numbers on the value axis, the legend beside the plot, a light grid."""
    from matplotlib.ticker import MaxNLocator  # noqa: PLC0415

    axes.yaxis.set_major_locator(MaxNLocator(integer=True))
    axes.legend(loc="upper left", bbox_to_anchor=(1.01, 1.0), fontsize="small")
    axes.grid(axis="y", alpha=0.3)
