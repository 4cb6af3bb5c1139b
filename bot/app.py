"""The one place that builds the application: settings in, a ready PTB Application out."""

from __future__ import annotations

import logging
from functools import partial

import httpx
from telegram.ext import ApplicationBuilder, ContextTypes

from bot.config import Settings
from bot.container import Services
from bot.crypto import TokenCipher, load_or_create_keys
from bot.logs import remember_secret
from bot.metrica import Allowance, MetricaClient, RequestLimiter, create_http_client
from bot.metrics import MetricsEndpoint
from bot.monitor.logins import LoginJobs
from bot.monitor.runner import Monitor
from bot.ratewindow import RateWindow
from bot.services.budget import CommandBudget, UserRate
from bot.services.quota_gate import DatabaseGate
from bot.storage.db import create_engine, create_read_session_factory, create_session_factory
from bot.telegram.commands_login import show_ended
from bot.telegram.context import BotApplication, BotContext, BotData
from bot.telegram.handlers import register_handlers
from bot.telegram.menu import set_command_menu, set_descriptions
from bot.telegram.pace import MessagePace
from bot.yandex_login import LoginClient, create_login_http
from bot.yandex_oauth import OAuthClient, create_oauth_http

log = logging.getLogger(__name__)

CONCURRENT_UPDATES = 16


def build_services(
    settings: Settings, *, metrica_transport: httpx.AsyncBaseTransport | None = None
) -> Services:
    """The shared collaborators: database, cipher, Metrica and Yandex ID clients, budgets."""
    keys = load_or_create_keys(settings.secret_keys, settings.data_dir)
    engine = create_engine(settings.effective_database_url)
    sessions = create_session_factory(engine)
    http = create_http_client(str(settings.metrica_api_url), transport=metrica_transport)
    login_http = create_login_http(str(settings.login_api_url))
    allowance = Allowance(settings.daily_quota, settings.quota_share)
    gate = DatabaseGate(sessions, allowance)
    oauth_http, oauth = _oauth(settings)
    limiter = RequestLimiter(per_second=settings.metrica_requests_per_second)
    return Services(
        settings=settings,
        engine=engine,
        sessions=sessions,
        reads=create_read_session_factory(engine),
        cipher=TokenCipher(keys, seen=remember_secret),
        http=http,
        metrica=MetricaClient(http, limiter=limiter, gate=gate),
        login_http=login_http,
        login=LoginClient(login_http),
        allowance=allowance,
        gate=gate,
        budget=CommandBudget(UserRate(settings.commands_per_minute)),
        oauth_http=oauth_http,
        oauth=oauth,
    )


def _oauth(settings: Settings) -> tuple[httpx.AsyncClient | None, OAuthClient | None]:
    """The Yandex OAuth client for /login, when the operator registered an app."""
    if settings.yandex_client_id is None or settings.yandex_client_secret is None:
        return None, None
    http = create_oauth_http(str(settings.oauth_api_url))
    secret = settings.yandex_client_secret.get_secret_value()
    return http, OAuthClient(http, settings.yandex_client_id, secret, seen=remember_secret)


def build_application(
    settings: Settings, *, metrica_transport: httpx.AsyncBaseTransport | None = None
) -> BotApplication:
    """The bot with its handlers and background jobs, owning the services' lifecycle."""
    services = build_services(settings, metrica_transport=metrica_transport)
    lifecycle = _Lifecycle(services)
    app: BotApplication = (
        ApplicationBuilder()
        .token(settings.telegram_bot_token.get_secret_value())
        .base_url(settings.telegram_base_url)
        .base_file_url(settings.telegram_file_url)
        .context_types(ContextTypes(context=BotContext, bot_data=BotData))
        # Not more: replies from memory are CPU work on one loop, and with many at once the
        # first answers wait for all the others' (BENCHMARKS.md §9).
        .concurrent_updates(CONCURRENT_UPDATES)
        .rate_limiter(MessagePace(RateWindow(settings.telegram_messages_per_second)))
        .post_init(lifecycle.started)
        .post_stop(lifecycle.stopping)
        .post_shutdown(lifecycle.stopped)
        .build()
    )
    app.bot_data.services = services
    register_handlers(app)
    return app


class _Lifecycle:
    """What runs beside the handlers: the monitor, started after PTB and stopped before it."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._monitor: Monitor | None = None
        self._logins: LoginJobs | None = None
        self._metrics = MetricsEndpoint(services)

    async def started(self, app: BotApplication) -> None:
        log.info("started as @%s", app.bot.username)
        await self._metrics.start()
        await set_command_menu(app.bot)
        await set_descriptions(app.bot)
        if self._monitor is None:
            self._monitor = Monitor(self._services, app.bot)
            await self._monitor.start()
        if self._logins is None and self._services.oauth is not None:
            show = partial(show_ended, app.bot)
            self._logins = LoginJobs(self._services, show, self._monitor.send_pump.wake)
            self._logins.start()

    async def stopping(self, app: BotApplication) -> None:
        # Before shutdown closes the bot's HTTP client, so no notification is cut off mid-send.
        logins, self._logins = self._logins, None
        if logins is not None:
            await logins.stop()
        monitor, self._monitor = self._monitor, None
        if monitor is not None:
            await monitor.stop()

    async def stopped(self, app: BotApplication) -> None:
        await self.stopping(app)
        await self._metrics.stop()
        await self._services.http.aclose()
        await self._services.login_http.aclose()
        if self._services.oauth_http is not None:
            await self._services.oauth_http.aclose()
        await self._services.gate.close()
        await self._services.engine.dispose()
        log.info("stopped: HTTP client and database closed")
