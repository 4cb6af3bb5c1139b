"""A flood of invalid /token attempts leaves nothing behind: not in memory, not in the database."""

from __future__ import annotations

import dataclasses

import pytest

from bot.container import Services
from bot.errors import TokenRejected
from bot.services import tokens
from bot.services.budget import CommandBudget, UserRate
from tests.integration.chat_harness import ChatHarness

ATTEMPTS = 300


class Clock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def with_clock(services: Services, clock: Clock) -> Services:
    """The services with the per-user rate on a clock the test moves."""
    rate = UserRate(services.settings.commands_per_minute, clock=clock)
    return dataclasses.replace(services, budget=CommandBudget(rate))


async def flood(services: Services, first_user: int) -> None:
    for user in range(first_user, first_user + ATTEMPTS):
        with pytest.raises(TokenRejected):
            await tokens.save_token(services, user, f"y0_junk-token-{user:08d}")


async def leftovers(chat: ChatHarness) -> list[tuple[int, int, int]]:
    return await chat.query(
        "select (select count(*) from credentials), (select count(*) from login_slots), "
        "(select count(*) from request_counts)"
    )


async def test_junk_that_yandex_id_refuses_never_reaches_metrica_or_memory(harness: ChatHarness):
    clock = Clock()
    services = with_clock(harness.services, clock)

    await flood(services, 10_000)

    assert [r for r in harness.metrica.requests if r.path != "/info"] == []
    assert services.metrica.limiter.tracked() == 0
    assert services.budget.tracked() == {"users": 0, "fetches": 0, "lists": 0}
    assert await leftovers(harness) == [(0, 0, 0)]


async def test_junk_checked_at_metrica_is_forgotten_once_its_minute_is_over(
    harness: ChatHarness,
):
    clock = Clock()
    services = with_clock(harness.services, clock)
    harness.metrica.fail_info_next(status=503, count=ATTEMPTS + 1)  # Yandex ID is down

    await flood(services, 20_000)

    assert len(harness.metrica.requests) == 2 * ATTEMPTS  # /info, then /counters refused
    assert services.metrica.limiter.tracked() == 0  # no per-token slot is kept
    assert await leftovers(harness) == [(0, 0, 0)]  # unsaved tokens are not counted anywhere
    clock.now += 61
    with pytest.raises(TokenRejected):
        await tokens.save_token(services, 1, "y0_junk-token-last")
    assert services.budget.tracked() == {"users": 1, "fetches": 0, "lists": 0}
