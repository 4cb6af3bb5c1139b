"""The commands' budget in memory: per-user rate, one fetch per key, a bounded list cache."""

from __future__ import annotations

import asyncio
from datetime import UTC, datetime, timedelta

import pytest

from bot.domain import Uploading
from bot.services.budget import FetchedList, ListCache, SingleFlight, UserRate

T0 = datetime(2026, 11, 28, 12, 0, tzinfo=UTC)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_user_gets_n_requests_in_any_minute_then_a_wait_in_seconds():
    clock = Clock()
    rate = UserRate(3, clock=clock)
    assert [rate.take(7) for _ in range(3)] == [None, None, None]
    clock.now += 20
    assert rate.take(7) == 40
    assert rate.take(8) is None  # everyone has their own minute
    clock.now += 40
    assert rate.take(7) is None


def test_users_whose_minute_is_over_are_forgotten():
    clock = Clock()
    rate = UserRate(10, clock=clock)
    for user in range(10_000):
        rate.take(user)
    assert len(rate) <= 10_000
    clock.now += 61
    rate.take(1)
    assert len(rate) == 1


def test_one_fetch_per_key_is_shared_by_everyone_asking_meanwhile():
    async def scenario() -> tuple[list[int], int]:
        flights: SingleFlight[int, int] = SingleFlight()
        started = 0
        gate = asyncio.Event()

        async def fetch() -> int:
            nonlocal started
            started += 1
            await gate.wait()
            return 42

        tasks = [asyncio.create_task(flights.run(1, fetch)) for _ in range(100)]
        await asyncio.sleep(0)
        assert len(flights) == 1
        gate.set()
        results = await asyncio.gather(*tasks)
        assert len(flights) == 0
        return results, started

    results, started = asyncio.run(scenario())
    assert results == [42] * 100
    assert started == 1


def test_a_failed_fetch_fails_everyone_waiting_and_is_forgotten():
    async def scenario() -> None:
        flights: SingleFlight[int, int] = SingleFlight()
        gate = asyncio.Event()

        async def fetch() -> int:
            await gate.wait()
            raise RuntimeError("boom")

        tasks = [asyncio.create_task(flights.run(1, fetch)) for _ in range(3)]
        await asyncio.sleep(0)
        gate.set()
        results = await asyncio.gather(*tasks, return_exceptions=True)
        assert all(isinstance(result, RuntimeError) for result in results)
        assert flights.running(1) is None

    asyncio.run(scenario())


def test_the_list_cache_keeps_the_newest_few_and_checks_the_digest():
    cache = ListCache(size=2)
    for counter in (1, 2, 3):
        cache.put(counter, FetchedList([Uploading(counter, "MATCHED")], f"d{counter}", T0))
    assert len(cache) == 2
    assert cache.get(1, "d1") is None
    assert cache.get(3, "other") is None
    found = cache.get(3, "d3")
    assert found is not None
    assert found.uploadings == [Uploading(3, "MATCHED")]
    assert cache.fetched_since(3, T0) is found
    assert cache.fetched_since(3, T0 + timedelta(seconds=1)) is None


@pytest.mark.parametrize("per_minute", [1, 10])
def test_the_wait_is_at_least_one_second(per_minute: int):
    clock = Clock()
    rate = UserRate(per_minute, clock=clock)
    for _ in range(per_minute):
        rate.take(1)
    clock.now += 59.9
    assert rate.take(1) == 1


def test_a_fetch_committed_after_a_reader_began_counts_for_that_reader():
    cache = ListCache(size=2)
    fetched = FetchedList([Uploading(1, "MATCHED")], "d1", T0)
    cache.put(1, fetched)
    began = T0 + timedelta(seconds=1)  # after Metrica answered, before the list was stored
    assert cache.fetched_since(1, began) is None

    cache.put(1, FetchedList(fetched.uploadings, "d1", T0, stored_at=T0 + timedelta(seconds=2)))

    assert cache.fetched_since(1, began) is not None
    assert cache.fetched_since(1, T0 + timedelta(seconds=3)) is None
