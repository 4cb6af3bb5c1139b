"""Benchmark 7: memory after a flood of invalid /token attempts (it must stay flat).

    .venv/bin/python -m bench.junk_tokens [--quick]

N invalid tokens (10,000; 2,000 with --quick) go through the bot's own /token use case
(`bot.services.tokens.save_token`), each from a different user, against the fake Metrica
over HTTP, served from another process so its request log is not counted (it also answers
Yandex ID's /info), in two cases: Yandex ID refuses the token (401: it never reaches
Metrica), and Yandex ID is down (the token is checked at Metrica, which refuses it: the
per-token limiter and the user's rate window see it). Memory is Python's own (tracemalloc,
after gc) and the process's RSS, before the flood (after a warm-up of 200), right after it,
and once the per-user minute has passed (the rate window's clock is moved on).
"""

from __future__ import annotations

import asyncio
import contextlib
import dataclasses
import gc
import tracemalloc
from typing import Any

from bench.common import banner, parser, rss_mb, table
from bench.fakes import RemoteFake
from bench.inproc import bot_services, bot_settings
from bench.seed import database
from bot.container import Services
from bot.errors import ServiceError
from bot.services import tokens
from bot.services.budget import CommandBudget, UserRate

WARMUP = 200


class Clock:
    """The rate window's clock, moved on by hand."""

    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


def python_kb() -> float:
    gc.collect()
    return tracemalloc.get_traced_memory()[0] / 1024


async def flood(services: Services, first_user: int, count: int) -> None:
    for user in range(first_user, first_user + count):
        with contextlib.suppress(ServiceError):
            await tokens.save_token(services, user, f"y0_junk-token-{user:09d}")


async def one_case(url: str, metrica: RemoteFake, attempts: int, *, info_down: bool) -> list[Any]:
    clock = Clock()
    settings = bot_settings(url, metrica.url, login_api_url=metrica.url)
    services = bot_services(settings)
    rate = UserRate(settings.commands_per_minute, clock=clock)
    services = dataclasses.replace(services, budget=CommandBudget(rate))
    if info_down:
        metrica.call("fail_info_next", status=503, count=attempts + WARMUP + 10)
    try:
        await flood(services, 1_000_000, WARMUP)
        clock.now += 61
        await flood(services, 1_500_000, 1)
        before, rss_before = python_kb(), rss_mb()
        await flood(services, 2_000_000, attempts)
        after, rss_after = python_kb(), rss_mb()
        kept = dict(services.budget.tracked(), keys=services.metrica.limiter.tracked())
        clock.now += 61
        await flood(services, 3_000_000, 1)
        later = python_kb()
        kept_later = dict(services.budget.tracked(), keys=services.metrica.limiter.tracked())
    finally:
        await services.http.aclose()
        await services.login_http.aclose()
        await services.engine.dispose()
    case = "Yandex ID down, Metrica refuses" if info_down else "Yandex ID refuses (401)"
    return [
        case,
        attempts,
        f"{after - before:+.1f}",
        f"{later - before:+.1f}",
        f"{rss_after - rss_before:+.1f}",
        _kept(kept),
        _kept(kept_later),
    ]


def _kept(tracked: dict[str, int]) -> str:
    return ", ".join(f"{name} {count}" for name, count in tracked.items())


def main() -> None:
    args = parser("Memory after a flood of invalid /token attempts.").parse_args()
    attempts = 2_000 if args.quick else 10_000
    banner("bench.junk_tokens: memory after a flood of invalid /token attempts", args)
    rows = []
    tracemalloc.start()
    for info_down in (False, True):
        # The fake serves from another process: its own request log is not the bot's memory.
        metrica = RemoteFake("fakes.metrica.FakeMetrica").start()
        try:
            with database("sqlite") as url:
                rows.append(asyncio.run(one_case(url, metrica, attempts, info_down=info_down)))
        finally:
            metrica.stop()
    tracemalloc.stop()
    table(
        f"{attempts:,} invalid /token attempts, each from another user",
        [
            "case",
            "attempts",
            "Python heap, right after (KB)",
            "a minute later (KB)",
            "RSS right after (MB)",
            "kept right after",
            "kept a minute later",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
