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
        return PassOutcome((), to_write, warned, hot=unfinished)
    candidates = {k for k, v in previous.items() if not v.stuck_warned}
    stuck = detect_stuck(ordered, candidates, now, stuck_after)
    warned = frozenset(change.uploading.id for change in stuck)
    return PassOutcome(tuple(found + stuck), to_write, warned, hot=unfinished or bool(found))
