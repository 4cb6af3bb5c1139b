"""The monitor in-process against the fake servers, over real HTTP, with a fake clock."""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from pathlib import Path

from bot.app import build_services
from bot.clock import utc_now
from bot.config import Settings, load_settings
from bot.container import Services
from bot.metrica import MetricaClient, RequestLimiter, RetryPolicy, create_http_client
from bot.monitor.poller import Poller

BOT_TOKEN = "123456:TEST-token"
SECRET_KEY = "QbT4iFUASe7WFL2JFASCDJhuRA4Sj1fYu7sHPC6pccg="


class FakeClock:
    """UTC time that moves only when the test says so."""

    def __init__(self, start: datetime | None = None) -> None:
        self.now = (start or datetime.now(UTC)).replace(microsecond=0)

    def __call__(self) -> datetime:
        return self.now

    def advance(self, seconds: float) -> None:
        """Move the clock forward."""
        self.now += timedelta(seconds=seconds)


def monitor_settings(
    database_url: str,
    data_dir: Path,
    *,
    metrica_url: str,
    telegram_url: str = "http://127.0.0.1:9",
    **overrides: object,
) -> Settings:
    """Settings for an in-process monitor talking to the fakes."""
    values: dict[str, object] = {
        "telegram_bot_token": BOT_TOKEN,
        "telegram_api_url": telegram_url,
        "metrica_api_url": metrica_url,
        "login_api_url": metrica_url,
        "database_url": database_url,
        "bot_secret_key": SECRET_KEY,
        "data_dir": data_dir,
        "poll_interval_seconds": 60,
        "idle_poll_interval_seconds": 600,
        **overrides,
    }
    return load_settings(**values)


async def fast_services(
    settings: Settings,
    *,
    http_timeout: float = 2.0,
    now: Callable[[], datetime] = utc_now,
) -> Services:
    """The bot's services, with a Metrica client that fails fast (one attempt, short timeout).

    `now` is the client's clock: which UTC day its requests count against.
    """
    services = build_services(settings)
    await services.http.aclose()
    http = create_http_client(str(settings.metrica_api_url), timeout=http_timeout)
    metrica = MetricaClient(
        http, limiter=RequestLimiter(), gate=services.gate, retry=RetryPolicy(attempts=1), now=now
    )
    return replace(services, http=http, metrica=metrica)


async def close_services(services: Services) -> None:
    """Close what build_services opened."""
    await services.http.aclose()
    await services.login_http.aclose()
    await services.gate.close()
    await services.engine.dispose()


async def run_pass(poller: Poller, limit: int = 100) -> list[int]:
    """Claim every due counter and poll them all concurrently; the polled counter ids."""
    jobs = await poller.claim(limit)
    await asyncio.gather(*(poller.poll(job) for job in jobs))
    return sorted(job.counter_id for job in jobs)
