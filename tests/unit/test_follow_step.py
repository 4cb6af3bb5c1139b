"""What a poll means for a chat following its uploading (pure)."""

from __future__ import annotations

from bot.domain import Change, ChangeKind, Hears, Uploading
from bot.monitor.follows import follow_step

MATCHED = Uploading(7, "MATCHED")
PROCESSED = Uploading(7, "PROCESSED", source_quantity=3, line_quantity=3)


def test_an_uploading_that_did_not_move_means_nothing() -> None:
    assert follow_step("MATCHED", MATCHED, None, []) is None


def test_an_uploading_missing_from_the_list_means_nothing() -> None:
    assert follow_step("UPLOADED", None, None, []) is None


def test_a_new_status_is_told_to_a_chat_that_is_not_subscribed() -> None:
    step = follow_step("UPLOADED", MATCHED, None, [])
    assert step is not None
    assert step.tell == Change(ChangeKind.STATUS, MATCHED, old_status="UPLOADED")
    assert (step.status, step.done) == ("MATCHED", False)


def test_a_final_status_is_told_and_ends_the_follow() -> None:
    step = follow_step("MATCHED", PROCESSED, None, [])
    assert step is not None
    assert step.tell is not None
    assert step.done


def test_a_change_the_subscription_told_this_poll_is_not_told_twice() -> None:
    told = [Change(ChangeKind.STATUS, MATCHED, old_status="UPLOADED")]
    step = follow_step("UPLOADED", MATCHED, Hears.ALL, told)
    assert step is not None
    assert step.tell is None
    assert step.status == "MATCHED"


def test_a_change_the_subscription_filter_kept_back_is_told_by_the_follow() -> None:
    seen = [Change(ChangeKind.STATUS, MATCHED, old_status="UPLOADED")]
    step = follow_step("UPLOADED", MATCHED, Hears.FINAL, seen)
    assert step is not None
    assert step.tell is not None


def test_a_new_uploading_the_subscription_heard_counts_as_told() -> None:
    seen = [Change(ChangeKind.NEW, PROCESSED)]
    step = follow_step("UPLOADED", PROCESSED, Hears.FINAL, seen)
    assert step is not None
    assert step.tell is None
    assert step.done


def test_a_stuck_warning_is_not_the_status_change() -> None:
    seen = [Change(ChangeKind.STUCK, MATCHED)]
    step = follow_step("UPLOADED", MATCHED, Hears.ALL, seen)
    assert step is not None
    assert step.tell is not None


def test_a_baseline_poll_without_changes_still_tells_the_follower() -> None:
    step = follow_step("UPLOADED", PROCESSED, Hears.ALL, [])
    assert step is not None
    assert step.tell is not None
