"""The background loop: one bad item never stops the others, and it stops when told."""

from __future__ import annotations

import asyncio

import pytest

from bot.monitor.pump import Pump, every


async def test_a_failing_item_does_not_stop_the_others():
    done: list[int] = []
    batches = [[1, 2, 3]]

    async def claim(free: int) -> list[int]:
        return batches.pop() if batches else []

    async def work(item: int) -> None:
        if item == 2:
            raise RuntimeError("one counter is broken")
        done.append(item)

    pump: Pump[int] = Pump("test", claim=claim, work=work, concurrency=5, interval=10)

    assert await pump.run_once() == 3
    assert sorted(done) == [1, 3]


async def test_a_slow_item_does_not_hold_up_claiming_more():
    release, fast_done = asyncio.Event(), asyncio.Event()
    done: list[int] = []
    batches = [[2], [1]]

    async def claim(free: int) -> list[int]:
        return batches.pop() if batches else []

    async def work(item: int) -> None:
        if item == 1:
            await release.wait()
        done.append(item)
        if item == 2:
            fast_done.set()

    pump: Pump[int] = Pump("test", claim=claim, work=work, concurrency=2, interval=0.01)
    pump.start()
    async with asyncio.timeout(2):
        await fast_done.wait()
    release.set()
    await pump.stop(grace=1)

    assert done == [2, 1]


async def test_claiming_is_limited_to_the_free_slots():
    asked: list[int] = []
    hold = asyncio.Event()

    async def claim(free: int) -> list[int]:
        asked.append(free)
        return list(range(free))

    async def work(item: int) -> None:
        await hold.wait()

    pump: Pump[int] = Pump("test", claim=claim, work=work, concurrency=3, interval=0.01)
    pump.start()
    await asyncio.sleep(0.1)
    await pump.stop(grace=0)

    assert asked == [3]


async def test_a_failing_claim_is_retried_on_the_next_interval():
    calls = 0
    recovered = asyncio.Event()

    async def claim(free: int) -> list[int]:
        nonlocal calls
        calls += 1
        if calls == 1:
            raise ConnectionError("database restarting")
        recovered.set()
        return []

    async def work(item: int) -> None:
        pass

    pump: Pump[int] = Pump("test", claim=claim, work=work, concurrency=1, interval=0.01)
    pump.start()
    async with asyncio.timeout(2):
        await recovered.wait()
    await pump.stop(grace=0)


async def test_wake_ends_the_sleep_early():
    calls = 0

    async def claim(free: int) -> list[int]:
        nonlocal calls
        calls += 1
        return []

    async def work(item: int) -> None:
        pass

    pump: Pump[int] = Pump("test", claim=claim, work=work, concurrency=1, interval=3600)
    pump.start()
    await asyncio.sleep(0.05)
    pump.wake()
    await asyncio.sleep(0.05)
    await pump.stop(grace=0)

    assert calls == 2


async def test_stop_cancels_work_that_outlives_the_grace_period():
    cancelled = asyncio.Event()

    async def claim(free: int) -> list[int]:
        return [1] if free else []

    async def work(item: int) -> None:
        try:
            await asyncio.sleep(3600)
        except asyncio.CancelledError:
            cancelled.set()
            raise

    pump: Pump[int] = Pump("test", claim=claim, work=work, concurrency=1, interval=3600)
    pump.start()
    await asyncio.sleep(0.05)
    await pump.stop(grace=0.01)

    assert cancelled.is_set()


async def test_stop_cancels_a_cleanup_that_would_outlast_the_deadline_too():
    # A cancelled poll gives its parallel slot back in a `finally`: a write that can wait
    # for a database lock held elsewhere (30 s busy timeout), past the stop's deadline.
    lock_held_elsewhere = asyncio.Event()
    cleanup_cancelled = asyncio.Event()

    async def claim(free: int) -> list[int]:
        return [1] if free else []

    async def work(item: int) -> None:
        try:
            await asyncio.sleep(3600)
        finally:
            try:
                await lock_held_elsewhere.wait()
            except asyncio.CancelledError:
                cleanup_cancelled.set()
                raise

    pump: Pump[int] = Pump("test", claim=claim, work=work, concurrency=1, interval=3600)
    pump.start()
    await asyncio.sleep(0.05)
    async with asyncio.timeout(60):  # without the second cancellation: forever
        await pump.stop(grace=0, cleanup=0.01)

    assert cleanup_cancelled.is_set()


async def test_a_periodic_job_survives_its_failures_and_stops_on_cancel():
    runs = 0

    async def job() -> None:
        nonlocal runs
        runs += 1
        raise RuntimeError("flaky")

    task = asyncio.create_task(every(0.01, job, name="test"))
    await asyncio.sleep(0.1)
    task.cancel()
    with pytest.raises(asyncio.CancelledError):
        await task

    assert runs >= 3


async def test_claims_wait_until_a_batch_of_slots_is_free():
    claimed: list[int] = []
    a_claim, finished = asyncio.Event(), asyncio.Event()
    gates = {item: asyncio.Event() for item in range(4)}
    supply = iter(range(100))

    async def claim(free: int) -> list[int]:
        claimed.append(free)
        a_claim.set()
        return [next(supply) for _ in range(free)]

    async def work(item: int) -> None:
        if item in gates:
            await gates[item].wait()
            finished.set()

    pump: Pump[int] = Pump("test", claim=claim, work=work, concurrency=4, interval=3600, batch=2)
    pump.start()
    try:
        await asyncio.wait_for(a_claim.wait(), 5)
        a_claim.clear()
        gates[0].set()  # one slot frees: not yet a batch
        await asyncio.wait_for(finished.wait(), 5)
        for _ in range(20):  # let the woken loop run its turn
            await asyncio.sleep(0)
        assert claimed == [4]
        gates[1].set()  # a second: both free slots are claimed at once
        await asyncio.wait_for(a_claim.wait(), 5)
        assert claimed[:2] == [4, 2]
    finally:
        for gate in gates.values():
            gate.set()
        await pump.stop(1)
