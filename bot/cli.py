"""What python -m bot does once stop signals are caught: the subcommands, and running the bot.

Run modes (every one stops cleanly on SIGINT/SIGTERM with exit code 0, even during start-up):
- default: long-poll Telegram for updates, and run the monitor (poller and sender);
- WEBHOOK_URL set: receive updates on a webhook (WEBHOOK_LISTEN, WEBHOOK_PORT; requests must
  carry WEBHOOK_SECRET, or the secret generated into DATA_DIR);
- RECEIVE_UPDATES=false: only the monitor, for extra processes next to the one receiving updates
  (Telegram lets only one process long-poll a bot).

`python -m bot rotate-key` re-encrypts every stored token with the first BOT_SECRET_KEY;
`python -m bot health` checks a running bot (bot/health.py).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable, Sequence

from telegram.error import InvalidToken, NetworkError

from bot import health
from bot.app import build_application
from bot.config import ConfigError, Settings, load_settings
from bot.crypto import split_keys
from bot.logformat import use_log_format
from bot.logs import configure_logging
from bot.monitor.instance import instance_id
from bot.serve import serve, webhook_secret
from bot.services.keys import rotate_keys
from bot.stopping import StopSignal
from bot.storage.migrate import upgrade

log = logging.getLogger("bot")


def main(args: Sequence[str], stop: StopSignal) -> int:
    """Dispatch on the subcommand (none: run the bot)."""
    name = args[0] if args else "run"
    command = SUBCOMMANDS.get(name)
    if command is None:
        print(f"unknown command {name!r}; use one of: {', '.join(SUBCOMMANDS)}", file=sys.stderr)
        return 2
    return command(args[1:], stop)


def run(args: Sequence[str], stop: StopSignal, *, rotate: bool = False) -> int:
    """Run until SIGINT or SIGTERM; exit 2 with one line per problem on bad settings."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"configuration error: {problem}", file=sys.stderr)
        return 2
    redactor = configure_logging(settings.log_level, _secrets(settings))
    use_log_format(settings.log_format, instance_id())
    log.info("applying database migrations")
    upgrade(settings.effective_database_url)
    if rotate:
        return asyncio.run(rotate_keys(settings))
    if stop.requested:
        log.info("stop signal received during start-up: not starting")
        return 0
    secret = webhook_secret(settings)
    redactor.add(secret)
    return _run(settings, stop, secret)


def _run(settings: Settings, stop: StopSignal, secret: str | None) -> int:
    """Serve until a stop signal; 1 when Telegram cannot be reached or refuses the token."""
    app = build_application(settings)
    try:
        asyncio.run(serve(app, settings, stop, secret=secret))
    except InvalidToken:
        log.error("Telegram refused TELEGRAM_BOT_TOKEN: check it with @BotFather")  # noqa: TRY400
        return 1
    except NetworkError as exc:
        log.error("cannot reach the Telegram Bot API at %s: %s", settings.telegram_api_url, exc)  # noqa: TRY400
        return 1
    log.info("bye")
    return 0


def rotate_key(args: Sequence[str], stop: StopSignal) -> int:
    """Re-encrypt every stored token with the first BOT_SECRET_KEY."""
    return run(args, stop, rotate=True)


def check_health(args: Sequence[str], stop: StopSignal) -> int:
    """Whether the bot running beside this command is healthy (bot/health.py)."""
    return health.main(args)


SUBCOMMANDS: dict[str, Callable[[Sequence[str], StopSignal], int]] = {
    "run": run,
    "health": check_health,
    "rotate-key": rotate_key,
}


def _secrets(settings: Settings) -> list[str]:
    """What the logs must never print, known before anything runs."""
    found = [settings.telegram_bot_token.get_secret_value()]
    if settings.bot_secret_key is not None:
        keys = settings.bot_secret_key.get_secret_value()
        found += [keys, *split_keys(keys)]
    if settings.webhook_secret is not None:
        found.append(settings.webhook_secret.get_secret_value())
    if settings.yandex_client_secret is not None:
        found.append(settings.yandex_client_secret.get_secret_value())
    return found
