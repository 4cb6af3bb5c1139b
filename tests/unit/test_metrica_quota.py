"""Token fingerprints, the request ledger and the request limiter."""

from __future__ import annotations

import asyncio
from datetime import date

import pytest

from bot.metrica.quota import RequestLedger, RequestLimiter, token_fingerprint

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


# --- the ledger -------------------------------------------------------------------------------


def test_the_ledger_counts_per_token_and_per_day():
    ledger = RequestLedger()
    for _ in range(3):
        ledger.record("a", DAY)
    ledger.record("a", NEXT_DAY)
    ledger.record("b", DAY)
    assert (ledger.used("a", DAY), ledger.used("a", NEXT_DAY), ledger.used("b", DAY)) == (3, 1, 1)
    assert ledger.used("c", DAY) == 0


def test_drain_dirty_returns_changed_entries_with_their_full_count_once():
    ledger = RequestLedger()
    ledger.record("a", DAY)
    ledger.record("a", DAY)
    ledger.record("b", DAY)
    assert ledger.drain_dirty() == [("a", DAY, 2), ("b", DAY, 1)]
    assert ledger.drain_dirty() == []
    ledger.record("a", DAY)
    assert ledger.drain_dirty() == [("a", DAY, 3)]


def test_load_restores_counts_after_a_restart():
    ledger = RequestLedger()
    ledger.load([("a", DAY, 4000), ("b", NEXT_DAY, 7)])
    assert (ledger.used("a", DAY), ledger.used("b", NEXT_DAY)) == (4000, 7)
    assert ledger.drain_dirty() == []


def test_a_late_load_never_lowers_a_count():
    ledger = RequestLedger()
    for _ in range(5):
        ledger.record("a", DAY)
    ledger.load([("a", DAY, 2), ("b", DAY, 9)])
    assert (ledger.used("a", DAY), ledger.used("b", DAY)) == (5, 9)
    ledger.load([("a", DAY, 8)])
    assert ledger.used("a", DAY) == 8
    assert ledger.drain_dirty() == [("a", DAY, 8)]


def test_forget_before_drops_only_older_days():
    ledger = RequestLedger()
    ledger.record("a", DAY)
    ledger.record("a", NEXT_DAY)
    ledger.forget_before(NEXT_DAY)
    assert (ledger.used("a", DAY), ledger.used("a", NEXT_DAY)) == (0, 1)
    assert ledger.drain_dirty() == [("a", NEXT_DAY, 1)]


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


async def test_starts_spread_over_time_never_wait():
    clock = FakeClock()
    limiter = RequestLimiter(per_second=2, clock=clock, sleep=clock.sleep)
    for _ in range(10):
        async with limiter.slot("a"):
            clock.now += 0.5
    assert clock.sleeps == []


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
