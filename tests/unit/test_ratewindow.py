"""The rolling window behind the Metrica and Telegram caps, on a virtual clock.

A server counts a request when it arrives, somewhere between our start and our answer. These
tests let many workers send through one window while each request arrives after a delay, and
count arrivals in every rolling second as the server would.
"""

from __future__ import annotations

import asyncio
import heapq
import itertools
import random

import pytest

from bot.ratewindow import RateWindow


class VirtualTime:
    """A clock that jumps to the next sleeper's wake-up once every task is blocked."""

    def __init__(self) -> None:
        self.now = 0.0
        self._timers: list[tuple[float, int, asyncio.Future[None]]] = []
        self._order = itertools.count()

    def __call__(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        future: asyncio.Future[None] = asyncio.get_running_loop().create_future()
        heapq.heappush(self._timers, (self.now + max(delay, 0.0), next(self._order), future))
        await future

    async def run(self, work: asyncio.Task[None]) -> None:
        """Drive the clock until `work` is done."""
        while not work.done():
            for _ in range(20):  # let every runnable task reach its next sleep
                await asyncio.sleep(0)
            if self._timers and not work.done():
                at, _, future = heapq.heappop(self._timers)
                self.now = max(self.now, at)
                future.set_result(None)


def busiest_second(arrivals: list[float]) -> int:
    """The most arrivals in any rolling second [t - 1, t), as a server counts them."""
    ordered = sorted(arrivals)
    return max(sum(1 for other in ordered if at - 1.0 < other <= at) for at in ordered)


async def send_through(
    window: RateWindow, clock: VirtualTime, delays: list[float], *, whole: bool, workers: int = 8
) -> list[float]:
    """Send one request per delay; each arrives `delay` after its start and is answered then.

    `whole`: hold the window for the whole request (the fix); else count only its start.
    """
    queue = list(enumerate(delays))
    arrivals: list[float] = []

    async def request(delay: float) -> None:
        await clock.sleep(delay)
        arrivals.append(clock.now)

    async def worker() -> None:
        while queue:
            _, delay = queue.pop(0)
            if whole:
                async with window.slot():
                    await request(delay)
            else:
                await window.acquire()
                await request(delay)

    async def everyone() -> None:
        await asyncio.gather(*(worker() for _ in range(workers)))

    work = asyncio.create_task(everyone())
    await clock.run(work)
    await work
    return arrivals


def held_up_at_the_start(count: int) -> list[float]:
    """The fan-out's pattern: the first sends open connections and wait, the rest are quick."""
    return [0.3 if number < 8 else 0.005 for number in range(count)]


async def test_counting_only_starts_lets_held_up_requests_crowd_a_second():
    clock = VirtualTime()
    window = RateWindow(30, clock=clock, sleep=clock.sleep, spread=True)

    arrivals = await send_through(window, clock, held_up_at_the_start(120), whole=False)

    assert busiest_second(arrivals) > 30  # the 429s of the 5,000-chat fan-out


@pytest.mark.parametrize("spread", [True, False])
async def test_a_request_held_until_its_answer_never_crowds_a_second(spread: bool):
    clock = VirtualTime()
    window = RateWindow(30, clock=clock, sleep=clock.sleep, spread=spread)

    arrivals = await send_through(window, clock, held_up_at_the_start(120), whole=True)

    assert len(arrivals) == 120
    assert busiest_second(arrivals) <= 30


@pytest.mark.parametrize("seed", range(5))
async def test_random_delays_never_put_more_than_n_in_any_second(seed: int):
    rng = random.Random(seed)
    clock = VirtualTime()
    window = RateWindow(15, clock=clock, sleep=clock.sleep)
    delays = [rng.choice([0.001, 0.02, 0.2, 0.7]) for _ in range(150)]

    arrivals = await send_through(window, clock, delays, whole=True, workers=16)

    assert len(arrivals) == 150
    assert busiest_second(arrivals) <= 15


async def test_quick_answers_keep_close_to_the_full_rate():
    clock = VirtualTime()
    window = RateWindow(30, clock=clock, sleep=clock.sleep, spread=True)

    arrivals = await send_through(window, clock, [0.01] * 300, whole=True)

    rate = (len(arrivals) - 1) / (max(arrivals) - min(arrivals))
    assert 29.0 <= rate <= 30.0  # 30 / (1 + 0.01 s of latency)


async def test_a_full_window_of_running_requests_waits_for_one_to_end():
    clock = VirtualTime()
    window = RateWindow(2, clock=clock, sleep=clock.sleep)

    arrivals = await send_through(window, clock, [5.0, 5.0, 0.0], whole=True, workers=3)

    assert sorted(arrivals) == pytest.approx([5.0, 5.0, 6.0])
    assert window.counted() == 1  # the first two expired a second after their answers
