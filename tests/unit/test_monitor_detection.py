"""Change detection: what a poll of a counter means compared with the stored snapshot."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain import ChangeKind, Uploading, detect_changes, detect_stuck
from bot.monitor.diff import Seen, evaluate

NOW = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)
STUCK_AFTER = timedelta(minutes=180)


def uploading(uid: int, status: str, *, age_minutes: int = 10) -> Uploading:
    return Uploading(uid, status, create_time=NOW - timedelta(minutes=age_minutes))


def test_a_new_uploading_is_a_change():
    changes = detect_changes({}, [uploading(1, "PREPARED")])

    assert [(c.kind, c.uploading.id, c.old_status) for c in changes] == [(ChangeKind.NEW, 1, None)]


def test_a_status_change_remembers_the_old_status():
    changes = detect_changes({1: "UPLOADED"}, [uploading(1, "MATCHED")])

    assert [(c.kind, c.old_status, c.uploading.status) for c in changes] == [
        (ChangeKind.STATUS, "UPLOADED", "MATCHED")
    ]


def test_skipped_statuses_still_make_one_change_from_the_last_seen_to_the_current():
    changes = detect_changes({1: "PREPARED"}, [uploading(1, "PROCESSED")])

    assert [(c.old_status, c.uploading.status) for c in changes] == [("PREPARED", "PROCESSED")]


def test_an_unchanged_uploading_is_no_change():
    assert detect_changes({1: "MATCHED"}, [uploading(1, "MATCHED")]) == []


def test_an_unknown_status_is_a_change_like_any_other():
    changes = detect_changes({1: "MATCHED"}, [uploading(1, "ARCHIVED_BY_ROBOTS")])

    assert [(c.old_status, c.uploading.status) for c in changes] == [
        ("MATCHED", "ARCHIVED_BY_ROBOTS")
    ]


def test_an_uploading_that_vanished_from_the_list_is_not_a_change():
    assert detect_changes({1: "MATCHED", 2: "PROCESSED"}, [uploading(1, "MATCHED")]) == []


def test_stuck_means_unfinished_for_longer_than_the_threshold():
    current = [uploading(1, "MATCHED", age_minutes=181), uploading(2, "MATCHED", age_minutes=10)]

    stuck = detect_stuck(current, {1, 2}, NOW, STUCK_AFTER)

    assert [(c.kind, c.uploading.id) for c in stuck] == [(ChangeKind.STUCK, 1)]


def test_a_final_uploading_is_never_stuck():
    current = [uploading(1, "LINKAGE_FAILURE", age_minutes=1000)]

    assert detect_stuck(current, {1}, NOW, STUCK_AFTER) == []


def test_the_first_poll_records_a_baseline_and_tells_nothing():
    current = [uploading(1, "PROCESSED"), uploading(2, "MATCHED", age_minutes=500)]

    outcome = evaluate({}, current, baseline=True, now=NOW, stuck_after=STUCK_AFTER)

    assert outcome.changes == ()
    assert [u.id for u in outcome.to_write] == [1, 2]
    assert outcome.stuck_warned == {2}  # already stuck at the start: never warned later
    assert outcome.hot


def test_after_the_baseline_new_uploadings_and_changes_are_told_oldest_first():
    previous = {1: Seen("MATCHED"), 2: Seen("PROCESSED")}
    current = [uploading(3, "PREPARED"), uploading(2, "PROCESSED"), uploading(1, "PROCESSED")]

    outcome = evaluate(previous, current, baseline=False, now=NOW, stuck_after=STUCK_AFTER)

    assert [(c.kind, c.uploading.id) for c in outcome.changes] == [
        (ChangeKind.STATUS, 1),
        (ChangeKind.NEW, 3),
    ]
    assert [u.id for u in outcome.to_write] == [1, 3]


def test_a_stuck_uploading_is_warned_once():
    current = [uploading(1, "MATCHED", age_minutes=200)]

    first = evaluate(
        {1: Seen("MATCHED")}, current, baseline=False, now=NOW, stuck_after=STUCK_AFTER
    )
    again = evaluate(
        {1: Seen("MATCHED", stuck_warned=True)},
        current,
        baseline=False,
        now=NOW,
        stuck_after=STUCK_AFTER,
    )

    assert [(c.kind, c.uploading.id) for c in first.changes] == [(ChangeKind.STUCK, 1)]
    assert first.stuck_warned == {1}
    assert first.to_write == ()
    assert again.changes == ()


def test_a_counter_with_only_final_uploadings_and_no_change_is_idle():
    current = [uploading(1, "PROCESSED"), uploading(2, "LINKAGE_FAILURE")]
    previous = {1: Seen("PROCESSED"), 2: Seen("LINKAGE_FAILURE")}

    outcome = evaluate(previous, current, baseline=False, now=NOW, stuck_after=STUCK_AFTER)

    assert not outcome.hot


def test_a_counter_whose_last_uploading_just_finished_stays_hot_for_one_more_pass():
    outcome = evaluate(
        {1: Seen("MATCHED")},
        [uploading(1, "PROCESSED")],
        baseline=False,
        now=NOW,
        stuck_after=STUCK_AFTER,
    )

    assert outcome.hot


def test_an_empty_list_on_a_fresh_counter_is_an_idle_baseline():
    outcome = evaluate({}, [], baseline=True, now=NOW, stuck_after=STUCK_AFTER)

    assert outcome == type(outcome)((), (), frozenset(), hot=False)


def test_a_stuck_warning_is_due_when_the_first_unwarned_unfinished_uploading_turns_stuck():
    current = [
        uploading(1, "MATCHED", age_minutes=30),
        uploading(2, "UPLOADED", age_minutes=60),
        uploading(3, "PROCESSED", age_minutes=500),
    ]
    previous = {1: Seen("MATCHED"), 2: Seen("UPLOADED"), 3: Seen("PROCESSED")}

    outcome = evaluate(previous, current, baseline=False, now=NOW, stuck_after=STUCK_AFTER)

    assert outcome.stuck_due_at == NOW - timedelta(minutes=60) + STUCK_AFTER


def test_no_stuck_warning_is_due_once_every_unfinished_uploading_was_warned():
    current = [uploading(1, "MATCHED", age_minutes=200), uploading(2, "PROCESSED")]

    warned_now = evaluate(
        {1: Seen("MATCHED"), 2: Seen("PROCESSED")},
        current,
        baseline=False,
        now=NOW,
        stuck_after=STUCK_AFTER,
    )
    at_baseline = evaluate({}, current, baseline=True, now=NOW, stuck_after=STUCK_AFTER)

    assert warned_now.stuck_warned == {1}
    assert warned_now.stuck_due_at is None
    assert at_baseline.stuck_due_at is None


def test_a_new_uploading_already_stuck_is_due_at_the_next_poll():
    current = [uploading(1, "MATCHED", age_minutes=200)]

    outcome = evaluate({}, current, baseline=False, now=NOW, stuck_after=STUCK_AFTER)

    assert [c.kind for c in outcome.changes] == [ChangeKind.NEW]
    assert outcome.stuck_due_at is not None
    assert outcome.stuck_due_at < NOW
