"""What a process keeps of the shared gate: blocks of counted requests and idle slots."""

from __future__ import annotations

from datetime import date, timedelta

from bot.metrica.keep import BLOCK_MOST, KEEP_FOR, KEEP_IDLE, Keep, block_size

DAY = date(2026, 11, 30)


class Clock:
    def __init__(self) -> None:
        self.now = 100.0

    def __call__(self) -> float:
        return self.now


def test_a_block_is_small_near_the_days_end_and_never_past_it() -> None:
    assert block_size(4000) == BLOCK_MOST
    assert block_size(80) == 10  # an eighth of what is left
    assert [block_size(left) for left in (7, 1)] == [1, 1]
    assert block_size(0) == 0
    assert all(block_size(left) <= left for left in range(1, 500))


def test_a_block_is_spent_request_by_request_and_earlier_days_are_forgotten() -> None:
    keep = Keep(Clock())
    keep.add_block("anna", DAY, 2)
    assert [keep.spend("anna", DAY) for _ in range(3)] == [True, True, False]
    assert not keep.spend("boris", DAY)
    keep.add_block("anna", DAY, 5)
    keep.add_block("anna", DAY + timedelta(days=1), 1)
    assert not keep.spend("anna", DAY)  # a new day: yesterday's block counts nothing
    assert keep.take_blocks() == [("anna", DAY + timedelta(days=1), 1)]
    assert keep.take_blocks() == []


def test_a_refused_day_drops_the_block() -> None:
    keep = Keep(Clock())
    keep.add_block("anna", DAY, 5)
    keep.drop_blocks("anna", DAY)
    assert not keep.spend("anna", DAY)


def test_a_slot_is_reused_while_idle_and_young_only() -> None:
    clock = Clock()
    keep = Keep(clock)
    kept = keep.hold("anna", 0, "h1")
    assert keep.reuse("anna") is None  # busy with its first request
    assert keep.idle("anna", "h1")
    assert keep.reuse("boris") is None  # slots belong to one login
    assert keep.reuse("anna") is kept
    keep.unuse(kept)
    clock.now += KEEP_FOR
    assert keep.reuse("anna") is None  # too close to its lease's end
    assert keep.expired() == ["h1"]


def test_a_slot_given_back_past_its_age_is_not_kept() -> None:
    clock = Clock()
    keep = Keep(clock)
    keep.hold("anna", 1, "h1")
    clock.now += KEEP_FOR
    assert not keep.idle("anna", "h1")  # the caller frees it at once
    assert not keep.holds_any()


def test_idle_slots_expire_after_keep_idle_and_stay_until_freed() -> None:
    clock = Clock()
    keep = Keep(clock)
    keep.hold("anna", 0, "h1")
    keep.hold("anna", 1, "h2")
    keep.idle("anna", "h1")
    clock.now += KEEP_IDLE / 2
    assert keep.expired() == []
    clock.now += KEEP_IDLE / 2
    assert keep.expired() == ["h1"]
    assert keep.reuse("anna") is None  # on its way out, h2 still busy
    assert sorted(keep.take_slots()) == ["h1", "h2"]  # a stop frees both
    keep.hold("anna", 0, "h3")
    keep.idle("anna", "h3")
    clock.now += KEEP_IDLE
    keep.forget(keep.expired())
    assert not keep.holds_any()
