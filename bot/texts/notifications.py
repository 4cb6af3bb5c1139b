"""Notifications of the monitor, rendered purely: changes, stuck warnings, paused polling."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from bot.domain import Change, ChangeKind, PauseReason, Status, Uploading
from bot.texts import Html, t
from bot.texts.markup import format_time, number, split_blocks
from bot.texts.status import status_label


def counter_ref(lang: str, counter_id: int, name: str) -> Html:
    """'<b>Shop</b> (12345)', or just the id when the counter has no name."""
    if not name:
        return t(lang, "notify_counter_id", id=counter_id)
    return t(lang, "notify_counter_ref", name=name, id=counter_id)


def render_changes(lang: str, counter_id: int, name: str, changes: Sequence[Change]) -> list[Html]:
    """One message (or several, each under Telegram's limit) about a counter's changes."""
    header = t(lang, "notify_header", counter=counter_ref(lang, counter_id, name))
    return split_blocks(header, [render_change(lang, change) for change in changes])


def render_change(lang: str, change: Change) -> Html:
    """One change: what happened, which uploading, and for final statuses the numbers."""
    uploading = change.uploading
    ref = t(lang, "notify_uploading", id=uploading.id)
    new = status_label(lang, uploading.status)
    if change.kind is ChangeKind.NEW:
        lines = [t(lang, "notify_new", uploading=ref, status=new)]
    elif change.kind is ChangeKind.STUCK:
        lines = [t(lang, "notify_stuck", uploading=ref, status=new)]
    else:
        old = status_label(lang, change.old_status or "")
        lines = [t(lang, "notify_status", uploading=ref, old=old, new=new)]
    lines += _details(lang, uploading)
    if change.kind is not ChangeKind.STUCK:
        lines += _outcome(lang, uploading)
    return Html("\n".join(lines))


def _details(lang: str, uploading: Uploading) -> list[Html]:
    """The comment and the creation time, when Metrica gave them."""
    lines: list[Html] = []
    if uploading.comment:
        lines.append(t(lang, "notify_comment", comment=uploading.comment))
    if uploading.create_time is not None:
        lines.append(t(lang, "notify_created", created=format_time(uploading.create_time)))
    return lines


def _outcome(lang: str, uploading: Uploading) -> list[Html]:
    """For a final status: rows and calls, why linkage fails, and a warning for all-invalid."""
    if not uploading.is_final:
        return []
    lines = [
        t(
            lang,
            "notify_numbers",
            valid=number(uploading.line_quantity),
            total=number(uploading.source_quantity),
            static=number(uploading.static_calls_quantity),
            dynamic=number(uploading.dynamic_calls_quantity),
        )
    ]
    if uploading.all_rows_invalid:
        lines.append(t(lang, "notify_all_rows_invalid"))
    if uploading.status == Status.LINKAGE_FAILURE:
        lines.append(t(lang, "notify_linkage_hint"))
    return lines


def render_token_deleted(lang: str, user: str, counter_ids: Sequence[int]) -> Html:
    """To a chat whose counters were linked with a token its owner deleted."""
    counters = ", ".join(str(counter_id) for counter_id in counter_ids)
    return t(lang, "token_deleted_notice", user=user, counters=counters)


def render_token_owner(lang: str, login: str | None) -> Html:
    """To the owner of a token Metrica refused."""
    who = t(lang, "notify_login", login=login) if login else Html("")
    return t(lang, "notify_token_owner", login=who)


def render_token_chat(lang: str, counters: Sequence[tuple[int, str]]) -> Html:
    """To a chat whose counters were linked with a token Metrica refused."""
    return t(lang, "notify_token_chat", counters=_counter_list(lang, counters))


def render_link_denied(lang: str, counters: Sequence[tuple[int, str]]) -> Html:
    """To a chat whose link's token can no longer see the counter."""
    return t(lang, "notify_link_denied", counters=_counter_list(lang, counters))


def render_access_owner(lang: str, login: str | None, counters: Sequence[tuple[int, str]]) -> Html:
    """To the owner of a token that can no longer see a counter they linked."""
    who = t(lang, "notify_login", login=login) if login else Html("")
    return t(lang, "notify_access_owner", login=who, counters=_counter_list(lang, counters))


def render_links_resumed(lang: str, counters: Sequence[tuple[int, str]]) -> Html:
    """To a chat whose suspended links live again (their owner saved a valid token)."""
    return t(lang, "notify_links_resumed", counters=_counter_list(lang, counters))


def render_quota(lang: str, counters: Sequence[tuple[int, str]], resets_at: datetime) -> Html:
    """To a chat whose counters wait for the daily quota to reset."""
    listed = _counter_list(lang, counters)
    return t(lang, "notify_quota", counters=listed, resets=format_time(resets_at))


def render_counter_paused(lang: str, counter_id: int, name: str, reason: PauseReason) -> Html:
    """To a chat whose counter vanished (GONE) or is no longer visible (ACCESS)."""
    key = "notify_counter_gone" if reason is PauseReason.GONE else "notify_counter_denied"
    return t(lang, key, counter=counter_ref(lang, counter_id, name))


def _counter_list(lang: str, counters: Sequence[tuple[int, str]]) -> Html:
    return Html(", ".join(counter_ref(lang, cid, name) for cid, name in counters))
