"""python -m bot: read settings, migrate the database, build the app, run it.

Subcommands: `python -m bot` (or `run`) runs the bot; `python -m bot health` checks a running
one (bot/health.py).

Run modes (every one stops cleanly on SIGINT/SIGTERM with exit code 0, within
bot.stopping.STOP_DEADLINE):
- default: long-poll Telegram for updates, and run the monitor (poller and sender);
- WEBHOOK_URL set: receive updates on a webhook (WEBHOOK_LISTEN, WEBHOOK_PORT, WEBHOOK_SECRET);
- RECEIVE_UPDATES=false: only the monitor, for extra processes next to the one receiving updates
  (Telegram lets only one process long-poll a bot).
"""

from __future__ import annotations

import asyncio
import logging
import sys
from collections.abc import Callable, Sequence
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import InvalidToken, NetworkError

from bot import health
from bot.app import build_application
from bot.config import ConfigError, Settings, load_settings
from bot.logformat import use_log_format
from bot.logs import configure_logging
from bot.monitor.instance import instance_id
from bot.stopping import StopSignals, raise_system_exit
from bot.storage.migrate import upgrade
from bot.telegram.context import BotApplication

log = logging.getLogger("bot")


def main(argv: Sequence[str] | None = None) -> int:
    """Dispatch on the subcommand (none: run the bot)."""
    args = list(sys.argv[1:] if argv is None else argv)
    name = args[0] if args else "run"
    command = SUBCOMMANDS.get(name)
    if command is None:
        print(f"unknown command {name!r}; use one of: {', '.join(SUBCOMMANDS)}", file=sys.stderr)
        return 2
    return command(args[1:])


def run(argv: Sequence[str] = ()) -> int:
    """Run until SIGINT or SIGTERM; exit 2 with one line per problem on bad settings."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"configuration error: {problem}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, _secrets(settings))
    use_log_format(settings.log_format, instance_id())
    log.info("applying database migrations")
    upgrade(settings.effective_database_url)
    app = build_application(settings)
    try:
        _run(app, settings)
    except InvalidToken:
        log.error("Telegram refused TELEGRAM_BOT_TOKEN: check it with @BotFather")  # noqa: TRY400
        return 1
    except NetworkError as exc:
        log.error("cannot reach the Telegram Bot API at %s: %s", settings.telegram_api_url, exc)  # noqa: TRY400
        return 1
    log.info("bye")
    return 0


def _run(app: BotApplication, settings: Settings) -> None:
    """Receive updates the configured way (or not at all) until a stop signal."""
    if settings.webhook_url is not None or settings.receive_updates:
        # Our stop signals rather than PTB's: a deadline, and a second signal cannot cut the
        # clean stop short (bot/stopping.py). PTB runs on this loop.
        loop = asyncio.new_event_loop()
        asyncio.set_event_loop(loop)
        StopSignals(raise_system_exit).install(loop)
    if settings.webhook_url is not None:
        url = str(settings.webhook_url)
        log.info("receiving updates on a webhook at %s", url)
        secret = settings.webhook_secret.get_secret_value() if settings.webhook_secret else None
        app.run_webhook(
            listen=settings.webhook_listen,
            port=settings.webhook_port,
            url_path=urlsplit(url).path.lstrip("/"),
            webhook_url=url,
            secret_token=secret,
            allowed_updates=Update.ALL_TYPES,
            close_loop=False,
            stop_signals=None,
        )
    elif settings.receive_updates:
        app.run_polling(allowed_updates=Update.ALL_TYPES, close_loop=False, stop_signals=None)
    else:
        log.info("RECEIVE_UPDATES=false: running the monitor only")
        asyncio.run(_run_monitor_only(app))


async def _run_monitor_only(app: BotApplication) -> None:
    """The lifecycle run_polling gives, without asking Telegram for updates."""
    stop = asyncio.Event()
    StopSignals(stop.set).install(asyncio.get_running_loop())
    try:
        async with app:  # initialize() now, shutdown() on the way out
            if app.post_init:
                await app.post_init(app)
            await stop.wait()
            if app.post_stop:
                await app.post_stop(app)
    finally:
        if app.post_shutdown:
            await app.post_shutdown(app)


def _secrets(settings: Settings) -> list[str]:
    values = [settings.telegram_bot_token, settings.bot_secret_key, settings.webhook_secret]
    return [value.get_secret_value() for value in values if value is not None]


SUBCOMMANDS: dict[str, Callable[[Sequence[str]], int]] = {
    "run": run,
    "health": health.main,
}


if __name__ == "__main__":
    sys.exit(main())
