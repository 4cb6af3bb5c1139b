"""The lane of the answers' reads: one at a time, the earliest update first."""

from __future__ import annotations

import asyncio

import pytest

from bot.lane import Lane


async def _settle() -> None:
    """Let every task run until it waits (the lane hands a turn on at the next loop pass)."""
    for _ in range(10):
        await asyncio.sleep(0)


async def test_a_free_lane_lets_a_reader_in_at_once() -> None:
    lane = Lane()
    async with lane.turn(7):
        assert lane.busy
    assert not lane.busy


async def test_waiters_go_in_by_their_order_not_by_when_they_came() -> None:
    lane = Lane()
    went: list[int] = []

    async def read(order: int) -> None:
        async with lane.turn(order):
            went.append(order)
            await asyncio.sleep(0)

    async with lane.turn(1):
        tasks = [asyncio.create_task(read(order)) for order in (5, 3, 4, 2)]
        await _settle()
        assert lane.waiting() == 4
    await asyncio.gather(*tasks)
    assert went == [2, 3, 4, 5]


async def test_equal_orders_and_readers_without_one_go_in_the_order_they_came() -> None:
    lane = Lane()
    went: list[str] = []

    async def read(name: str, order: int | None) -> None:
        async with lane.turn(order):
            went.append(name)

    async with lane.turn(1):
        tasks = [
            asyncio.create_task(read(name, order))
            for name, order in (("x", None), ("a", 3), ("y", None), ("b", 3))
        ]
        await _settle()
    await asyncio.gather(*tasks)
    assert went == ["a", "b", "x", "y"]


async def test_a_reader_coming_straight_back_goes_before_later_updates() -> None:
    lane = Lane()
    went: list[tuple[int, str]] = []

    async def answer(order: int) -> None:
        async with lane.turn(order):
            went.append((order, "language"))
            await asyncio.sleep(0)
        async with lane.turn(order):  # no wait in between: the same update's next read
            went.append((order, "list"))
            await asyncio.sleep(0)

    await asyncio.gather(*(answer(order) for order in (1, 2, 3)))
    assert went == [
        (1, "language"),
        (1, "list"),
        (2, "language"),
        (2, "list"),
        (3, "language"),
        (3, "list"),
    ]


async def test_a_reader_that_fails_passes_the_turn_on() -> None:
    lane = Lane()
    went: list[int] = []

    async def fail() -> None:
        async with lane.turn(1):
            await asyncio.sleep(0)
            raise RuntimeError("the database went away")

    async def read() -> None:
        async with lane.turn(2):
            went.append(2)

    results = await asyncio.gather(fail(), read(), return_exceptions=True)
    assert isinstance(results[0], RuntimeError)
    assert went == [2]
    assert not lane.busy


async def test_a_waiter_cancelled_before_its_turn_is_skipped() -> None:
    lane = Lane()
    went: list[int] = []

    async def read(order: int) -> None:
        async with lane.turn(order):
            went.append(order)

    async with lane.turn(1):
        early = asyncio.create_task(read(2))
        late = asyncio.create_task(read(3))
        await _settle()
        early.cancel()
        await _settle()
    await late
    with pytest.raises(asyncio.CancelledError):
        await early
    assert went == [3]
    assert not lane.busy


async def test_a_waiter_cancelled_after_it_was_given_the_turn_passes_it_on() -> None:
    lane = Lane()
    went: list[int] = []

    async def read(order: int) -> None:
        async with lane.turn(order):
            went.append(order)

    holder = lane.turn(1)
    await holder.__aenter__()
    given = asyncio.create_task(read(2))
    after = asyncio.create_task(read(3))
    await _settle()
    await holder.__aexit__(None, None, None)
    await asyncio.sleep(0)  # the hand-on runs: the turn is given to 2, which has not run yet
    assert lane.busy
    assert lane.waiting() == 1
    given.cancel()
    await after
    with pytest.raises(asyncio.CancelledError):
        await given
    assert went == [3]
    assert not lane.busy
