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
from urllib.parse import urlsplit

from telegram import Update
from telegram.error import TelegramError

from bot.config import Settings
from bot.crypto import load_or_create_webhook_secret
from bot.stopping import StopSignal
from bot.telegram.context import BotApplication

log = logging.getLogger("bot")


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
    WebhookRefusals.install()
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


# PTB's messages for the two refusals, and how the warning words each.
_REFUSALS = {
    "Request did not include the secret token": "without the",
    "Request had the wrong secret token: %s": "with a wrong",
}


class WebhookRefusals(logging.Filter):
    """PTB notes a request without the right secret token only at DEBUG: say it as a warning.

    It sits on PTB's webhook logger, which is opened to DEBUG for these two lines; its other
    lines pass only at the level the bot logs at.
    """

    LOGGER = "telegram.ext.Updater"

    def __init__(self, level: int) -> None:
        super().__init__()
        self._level = level

    @classmethod
    def install(cls) -> None:
        """Attach to PTB's webhook logger (once per process)."""
        logger = logging.getLogger(cls.LOGGER)
        if not any(isinstance(known, cls) for known in logger.filters):
            logger.addFilter(cls(logging.getLogger().getEffectiveLevel()))
            logger.setLevel(logging.DEBUG)

    def filter(self, record: logging.LogRecord) -> bool:
        """Reword a refusal as a warning; let other lines through at the bot's level."""
        kind = _REFUSALS.get(record.msg) if isinstance(record.msg, str) else None
        if kind is None:
            return record.levelno >= self._level
        record.msg = f"webhook: refused a request {kind} secret token: not from Telegram (403)"
        record.args = None
        record.levelno, record.levelname = logging.WARNING, "WARNING"
        return True
