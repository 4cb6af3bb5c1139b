"""Pure delivery rules: packing queued rows into one message, reading refusals, pacing."""

from __future__ import annotations

import itertools

import pytest

from bot.monitor.delivery import (
    Queued,
    is_chat_gone,
    is_entity_error,
    is_topic_gone,
    pack,
    send_backoff,
)
from bot.ratewindow import RateWindow


class FakeClock:
    """A monotonic clock that moves only when someone sleeps."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now

    async def sleep(self, seconds: float) -> None:
        self.now += seconds


def queued(row_id: int, text: str = "change", parse_mode: str | None = "HTML") -> Queued:
    return Queued(row_id, text, parse_mode, attempts=0)


def test_several_queued_changes_for_one_chat_go_out_as_one_message():
    delivery = pack(5, "group", [queued(1, "a"), queued(2, "b"), queued(3, "c")])

    assert delivery.ids == (1, 2, 3)
    assert delivery.text == "a\n\nb\n\nc"
    assert delivery.parse_mode == "HTML"


def test_packing_stops_before_the_message_limit():
    rows = [queued(n, "x" * 1500) for n in range(1, 5)]

    delivery = pack(5, "group", rows)

    assert delivery.ids == (1, 2)
    assert len(delivery.text) < 4096


def test_packing_never_mixes_html_and_plain_rows():
    delivery = pack(5, "private", [queued(1), queued(2, parse_mode=None), queued(3)])

    assert delivery.ids == (1,)


def test_a_packed_message_counts_the_most_tried_row():
    rows = [Queued(1, "a", "HTML", attempts=0), Queued(2, "b", "HTML", attempts=3)]

    assert pack(5, "group", rows).attempts == 3


def test_rows_for_another_topic_or_with_other_silence_go_in_their_own_message():
    rows = [
        Queued(1, "a", "HTML", 0, thread_id=7),
        Queued(2, "b", "HTML", 0, thread_id=7),
        Queued(3, "c", "HTML", 0, thread_id=None),
    ]
    assert pack(5, "supergroup", rows).ids == (1, 2)
    assert pack(5, "supergroup", rows).thread_id == 7
    assert pack(5, "supergroup", rows[2:]).thread_id is None

    loud_then_silent = [queued(1), Queued(2, "b", "HTML", 0, silent=True)]
    assert pack(5, "group", loud_then_silent).ids == (1,)
    assert pack(5, "group", loud_then_silent[1:]).silent is True


def details(*ids: int) -> tuple[tuple[str, str], ...]:
    return tuple((f"#{n}", f"dt:1:{n}") for n in ids)


def test_packed_rows_bring_their_buttons_in_order_each_once():
    rows = [
        queued(1),
        Queued(2, "b", "HTML", 0, buttons=details(5)),
        Queued(3, "c", "HTML", 0, buttons=details(5, 6)),
    ]

    delivery = pack(5, "group", rows)

    assert delivery.ids == (1, 2, 3)
    assert delivery.buttons == details(5, 6)


def test_packing_stops_before_too_many_buttons():
    rows = [
        Queued(n, "x", "HTML", 0, buttons=details(*range(n * 10, n * 10 + 6))) for n in (1, 2, 3)
    ]

    assert pack(5, "group", rows).ids == (1, 2)
    assert len(pack(5, "group", rows).buttons) == 12


def test_buttons_are_laid_out_three_to_a_row():
    buttons = tuple((f"#{n}", f"dt:1:{n}") for n in range(1, 6))
    delivery = pack(5, "group", [Queued(1, "a", "HTML", 0, buttons=buttons)])

    assert [len(row) for row in delivery.keyboard] == [3, 2]
    assert pack(5, "group", [queued(1)]).keyboard == []


def test_a_deleted_or_closed_topic_is_recognised():
    assert is_topic_gone("Bad Request: message thread not found")
    assert is_topic_gone("Bad Request: TOPIC_CLOSED")
    assert is_topic_gone("Bad Request: TOPIC_DELETED")
    assert not is_topic_gone("Bad Request: chat not found")
    assert not is_chat_gone("Bad Request: message thread not found")


@pytest.mark.parametrize(
    "message",
    [
        'Can\'t parse entities: unsupported start tag "script" at byte offset 3',
        "Bad Request: can't parse entities: Can't find end tag corresponding to start tag b",
    ],
)
def test_refused_html_is_recognised(message: str):
    assert is_entity_error(message)


def test_a_missing_chat_is_recognised_but_other_refusals_are_not():
    assert is_chat_gone("Bad Request: chat not found")
    assert not is_chat_gone("Bad Request: message is too long")
    assert not is_entity_error("Bad Request: message is too long")


def test_send_backoff_doubles_from_two_seconds_and_stops_at_five_minutes():
    assert [send_backoff(n, 1.0) for n in (1, 2, 3)] == [2, 4, 8]
    assert send_backoff(50, 1.0) == 300


async def test_the_rate_window_lets_through_at_most_n_per_second():
    clock = FakeClock()
    window = RateWindow(30, clock=clock, sleep=clock.sleep)
    started = []

    for _ in range(75):
        await window.acquire()
        started.append(clock.now)

    assert started.count(0.0) == 30
    assert max(started) == pytest.approx(2.0)
    for index in range(30, 75):
        assert started[index] - started[index - 30] >= 1.0


async def test_a_spread_rate_window_spaces_starts_evenly_with_no_burst():
    clock = FakeClock()
    window = RateWindow(30, clock=clock, sleep=clock.sleep, spread=True)
    started = []

    for _ in range(60):
        await window.acquire()
        started.append(clock.now)

    gaps = [later - earlier for earlier, later in itertools.pairwise(started)]
    assert min(gaps) == pytest.approx(1 / 30)
    assert started[-1] == pytest.approx(59 / 30)
