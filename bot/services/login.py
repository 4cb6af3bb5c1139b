"""/login and /logout: start a device-code login, and log out (revoke at Yandex, forget here).

/login asks Yandex OAuth for a code pair and keeps the pending login in the database, where
the background job (bot.services.login_poll) finds it, even after a restart. The device id
sent to Yandex is stable per user and app (Yandex keeps at most 30 device tokens per user and
kills the oldest: a new id per login would waste them), and says nothing about the user.
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass

from bot.clock import utc_now
from bot.container import Services
from bot.crypto import UnreadableToken
from bot.errors import LoginDisabled, LoginUnavailable, YandexBusy
from bot.oauth_schedule import PollSchedule
from bot.services.tokens import delete_token
from bot.storage.credentials import CredentialRepository
from bot.storage.device_logins import DeviceLoginRepository
from bot.views import TokenDeleted
from bot.yandex_oauth import OAuthClient, OAuthClientRefused, OAuthError

log = logging.getLogger(__name__)
DEVICE_NAME = "Metrica calls Telegram bot"


@dataclass(frozen=True, slots=True)
class LoginStarted:
    """What the user is shown: the code to type, where, and for how long."""

    login_id: int
    user_code: str
    verification_url: str
    minutes: int


class _Once:
    """Logs the operator-facing error about the OAuth app once per process."""

    told = False

    def operator_error(self, error: OAuthError) -> None:
        """Log it the first time only: every user's login fails the same way."""
        if not self.told:
            self.told = True
            log.error(
                "Yandex OAuth refuses the app YANDEX_CLIENT_ID (%s): /login fails for everyone "
                "until the app is fixed (moderation, blocked app, or a wrong "
                "YANDEX_CLIENT_SECRET)",
                error,
            )


OPERATOR = _Once()


def oauth_client(services: Services) -> OAuthClient:
    """The OAuth client; LoginDisabled when the operator registered no app."""
    if services.oauth is None:
        raise LoginDisabled
    return services.oauth


def device_id(client_id: str, user_id: int) -> str:
    """A stable per-user device id (40 hex digits) that does not reveal the user id."""
    return hashlib.sha256(f"{client_id}:{user_id}".encode()).hexdigest()[:40]


async def start_login(services: Services, user_id: int, chat_id: int, lang: str) -> LoginStarted:
    """A new code pair for the user, kept as their one pending login (replacing any other)."""
    oauth = oauth_client(services)
    client_id = services.settings.yandex_client_id or ""
    try:
        code = await oauth.device_code(device_id(client_id, user_id), DEVICE_NAME)
    except OAuthClientRefused as exc:
        OPERATOR.operator_error(exc)
        raise LoginUnavailable from None
    except OAuthError as exc:
        log.warning("Yandex OAuth did not give a code: %s", exc)
        raise YandexBusy from None
    schedule = PollSchedule.start(utc_now(), code.interval, code.expires_in)
    async with services.sessions.begin() as session:
        login_id = await DeviceLoginRepository(session, services.cipher).replace(
            user_id, code.device_code, code.user_code, chat_id=chat_id, language=lang,
            schedule=schedule,
        )  # fmt: skip
    minutes = max(1, round(code.expires_in / 60))
    return LoginStarted(login_id, code.user_code, code.verification_url, minutes)


async def show_login_in(services: Services, login_id: int, message_id: int) -> None:
    """Remember the message that shows the code: it is edited when the login ends."""
    async with services.sessions.begin() as session:
        await DeviceLoginRepository(session).set_message(login_id, message_id)


async def logout(services: Services, user_id: int, user_name: str) -> TokenDeleted:
    """Revoke the token at Yandex (whatever the answer), then forget it like /token delete."""
    async with services.sessions.begin() as session:
        await DeviceLoginRepository(session).cancel(user_id)
        credentials = CredentialRepository(session, services.cipher)
        credential = await credentials.for_user(user_id)
        token = None
        if credential is not None and credentials.readable(credential):
            try:
                token = credentials.token(credential)
            except UnreadableToken:
                token = None
    if token is not None and services.oauth is not None:
        try:
            await services.oauth.revoke(token)
        except OAuthError as exc:
            # A pasted token cannot be revoked by the app; forgetting it is the logout then.
            log.info("Yandex did not revoke user %s's token: %s", user_id, exc)
    return await delete_token(services, user_id, user_name)
