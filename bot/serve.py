"""Running the application until a stop signal: long polling, a webhook, or the monitor only.

PTB's run_polling/run_webhook turn a stop signal into SystemExit raised from whatever the event
loop is running at that moment. A signal during start-up (setWebhook in flight, the webhook
server starting) left the half-run start-up task on the loop, and shutting down then failed with
"Event loop stopped before Future completed" (exit code 1, leases kept until they expired).
Here a signal only records the request: start-up finishes the step it is in, skips the rest,
and the one clean stop runs, whenever the signal came (even before the loop existed).
"""

from __future__ import annotations

import asyncio
import logging
import signal
from types import FrameType
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import TelegramError

from bot.config import Settings
from bot.crypto import load_or_create_webhook_secret
from bot.telegram.context import BotApplication

log = logging.getLogger("bot")

STOP_SIGNALS = (signal.SIGINT, signal.SIGTERM)


class StopSignal:
    """SIGINT and SIGTERM from main()'s first line on: a flag until the loop runs, then an event."""

    def __init__(self) -> None:
        self._requested = False
        self._event: asyncio.Event | None = None

    @property
    def requested(self) -> bool:
        """Whether a stop signal has arrived."""
        return self._requested or (self._event is not None and self._event.is_set())

    def install(self) -> None:
        """Catch the signals before anything else runs (migrations included: they finish)."""
        for signum in STOP_SIGNALS:
            signal.signal(signum, self._early)

    def _early(self, signum: int, frame: FrameType | None) -> None:
        self._requested = True

    def attach(self, loop: asyncio.AbstractEventLoop) -> asyncio.Event:
        """From now on a signal sets the returned event (set already if one came before)."""
        self._event = asyncio.Event()
        for signum in STOP_SIGNALS:
            loop.add_signal_handler(signum, self._event.set)
        if self._requested:
            self._event.set()
        return self._event


def webhook_secret(settings: Settings) -> str | None:
    """WEBHOOK_SECRET, else the one generated and kept in DATA_DIR; None without a webhook."""
    if settings.webhook_url is None:
        return None
    if settings.webhook_secret is not None:
        return settings.webhook_secret.get_secret_value()
    return load_or_create_webhook_secret(settings.data_dir)


async def serve(
    app: BotApplication, settings: Settings, stop: StopSignal, *, secret: str | None = None
) -> None:
    """Start, run until a stop signal, stop cleanly; start-up errors propagate after the stop."""
    stopping = stop.attach(asyncio.get_running_loop())
    try:
        if await _start(app, settings, stopping, secret):
            await stopping.wait()
        log.info("stop signal received: shutting down")
    finally:
        await _stop(app)


async def _start(
    app: BotApplication, settings: Settings, stopping: asyncio.Event, secret: str | None
) -> bool:
    """Each step of start-up unless a stop came meanwhile; whether it got through them all."""
    await app.initialize()
    if stopping.is_set():
        return False
    if app.post_init:
        await app.post_init(app)  # the monitor starts here
    if stopping.is_set():
        return False
    if not await _start_receiving(app, settings, secret):
        return True
    if stopping.is_set():
        return False
    await app.start()
    return True


async def _start_receiving(app: BotApplication, settings: Settings, secret: str | None) -> bool:
    """Ask Telegram for updates the configured way; False when this process receives none."""
    updater = app.updater
    if updater is None or not settings.receive_updates:
        log.info("RECEIVE_UPDATES=false: running the monitor only")
        return False
    if settings.webhook_url is None:
        await updater.start_polling(
            allowed_updates=Update.ALL_TYPES, error_callback=lambda exc: _polling_error(app, exc)
        )
        return True
    url = str(settings.webhook_url)
    logging.getLogger("tornado.access").addFilter(RefusedWebhookRequests())
    log.info("receiving updates on a webhook at %s", url)
    await updater.start_webhook(
        listen=settings.webhook_listen,
        port=settings.webhook_port,
        url_path=urlsplit(url).path.lstrip("/"),
        webhook_url=url,
        secret_token=secret,
        allowed_updates=Update.ALL_TYPES,
    )
    return True


def _polling_error(app: BotApplication, error: TelegramError) -> None:
    """A failed getUpdates goes to the error handler, as run_polling does it."""
    app.create_task(app.process_error(error=error, update=None))


async def _stop(app: BotApplication) -> None:
    """Whatever part of start-up ran is undone, in reverse order; leases are released."""
    if app.updater is not None and app.updater.running:
        await app.updater.stop()
    if app.running:
        await app.stop()
    if app.post_stop:
        await app.post_stop(app)  # stops the monitor, which releases its leases
    await app.shutdown()
    if app.post_shutdown:
        await app.post_shutdown(app)


class RefusedWebhookRequests(logging.Filter):
    """Says why the webhook answered 403 (tornado logs only '403 POST /path (ip)')."""

    def filter(self, record: logging.LogRecord) -> bool:
        """Reword tornado's access line of a refused request; other lines pass as they are."""
        args = record.args
        if isinstance(args, tuple) and len(args) >= 2 and args[0] == 403:
            record.msg = (
                "webhook: refused %s: no or wrong X-Telegram-Bot-Api-Secret-Token "
                "(or not JSON): not from Telegram"
            )
            record.args = (args[1],)
        return True
