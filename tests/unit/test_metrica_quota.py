"""Token fingerprints, quota keys, allowances, the in-memory gate and the request limiter."""

from __future__ import annotations

import asyncio
from datetime import UTC, date, datetime

import pytest

from bot.metrica import AllowanceSpent, Unavailable
from bot.metrica.gate import Allowance, Caller, MemoryGate, RequestKind
from bot.metrica.quota import RequestLimiter, quota_key, token_fingerprint

DAY = date(2024, 5, 17)
NEXT_DAY = date(2024, 5, 18)


class FakeClock:
    """A monotonic clock that only moves when told to or when someone sleeps."""

    def __init__(self) -> None:
        self.now = 100.0
        self.sleeps: list[float] = []

    def __call__(self) -> float:
        return self.now

    async def sleep(self, delay: float) -> None:
        self.sleeps.append(delay)
        self.now += delay


# --- fingerprints -----------------------------------------------------------------------------


def test_a_fingerprint_is_32_hex_chars_and_stable():
    fingerprint = token_fingerprint("y0_secret")
    assert len(fingerprint) == 32
    assert int(fingerprint, 16) >= 0
    assert fingerprint == token_fingerprint("y0_secret")


def test_different_tokens_have_different_fingerprints_that_do_not_contain_them():
    first, second = token_fingerprint("y0_secret"), token_fingerprint("y0_secreT")
    assert first != second
    assert "secret" not in first
    # sha256("abc"), a published test vector
    assert token_fingerprint("abc") == "ba7816bf8f01cfea414140de5dae2223"


# --- quota keys, allowances and the in-memory gate --------------------------------------------


def test_a_login_is_the_quota_key_else_the_tokens_fingerprint():
    assert quota_key("Anna.Petrova", "f" * 32) == "anna.petrova"
    assert quota_key(None, "f" * 32) == "fp:" + "f" * 32
    assert quota_key("", "abc") == "fp:abc"


def test_the_allowance_splits_the_day_between_the_monitor_and_commands():
    allowance = Allowance(5000, 0.8)
    assert (allowance.monitor, allowance.command) == (4000, 1000)
    assert allowance.limit(RequestKind.MONITOR) == 4000
    assert Allowance(10, 1.0).command == 0
    assert Allowance(3, 0.5).monitor == 1  # rounded down: never over the share


async def test_the_gate_refuses_a_kind_past_its_limit_without_touching_the_other():
    gate = MemoryGate(Allowance(5, 0.6))
    monitor, command = Caller("anna", RequestKind.MONITOR), Caller("anna", RequestKind.COMMAND)
    for _ in range(3):
        await gate.release(await gate.acquire(monitor, DAY))
    with pytest.raises(AllowanceSpent) as refused:
        await gate.acquire(monitor, DAY)
    assert refused.value.daily
    assert refused.value.resets_at == datetime(2024, 5, 18, tzinfo=UTC)
    await gate.release(await gate.acquire(command, DAY))
    assert (gate.used("anna", DAY), gate.used("anna", DAY, RequestKind.COMMAND)) == (3, 1)
    await gate.release(await gate.acquire(monitor, NEXT_DAY))  # a new day, a new allowance


async def test_the_gate_keeps_three_in_flight_per_login_and_forgets_idle_logins():
    gate = MemoryGate(Allowance(100, 0.8))
    caller = Caller("anna", RequestKind.MONITOR)
    tickets = [await gate.acquire(caller, DAY) for _ in range(3)]
    with pytest.raises(Unavailable):
        await gate.acquire(caller, DAY)
    await gate.release(await gate.acquire(Caller("boris", RequestKind.MONITOR), DAY))
    for ticket in tickets:
        await gate.release(ticket)
    assert gate.in_flight == {}


async def test_metricas_daily_refusal_spends_both_allowances_of_the_login():
    gate = MemoryGate(Allowance(100, 0.8))
    await gate.spent("anna", DAY)
    for kind in RequestKind:
        with pytest.raises(AllowanceSpent):
            await gate.acquire(Caller("anna", kind), DAY)


# --- the limiter ------------------------------------------------------------------------------


async def test_a_token_gets_at_most_its_parallel_slots_and_others_are_not_blocked():
    limiter = RequestLimiter(per_token=3)
    gate = asyncio.Event()

    async def hold(fingerprint: str) -> None:
        async with limiter.slot(fingerprint):
            await gate.wait()

    tasks = [asyncio.create_task(hold("a")) for _ in range(5)]
    for _ in range(10):
        await asyncio.sleep(0)
    assert limiter.in_flight("a") == 3
    async with asyncio.timeout(1), limiter.slot("b"):
        assert limiter.in_flight("b") == 1
    gate.set()
    await asyncio.gather(*tasks)
    assert (limiter.in_flight("a"), limiter.in_flight("b")) == (0, 0)


async def test_a_slot_is_released_when_the_request_fails():
    limiter = RequestLimiter(per_token=1)
    with pytest.raises(RuntimeError):
        async with limiter.slot("a"):
            raise RuntimeError("boom")
    assert limiter.in_flight("a") == 0
    async with asyncio.timeout(1), limiter.slot("a"):
        assert limiter.in_flight("a") == 1


async def test_starts_beyond_the_per_second_cap_wait_for_the_window_to_slide():
    clock = FakeClock()
    limiter = RequestLimiter(per_second=30, clock=clock, sleep=clock.sleep)
    for i in range(30):
        async with limiter.slot(f"token-{i % 4}"):
            pass
    assert clock.sleeps == []
    clock.now += 0.25
    async with limiter.slot("token-x"):
        pass
    assert clock.sleeps == [pytest.approx(0.75)]
    assert clock.now == pytest.approx(101.0)


async def test_requests_spread_over_time_never_wait():
    clock = FakeClock()
    limiter = RequestLimiter(per_second=2, clock=clock, sleep=clock.sleep)
    for _ in range(10):
        async with limiter.slot("a"):
            clock.now += 0.1
        clock.now += 0.5
    assert clock.sleeps == []


async def test_a_request_counts_until_a_second_after_its_answer():
    clock = FakeClock()
    limiter = RequestLimiter(per_second=2, clock=clock, sleep=clock.sleep)
    for _ in range(3):
        async with limiter.slot("a"):
            clock.now += 0.5
    # The second ended at 101.0: the third waits until the first's answer is a second old.
    assert clock.sleeps == [pytest.approx(0.5)]


async def test_a_burst_is_paced_to_the_per_second_cap():
    clock = FakeClock()
    limiter = RequestLimiter(per_second=2, clock=clock, sleep=clock.sleep)
    starts: list[float] = []
    for _ in range(6):
        async with limiter.slot("a"):
            starts.append(clock.now)
    assert starts == pytest.approx([100.0, 100.0, 101.0, 101.0, 102.0, 102.0])


@pytest.mark.parametrize(("per_token", "per_second"), [(0, 30), (3, 0)])
def test_limits_must_be_positive(per_token, per_second):
    with pytest.raises(ValueError, match="positive"):
        RequestLimiter(per_token=per_token, per_second=per_second)


async def test_a_key_is_forgotten_once_nobody_uses_or_awaits_it():
    limiter = RequestLimiter(per_token=1, per_second=1000)  # the per-second cap is not the point
    for number in range(1000):
        async with limiter.slot(f"junk-{number}"):
            assert limiter.tracked() == 1
    assert limiter.tracked() == 0
    gate = asyncio.Event()

    async def hold() -> None:
        async with limiter.slot("a"):
            await gate.wait()

    tasks = [asyncio.create_task(hold()) for _ in range(3)]  # one runs, two wait
    for _ in range(10):
        await asyncio.sleep(0)
    assert limiter.tracked() == 1
    gate.set()
    await asyncio.gather(*tasks)
    assert limiter.tracked() == 0
