"""What each subscription filter lets through: all, final, failures (pure)."""

from __future__ import annotations

import pytest

from bot.domain import Change, ChangeKind, Hears, Uploading, is_failure, is_heard


def to(status: str, kind: ChangeKind = ChangeKind.STATUS, **fields: object) -> Change:
    uploading = Uploading(1, status, **fields)  # type: ignore[arg-type]
    return Change(kind, uploading, old_status=None if kind is ChangeKind.NEW else "MATCHED")


CHANGES = {
    "processed": to("PROCESSED", source_quantity=10, line_quantity=9),
    "processed, no valid row": to("PROCESSED", source_quantity=10, line_quantity=0),
    "linkage failure": to("LINKAGE_FAILURE"),
    "new, already linkage failure": to("LINKAGE_FAILURE", ChangeKind.NEW),
    "uploaded": to("UPLOADED"),
    "uploaded, no valid row yet": to("UPLOADED", source_quantity=10, line_quantity=0),
    "stuck": to("MATCHED", ChangeKind.STUCK),
    "unknown status": to("SOMETHING_NEW"),
}
FAILURES = ["processed, no valid row", "linkage failure", "new, already linkage failure"]


@pytest.mark.parametrize(
    ("hears", "heard"),
    [
        (Hears.ALL, list(CHANGES)),
        (Hears.FINAL, ["processed", *FAILURES, "stuck"]),
        (Hears.FAILURES, [*FAILURES, "stuck"]),
    ],
)
def test_each_filter_hears_exactly_its_changes(hears: Hears, heard: list[str]) -> None:
    assert [name for name, change in CHANGES.items() if is_heard(hears, change)] == heard


def test_a_failure_is_linkage_or_a_final_uploading_without_a_valid_row() -> None:
    failing = [name for name, change in CHANGES.items() if is_failure(change.uploading)]
    assert failing == FAILURES
