"""Notifications of the monitor, rendered purely: changes, stuck warnings, paused polling."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from bot.domain import Change, ChangeKind, PauseReason, Status, Uploading
from bot.texts import Html, t
from bot.texts.markup import (
    MESSAGE_LIMIT,
    format_time,
    number,
    split_list,
    split_message,
    telegram_length,
)
from bot.texts.status import status_label

METRICA_COUNTER_URL = "https://metrika.yandex.ru/dashboard?id={id}"


@dataclass(frozen=True, slots=True)
class Notice:
    """One message about a counter's changes and the uploadings it tells about, in order."""

    text: Html
    uploading_ids: tuple[int, ...]


def counter_ref(lang: str, counter_id: int, name: str) -> Html:
    """'<b>Shop</b> (12345)', or just the id when the counter has no name."""
    if not name:
        return t(lang, "notify_counter_id", id=counter_id)
    return t(lang, "notify_counter_ref", name=name, id=counter_id)


def topic_ref(lang: str, thread_id: int, name: str | None) -> Html:
    """'the topic “Calls”', or 'topic 7' when Telegram never told its name."""
    if name:
        return t(lang, "topic_named", name=name)
    return t(lang, "topic_numbered", id=thread_id)


def render_topic_gone(lang: str, thread_id: int, name: str | None) -> Html:
    """Above a notification that could not go to its deleted or closed forum topic."""
    return t(lang, "notify_topic_gone", topic=topic_ref(lang, thread_id, name))


def render_changes(lang: str, counter_id: int, name: str, changes: Sequence[Change]) -> list[Html]:
    """One message (or several, each under Telegram's limit) about a counter's changes."""
    return [notice.text for notice in render_notices(lang, counter_id, name, changes)]


def render_notices(
    lang: str, counter_id: int, name: str, changes: Sequence[Change]
) -> list[Notice]:
    """The changes in messages that fit, the header on each; a final status links to Metrica."""
    header = t(lang, "notify_header", counter=counter_ref(lang, counter_id, name))
    link = t(lang, "notify_metrica_link", metrica_link=METRICA_COUNTER_URL.format(id=counter_id))
    # Lengths add up block by block (UTF-16 units, 2 for each blank line between blocks).
    room = MESSAGE_LIMIT - telegram_length(header) - 2 - telegram_length(link)
    groups: list[list[tuple[Change, Html]]] = [[]]
    used = 0
    for change in changes:
        block = render_change(lang, change)
        size = telegram_length(block) + 2
        if groups[-1] and used + size > room:
            groups.append([])
            used = 0
        groups[-1].append((change, block))
        used += size
    notices: list[Notice] = []
    for group in groups:
        parts = split_message(_compose(header, link, group))  # a block longer than a message
        ids = tuple(dict.fromkeys(change.uploading.id for change, _ in group))
        notices += [Notice(Html(part), ()) for part in parts[:-1]]
        notices.append(Notice(Html(parts[-1]), ids))
    return notices


def _compose(header: Html, link: Html, blocks: Sequence[tuple[Change, Html]]) -> str:
    """Header, one block per change, and the Metrica link under any final status."""
    final = any(c.kind is not ChangeKind.STUCK and c.uploading.is_final for c, _ in blocks)
    return "\n\n".join([header, *(block for _, block in blocks), *([link] if final else [])])


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


def render_token_deleted(lang: str, user: str, counter_ids: Sequence[int]) -> list[Html]:
    """To a chat whose counters were linked with a token its owner deleted (split to fit)."""
    return split_list(
        lambda listed: t(lang, "token_deleted_notice", user=user, counters=listed),
        [str(counter_id) for counter_id in counter_ids],
    )


def render_token_owner(lang: str, login: str | None) -> Html:
    """To the owner of a token Metrica refused."""
    who = t(lang, "notify_login", login=login) if login else Html("")
    return t(lang, "notify_token_owner", login=who)


def render_token_unreadable(lang: str) -> Html:
    """To the owner of a token no configured key decrypts any more."""
    return t(lang, "notify_token_unreadable")


def render_token_chat(lang: str, counters: Sequence[tuple[int, str]]) -> list[Html]:
    """To a chat whose counters were linked with a token that stopped working (split to fit)."""
    return _listing(lang, "notify_token_chat", counters)


def render_token_chat_unreadable(lang: str, counters: Sequence[tuple[int, str]]) -> list[Html]:
    """To a chat whose counters were linked with a token no key decrypts (split to fit)."""
    return _listing(lang, "notify_token_chat_unreadable", counters)


def render_link_denied(lang: str, counters: Sequence[tuple[int, str]]) -> list[Html]:
    """To a chat whose link's token can no longer see the counter (split to fit)."""
    return _listing(lang, "notify_link_denied", counters)


def render_access_owner(
    lang: str, login: str | None, counters: Sequence[tuple[int, str]]
) -> list[Html]:
    """To the owner of a token that can no longer see counters they linked (split to fit)."""
    who = t(lang, "notify_login", login=login) if login else Html("")
    return split_list(
        lambda listed: t(lang, "notify_access_owner", login=who, counters=listed),
        _counter_refs(lang, counters),
    )


def render_links_resumed(lang: str, counters: Sequence[tuple[int, str]]) -> list[Html]:
    """To a chat whose suspended links live again (their owner saved a valid token)."""
    return _listing(lang, "notify_links_resumed", counters)


def render_quota(lang: str, counters: Sequence[tuple[int, str]], resets_at: datetime) -> list[Html]:
    """To a chat whose counters wait for the daily quota to reset (split to fit)."""
    resets = format_time(resets_at)
    return split_list(
        lambda listed: t(lang, "notify_quota", counters=listed, resets=resets),
        _counter_refs(lang, counters),
    )


def render_counter_paused(lang: str, counter_id: int, name: str, reason: PauseReason) -> Html:
    """To a chat whose counter vanished (GONE) or is no longer visible (ACCESS)."""
    key = "notify_counter_gone" if reason is PauseReason.GONE else "notify_counter_denied"
    return t(lang, key, counter=counter_ref(lang, counter_id, name))


def _listing(lang: str, key: str, counters: Sequence[tuple[int, str]]) -> list[Html]:
    """The text `key` listing the counters, in as many messages as it takes."""
    return split_list(lambda listed: t(lang, key, counters=listed), _counter_refs(lang, counters))


def _counter_refs(lang: str, counters: Sequence[tuple[int, str]]) -> list[Html]:
    return [counter_ref(lang, cid, name) for cid, name in counters]
