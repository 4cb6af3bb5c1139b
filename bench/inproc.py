"""The bot's own parts, built in this process the way bot.app builds them, for measuring.

`bot_services` is `bot.app.build_services` with the bench's settings; `unthrottled` swaps in a
Metrica limiter without the 30-requests-a-second per-IP cap (the 3-in-flight per token stays),
to see how fast the bot itself can go. Logging is configured as `python -m bot` does (INFO,
redacted), into a file, because a production bot pays for its log lines too.
"""

from __future__ import annotations

import dataclasses
import logging
import tempfile
from pathlib import Path

from bench.common import BOT_TOKEN, SECRET_KEY
from bot.app import build_services
from bot.config import Settings, load_settings
from bot.container import Services
from bot.logs import configure_logging
from bot.metrica import MemoryGate, MetricaClient, RequestLimiter

UNTHROTTLED_PER_SECOND = 1_000_000


def bot_settings(database_url: str, metrica_url: str, **overrides: object) -> Settings:
    """Settings as the environment would give them, pointing at the fakes."""
    data_dir = Path(tempfile.mkdtemp(prefix="bench-bot-"))
    values: dict[str, object] = {
        "telegram_bot_token": BOT_TOKEN,
        "telegram_api_url": "http://127.0.0.1:9",
        "metrica_api_url": metrica_url,
        "database_url": database_url,
        "bot_secret_key": SECRET_KEY,
        "data_dir": data_dir,
        "log_level": "INFO",
    }
    return load_settings(**(values | overrides))


def bot_services(
    settings: Settings, *, unthrottled: bool = False, memory_gate: bool = False
) -> Services:
    """The bot's services; optionally without the per-IP requests-per-second cap, and (to
    see what the database gate costs) with the per-login gate kept in memory instead."""
    services = build_services(settings)
    if not (unthrottled or memory_gate):
        return services
    limiter = RequestLimiter(per_second=UNTHROTTLED_PER_SECOND) if unthrottled else RequestLimiter()
    gate = MemoryGate(services.allowance) if memory_gate else services.gate
    metrica = MetricaClient(services.http, limiter=limiter, gate=gate)
    return dataclasses.replace(services, metrica=metrica, gate=gate)


def log_to_file(settings: Settings) -> Path:
    """Configure logging like `python -m bot`, but into a file; returns its path."""
    configure_logging(settings.log_level, [BOT_TOKEN, SECRET_KEY])
    path = settings.data_dir / "bot.log"
    handler = logging.getLogger().handlers[0]
    assert isinstance(handler, logging.StreamHandler)
    handler.setStream(path.open("a", encoding="utf-8"))
    return path
