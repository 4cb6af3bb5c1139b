"""Prometheus metrics: counted where things happen, served at METRICS_PORT (unset: not served).

Counters and the histogram belong to this process (Prometheus labels each process's series
with its own `instance`). The gauges read from the database (outbox, leases, quota used today)
describe the whole deployment, so every process reports the same values: aggregate them with
max(). They are refreshed every COLLECT_SECONDS. README lists every series with sample alerts.
"""

from __future__ import annotations

import asyncio
import functools
import logging
import time
from collections.abc import Awaitable, Callable, Coroutine
from typing import TYPE_CHECKING, Any, ParamSpec, TypeVar
from wsgiref.simple_server import WSGIServer

from prometheus_client import CollectorRegistry, Counter, Gauge, Histogram, start_http_server

from bot.clock import utc_now
from bot.metrica.errors import MetricaError
from bot.metrica.quota import FINGERPRINT_PREFIX
from bot.monitor.pump import cancel_task, every
from bot.storage.stats import StatsRepository

if TYPE_CHECKING:  # bot.container imports the Metrica client, which imports this module
    from bot.container import Services

log = logging.getLogger(__name__)

COLLECT_SECONDS = 10.0
REGISTRY = CollectorRegistry()

POLLS = Counter(
    "metrica_bot_polls",
    "Counter polls by outcome: ok, lease_lost, retry, paused, quota, revoked, denied, released",
    ["outcome"],
    registry=REGISTRY,
)
METRICA_REQUESTS = Counter(
    "metrica_bot_metrica_requests",
    "Metrica API requests by HTTP status (none: no answer) and error type (empty: success)",
    ["status", "error"],
    registry=REGISTRY,
)
QUOTA_USED = Gauge(
    "metrica_bot_quota_used_today",
    "Metrica requests counted today (UTC) per login, by every process",
    ["login"],
    registry=REGISTRY,
)
QUOTA_LIMIT = Gauge(
    "metrica_bot_quota_daily_limit",
    "DAILY_QUOTA: Metrica requests per login per day",
    registry=REGISTRY,
)
OUTBOX_PENDING = Gauge(
    "metrica_bot_outbox_pending", "Notifications queued and not yet sent", registry=REGISTRY
)
OUTBOX_OLDEST = Gauge(
    "metrica_bot_outbox_oldest_pending_age_seconds",
    "Age of the oldest notification not yet sent (0 when none)",
    registry=REGISTRY,
)
LEASES = Gauge(
    "metrica_bot_pending_leases",
    "Unexpired leases held by any process, on counters and on messages",
    ["kind"],
    registry=REGISTRY,
)
MESSAGES_SENT = Counter(
    "metrica_bot_messages_sent",
    "Telegram messages the sender delivered (one may carry several notifications)",
    registry=REGISTRY,
)
NOTIFICATIONS_SENT = Counter(
    "metrica_bot_notifications_sent", "Outbox notifications delivered", registry=REGISTRY
)
FLOOD_WAITS = Counter(
    "metrica_bot_telegram_429",
    "Telegram 429 (flood limit) answers, to notifications or to command replies",
    ["source"],
    registry=REGISTRY,
)
COMMAND_SECONDS = Histogram(
    "metrica_bot_command_duration_seconds",
    "Time to handle a command, reply included",
    ["command"],
    buckets=(0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 30.0),
    registry=REGISTRY,
)

T = TypeVar("T")
P = ParamSpec("P")

# Series that exist from the start at 0, so rate() and alerts see them before the first event.
POLL_OUTCOMES = ("ok", "lease_lost", "retry", "paused", "quota", "revoked", "denied", "released")
for _outcome in POLL_OUTCOMES:
    POLLS.labels(outcome=_outcome)
for _source in ("notification", "reply"):
    FLOOD_WAITS.labels(source=_source)


def poll_outcome(outcome: str) -> None:
    """One counter poll ended this way."""
    POLLS.labels(outcome=outcome).inc()


async def metrica_request(request: Awaitable[T]) -> T:
    """Await one Metrica HTTP attempt, counting its status and error type."""
    try:
        result = await request
    except MetricaError as error:
        status = str(error.status_code) if error.status_code is not None else "none"
        METRICA_REQUESTS.labels(status, error.error_type or type(error).__name__).inc()
        raise
    METRICA_REQUESTS.labels("200", "").inc()
    return result


def notifications_sent(count: int) -> None:
    """One Telegram message carrying `count` outbox notifications was delivered."""
    MESSAGES_SENT.inc()
    NOTIFICATIONS_SENT.inc(count)


def flood_wait(source: str) -> None:
    """Telegram answered 429 to a `notification` or a `reply`."""
    FLOOD_WAITS.labels(source=source).inc()


def timed_command(
    name: str, callback: Callable[P, Coroutine[Any, Any, None]]
) -> Callable[P, Coroutine[Any, Any, None]]:
    """The callback, its duration observed under `command=name`."""

    @functools.wraps(callback)
    async def timed(*args: P.args, **kwargs: P.kwargs) -> None:
        started = time.perf_counter()
        try:
            await callback(*args, **kwargs)
        finally:
            COMMAND_SECONDS.labels(command=name).observe(time.perf_counter() - started)

    return timed


def login_label(quota_key: str) -> str:
    """The gauge's label for a quota key: the login, or the start of an unknown one's token."""
    if quota_key.startswith(FINGERPRINT_PREFIX):
        return f"token-{quota_key.removeprefix(FINGERPRINT_PREFIX)[:8]}"
    return quota_key


class MetricsEndpoint:
    """The HTTP endpoint and the collector of database gauges, while the bot runs."""

    def __init__(self, services: Services) -> None:
        self._services = services
        self._server: WSGIServer | None = None
        self._collector: asyncio.Task[None] | None = None

    async def start(self) -> None:
        """Serve /metrics on METRICS_LISTEN:METRICS_PORT (when set) and refresh the gauges."""
        settings = self._services.settings
        if settings.metrics_port is None or self._server is not None:
            return
        QUOTA_LIMIT.set(settings.daily_quota)
        try:
            self._server, _ = start_http_server(
                settings.metrics_port, addr=settings.metrics_listen, registry=REGISTRY
            )
        except OSError as exc:
            log.error("metrics are off: cannot listen on METRICS_PORT: %s", exc)  # noqa: TRY400
            return
        self._collector = asyncio.create_task(
            every(COLLECT_SECONDS, self.collect, name="metrics"), name="metrics"
        )
        log.info("metrics at http://%s:%d/metrics", settings.metrics_listen, settings.metrics_port)

    async def collect(self) -> None:
        """Read the outbox, the leases and today's request counts into the gauges."""
        now = utc_now()
        async with self._services.reads() as session:  # reads only: no SQLite write lock
            stats = StatsRepository(session)
            outbox = await stats.outbox()
            leases = await stats.leases(now)
            requests = await stats.requests_today(now.date())
        OUTBOX_PENDING.set(outbox.pending)
        OUTBOX_OLDEST.set((now - outbox.oldest).total_seconds() if outbox.oldest else 0.0)
        for kind, held in leases.items():
            LEASES.labels(kind=kind).set(held)
        QUOTA_USED.clear()  # a new day, a deleted token: no stale series
        for key, used in requests.items():
            QUOTA_USED.labels(login=login_label(key)).set(used)

    async def stop(self) -> None:
        """Stop the collector and the HTTP server."""
        collector, self._collector = self._collector, None
        if collector is not None:
            await cancel_task(collector)
        server, self._server = self._server, None
        if server is not None:
            await asyncio.to_thread(server.shutdown)
            server.server_close()
