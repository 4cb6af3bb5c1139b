"""The background side of /login: poll each pending login until it ends, then store the token.

A login ends when Yandex hands out the tokens (stored exactly as /token stores a token: links
resumed, login learned, counters offered), on a final error (denied, expired, the app
refused), or at the code's deadline. Until then each poll reschedules it per PollSchedule.
"""

from __future__ import annotations

import enum
import logging
from dataclasses import dataclass, field
from datetime import datetime, timedelta

from bot.clock import utc_now
from bot.container import Services
from bot.crypto import UnreadableToken
from bot.errors import ServiceError
from bot.oauth_schedule import PollSchedule, refresh_at
from bot.services.login import OPERATOR
from bot.services.tokens import store_token
from bot.storage.credentials import Renewal
from bot.storage.device_logins import DeviceLoginRepository, PendingLogin
from bot.views import CounterView
from bot.yandex_oauth import (
    OAuthBadRequest,
    OAuthClientRefused,
    OAuthError,
    OAuthGrantFailed,
    OAuthPending,
    OAuthSlowDown,
    TokenPair,
    missing_scopes,
)

log = logging.getLogger(__name__)


class Failure(enum.Enum):
    """Why a login ended without a token."""

    DENIED = "denied"  # the user pressed "deny"
    EXPIRED = "expired"  # the code's lifetime ended, or Yandex calls it invalid
    UNAVAILABLE = "unavailable"  # Yandex refuses the operator's app
    ERROR = "error"  # something else: a bug, an unreadable code


@dataclass(frozen=True, slots=True)
class Connected:
    """The token is stored: whose it is, what it sees, which rights were not granted."""

    login: str | None
    counters: list[CounterView]
    missing_scopes: list[str] = field(default_factory=list)


@dataclass(frozen=True, slots=True)
class Ended:
    """A finished login and how it ended (to edit its message)."""

    login: PendingLogin
    outcome: Connected | Failure | ServiceError


async def claim_logins(services: Services, limit: int) -> list[PendingLogin]:
    """Pending logins due for a poll, claimed by this process for one lease."""
    lease = timedelta(seconds=services.settings.lease_seconds)
    async with services.sessions.begin() as session:
        return await DeviceLoginRepository(session).claim_due(utc_now(), lease, limit)


async def poll_login(services: Services, pending: PendingLogin) -> Ended | None:
    """One poll; the end of the login, or None while it goes on (or was replaced)."""
    now = utc_now()
    if services.oauth is None:
        return None
    if pending.schedule.expired(now):
        return await _end(services, pending, Failure.EXPIRED)
    try:
        device_code = services.cipher.decrypt(pending.device_code)
    except UnreadableToken:
        return await _end(services, pending, Failure.ERROR)
    try:
        pair = await services.oauth.poll(device_code)
    except OAuthError as exc:
        return await _after_error(services, pending, exc, now)
    if not await _finish(services, pending):
        return None  # replaced by a newer /login meanwhile: that one is shown
    return Ended(pending, await _store(services, pending.user_id, pair, now))


async def _after_error(
    services: Services, pending: PendingLogin, error: OAuthError, now: datetime
) -> Ended | None:
    """Wait longer, or end the login, as the error says."""
    schedule = pending.schedule
    if isinstance(error, OAuthPending):
        await _reschedule(services, pending, schedule.after_pending(now))
        return None
    if isinstance(error, OAuthSlowDown):
        await _reschedule(services, pending, schedule.after_slow_down(now))
        return None
    if isinstance(error, OAuthGrantFailed):
        denied = error.code == "access_denied"
        return await _end(services, pending, Failure.DENIED if denied else Failure.EXPIRED)
    if isinstance(error, OAuthClientRefused):
        OPERATOR.operator_error(error)
        return await _end(services, pending, Failure.UNAVAILABLE)
    if isinstance(error, OAuthBadRequest):
        log.error("Yandex OAuth calls our token poll malformed: %s", error)
        return await _end(services, pending, Failure.ERROR)
    log.debug("polling a login failed for now: %s", error)
    await _reschedule(services, pending, schedule.after_failure(now))
    return None


async def _reschedule(services: Services, pending: PendingLogin, schedule: PollSchedule) -> None:
    async with services.sessions.begin() as session:
        await DeviceLoginRepository(session).reschedule(pending.id, schedule)


async def _end(services: Services, pending: PendingLogin, failure: Failure) -> Ended | None:
    """Drop the login; its end is shown unless a newer /login replaced it."""
    return Ended(pending, failure) if await _finish(services, pending) else None


async def _finish(services: Services, pending: PendingLogin) -> bool:
    async with services.sessions.begin() as session:
        return await DeviceLoginRepository(session).finish(pending.id)


async def _store(
    services: Services, user_id: int, pair: TokenPair, now: datetime
) -> Connected | ServiceError:
    """Store the tokens as /token does; the counters they see, or why not."""
    renewal = None
    if pair.refresh_token is not None:
        expires_at = now + timedelta(seconds=pair.expires_in) if pair.expires_in else None
        renewal = Renewal(pair.refresh_token, expires_at, refresh_at(now, pair.expires_in))
    try:
        login, counters = await store_token(services, user_id, pair.access_token, renewal)
    except ServiceError as error:
        return error
    return Connected(login, counters, missing_scopes(pair.scopes))
