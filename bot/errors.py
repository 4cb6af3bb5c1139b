"""Why a use case could not be done: small exceptions the chat interface turns into one sentence.

ServiceError
 ├── NoToken            the user has no Yandex token saved
 ├── TokenRevoked       Metrica refuses the saved token (marked invalid)
 ├── TokenRejected      Metrica refused a token just sent with /token
 ├── TokenUnreadable    the saved token cannot be decrypted with BOT_SECRET_KEY: save it again
 ├── NoAccess           the token may not see this counter
 ├── CounterNotFound    Metrica knows no such counter
 ├── UploadingNotFound  the counter has no such uploading
 ├── MetricaBusy        Metrica or the network failed for now: try again in N minutes
 ├── QuotaUsedUp        the token's daily quota is spent until 00:00 UTC
 ├── QuotaNearlySpent   the login's reserve for commands is spent until 00:00 UTC
 ├── TooManyRequests    this user asked Metrica COMMANDS_PER_MINUTE times: wait N seconds
 ├── MetricaRefused     Metrica refused the request for another reason
 ├── UploadNotAllowed   the user's token may read but not upload (no metrika:offline_data)
 ├── CallsFileRejected  the /upload CSV breaks the rules (problems: line, column, why)
 ├── SeveralCounters    /upload without a counter where several are linked
 ├── NotLinked          the counter is not linked to this chat
 ├── LinkSuspended      the chat's link to the counter is suspended (its token stopped working)
 ├── NoCounters         no counter is linked to this chat
 ├── NotSubscribed      this chat is not subscribed to the counter
 ├── NoSubscriptions    this chat is not subscribed to anything
 ├── AdminsOnly         only the chat's admins may do that
 ├── AnonymousSender    the sender posted as the chat, so their token is unknown
 ├── TargetOnlyInPrivate  a chat argument works only from a private chat
 ├── TargetProblem      the chat to manage cannot be used (reason: not_found, not_group, ...)
 ├── LoginDisabled      /login: the operator set no YANDEX_CLIENT_ID
 ├── LoginUnavailable   /login: Yandex refuses the operator's app (blocked, in moderation)
 └── YandexBusy         /login: Yandex OAuth failed for now
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.calls_csv import Problem


class ServiceError(Exception):
    """A use case failed for a reason the user can act on."""


class NoToken(ServiceError):
    """The user has no Yandex token saved."""


class TokenRevoked(ServiceError):
    """Metrica no longer accepts the saved token."""


class TokenRejected(ServiceError):
    """Metrica refused the token the user just sent."""


class TokenUnreadable(ServiceError):
    """No configured key decrypts the saved token (the key was lost or replaced)."""


class CounterError(ServiceError):
    """A failure about one counter."""

    def __init__(self, counter_id: int) -> None:
        super().__init__(counter_id)
        self.counter_id = counter_id


class NoAccess(CounterError):
    """The token may not see this counter."""


class CounterNotFound(CounterError):
    """Metrica knows no such counter."""


class NotLinked(CounterError):
    """The counter is not linked to this chat."""


class LinkSuspended(CounterError):
    """The chat's link is suspended: its token was refused, deleted or lost access."""


class NotSubscribed(CounterError):
    """The chat is not subscribed to the counter."""


class UploadingNotFound(CounterError):
    """The counter has no such uploading."""

    def __init__(self, counter_id: int, uploading_id: int) -> None:
        super().__init__(counter_id)
        self.uploading_id = uploading_id


class MetricaBusy(ServiceError):
    """Metrica or the network failed for now."""

    def __init__(self, minutes: int) -> None:
        super().__init__(minutes)
        self.minutes = minutes


class QuotaUsedUp(ServiceError):
    """The daily request quota is spent."""

    def __init__(self, resets_at: datetime | None) -> None:
        super().__init__(resets_at)
        self.resets_at = resets_at


class QuotaNearlySpent(ServiceError):
    """The login's requests for commands are spent today; the rest is the monitor's."""

    def __init__(self, resets_at: datetime | None) -> None:
        super().__init__(resets_at)
        self.resets_at = resets_at


class TooManyRequests(ServiceError):
    """The user reached COMMANDS_PER_MINUTE requests to Metrica in the last minute."""

    def __init__(self, seconds: int) -> None:
        super().__init__(seconds)
        self.seconds = seconds


class MetricaRefused(ServiceError):
    """Metrica refused the request; `reason` is its message."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class UploadNotAllowed(ServiceError):
    """Metrica refused the upload with 403: the token lacks metrika:offline_data / write."""


class CallsFileRejected(ServiceError):
    """The calls CSV breaks the rules; `problems` (bot.calls_csv.Problem) say where and why."""

    def __init__(self, problems: Sequence[Problem], more: int = 0) -> None:
        super().__init__(len(problems), more)
        self.problems = tuple(problems)
        self.more = more


class SeveralCounters(ServiceError):
    """Several counters are linked and the command did not name one."""

    def __init__(self, counter_ids: Sequence[int]) -> None:
        super().__init__(tuple(counter_ids))
        self.counter_ids = tuple(counter_ids)


class NoCounters(ServiceError):
    """No counter is linked to the chat."""


class NoSubscriptions(ServiceError):
    """The chat is not subscribed to any counter."""


class AdminsOnly(ServiceError):
    """Only the chat's admins may do that."""


class AnonymousSender(ServiceError):
    """The message was posted on behalf of a chat, so there is no user token to use."""

    def __init__(self, chat: str) -> None:
        super().__init__(chat)
        self.chat = chat


class TargetOnlyInPrivate(ServiceError):
    """Another chat can be named only from a private chat with the bot."""


class TargetProblem(ServiceError):
    """The chat named as the target cannot be managed from here."""

    def __init__(self, reason: str, chat: str) -> None:
        super().__init__(reason, chat)
        self.reason = reason
        self.chat = chat


class LoginDisabled(ServiceError):
    """The operator has not enabled /login (no Yandex OAuth app configured)."""


class LoginUnavailable(ServiceError):
    """Yandex refuses the operator's OAuth app: /login cannot work until the operator acts."""


class YandexBusy(ServiceError):
    """Yandex OAuth or the network failed for now."""
