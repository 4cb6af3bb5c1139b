"""What one successful poll of a counter means: changes to tell, rows to store, hot or idle."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime, timedelta

from bot.domain import Change, Uploading, detect_changes, detect_stuck, is_stuck


@dataclass(frozen=True, slots=True)
class Seen:
    """The stored state of one uploading: its last status and whether it was called stuck."""

    status: str
    stuck_warned: bool = False


@dataclass(frozen=True, slots=True)
class PassOutcome:
    """The result of comparing a poll with the snapshot."""

    changes: tuple[Change, ...]
    to_write: tuple[Uploading, ...]
    stuck_warned: frozenset[int]
    hot: bool
    stuck_due_at: datetime | None = None  # the first unwarned unfinished one turns stuck
    unfinished: bool = False  # the list has an unfinished uploading


def evaluate(
    previous: Mapping[int, Seen],
    current: Sequence[Uploading],
    *,
    baseline: bool,
    now: datetime,
    stuck_after: timedelta,
) -> PassOutcome:
    """Changes since the snapshot, oldest uploading first; a baseline pass records, tells nothing.

    A counter is hot while any uploading is unfinished or when something changed this pass.
    """
    ordered = sorted(current, key=lambda u: u.id)
    unfinished = any(not u.is_final for u in ordered)
    found = detect_changes({k: v.status for k, v in previous.items()}, ordered)
    to_write = tuple(change.uploading for change in found)
    if baseline:
        # Already stuck when the watch began: not news, and not worth a late warning either.
        warned = frozenset(u.id for u in ordered if is_stuck(u, now, stuck_after))
        due = _stuck_due(ordered, previous, warned, stuck_after)
        return PassOutcome((), to_write, warned, unfinished, due, unfinished)
    candidates = {k for k, v in previous.items() if not v.stuck_warned}
    stuck = detect_stuck(ordered, candidates, now, stuck_after)
    warned = frozenset(change.uploading.id for change in stuck)
    hot = unfinished or bool(found)
    due = _stuck_due(ordered, previous, warned, stuck_after)
    return PassOutcome(tuple(found + stuck), to_write, warned, hot, due, unfinished)


def _stuck_due(
    current: Sequence[Uploading],
    previous: Mapping[int, Seen],
    warned_now: frozenset[int],
    stuck_after: timedelta,
) -> datetime | None:
    """When the first unfinished uploading not warned yet turns stuck (maybe already passed).

    While the list stays the same, no stuck warning can be due before then.
    """
    due = [
        u.create_time + stuck_after
        for u in current
        if not u.is_final
        and u.create_time is not None
        and u.id not in warned_now
        and not (u.id in previous and previous[u.id].stuck_warned)
    ]
    return min(due, default=None)
