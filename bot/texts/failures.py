"""Service errors as one short sentence in the chat's language (pure)."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import datetime

from bot.errors import (
    AdminsOnly,
    AnonymousSender,
    CallsFileRejected,
    CounterNotFound,
    LinkSuspended,
    LoginDisabled,
    LoginUnavailable,
    MetricaBusy,
    MetricaRefused,
    NoAccess,
    NoCounters,
    NoSubscriptions,
    NotLinked,
    NoToken,
    NotSubscribed,
    QuotaNearlySpent,
    QuotaUsedUp,
    ServiceError,
    SeveralCounters,
    TargetOnlyInPrivate,
    TargetProblem,
    TokenRejected,
    TokenRevoked,
    TokenUnreadable,
    TooManyRequests,
    UploadingNotFound,
    UploadNotAllowed,
    YandexBusy,
)
from bot.texts import Html, t
from bot.texts.markup import truncate
from bot.texts.render_upload import render_csv_problems

_KEYS: dict[type[ServiceError], str] = {
    NoToken: "err_no_token",
    TokenRevoked: "err_token_revoked",
    TokenRejected: "err_token_rejected",
    TokenUnreadable: "err_token_unreadable",
    NoAccess: "err_no_access",
    CounterNotFound: "err_counter_not_found",
    UploadingNotFound: "err_uploading_not_found",
    MetricaBusy: "err_busy",
    QuotaUsedUp: "err_quota",
    MetricaRefused: "err_refused",
    NotLinked: "err_not_linked",
    LinkSuspended: "err_link_suspended",
    QuotaNearlySpent: "err_quota_low",
    TooManyRequests: "err_too_many",
    NoCounters: "err_no_counters",
    NotSubscribed: "err_not_subscribed",
    NoSubscriptions: "err_no_subscriptions",
    AdminsOnly: "err_admins_only",
    AnonymousSender: "err_anonymous",
    TargetOnlyInPrivate: "err_target_private_only",
    LoginDisabled: "err_login_disabled",
    LoginUnavailable: "err_login_unavailable",
    YandexBusy: "err_yandex_busy",
    UploadNotAllowed: "err_upload_scope",
    SeveralCounters: "err_several_counters",
}
_ATTRIBUTES = (
    ("counter_id", "counter"),
    ("uploading_id", "uploading"),
    ("minutes", "minutes"),
    ("chat", "chat"),
    ("seconds", "seconds"),
)
REASON_LIMIT = 200


def failure_text(lang: str, error: ServiceError, names: Mapping[str, Html], where: Html) -> Html:
    """The sentence for an error; `where` names the chat it is about ('here', 'in “X”')."""
    if isinstance(error, CallsFileRejected):
        return render_csv_problems(lang, error.problems, error.more, names)
    if isinstance(error, TargetProblem):
        key = f"err_target_{error.reason}"
    else:
        key = _KEYS.get(type(error), "error_internal")
    return t(lang, key, **{**names, "where": where, **_params(error)})


def _params(error: ServiceError) -> dict[str, object]:
    """Template values an error carries."""
    params = {
        name: getattr(error, attribute)
        for attribute, name in _ATTRIBUTES
        if hasattr(error, attribute)
    }
    if isinstance(error, QuotaUsedUp | QuotaNearlySpent):
        params["time"] = _clock(error.resets_at)
    if isinstance(error, SeveralCounters):
        params["counters"] = ", ".join(str(counter_id) for counter_id in error.counter_ids)
    if isinstance(error, MetricaRefused):
        params["reason"] = truncate(error.reason, REASON_LIMIT)
    return params


def _clock(moment: datetime | None) -> str:
    """'00:00' (the daily quota resets at midnight UTC)."""
    return moment.strftime("%H:%M") if moment else "00:00"
