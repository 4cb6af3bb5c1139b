"""python -m bot: read settings, migrate the database, build the app, run it."""

from __future__ import annotations

import logging
import sys

from telegram import Update
from telegram.error import InvalidToken, NetworkError

from bot.app import build_application
from bot.config import ConfigError, Settings, load_settings
from bot.logs import configure_logging
from bot.storage.migrate import upgrade

log = logging.getLogger("bot")


def main() -> int:
    """Run until SIGINT or SIGTERM; exit 2 with one line per problem on bad settings."""
    try:
        settings = load_settings()
    except ConfigError as exc:
        for problem in exc.problems:
            print(f"configuration error: {problem}", file=sys.stderr)
        return 2
    configure_logging(settings.log_level, _secrets(settings))
    log.info("applying database migrations")
    upgrade(settings.effective_database_url)
    app = build_application(settings)
    try:
        app.run_polling(allowed_updates=Update.ALL_TYPES, close_loop=False)
    except InvalidToken:
        log.error("Telegram refused TELEGRAM_BOT_TOKEN: check it with @BotFather")  # noqa: TRY400
        return 1
    except NetworkError as exc:
        log.error("cannot reach the Telegram Bot API at %s: %s", settings.telegram_api_url, exc)  # noqa: TRY400
        return 1
    log.info("bye")
    return 0


def _secrets(settings: Settings) -> list[str]:
    values = [settings.telegram_bot_token, settings.bot_secret_key, settings.webhook_secret]
    return [value.get_secret_value() for value in values if value is not None]


if __name__ == "__main__":
    sys.exit(main())
