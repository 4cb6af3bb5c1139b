"""Pure rendering of what the commands show: uploadings, counters, a token's counters.

Every function takes the chat's language and the `{cmd}_cmd` names and returns safe HTML;
anything from Metrica or users is escaped by `t()`. No result is longer than Telegram allows:
lists shorten comments until the page fits; bot.texts.markup has the one length rule.
Subscriptions are rendered by bot.texts.render_subscriptions.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from bot.domain import KNOWN_STATUSES, Uploading
from bot.texts import Html, t
from bot.texts.markup import MESSAGE_LIMIT, escape, fits, format_time, number, truncate
from bot.texts.status import status_label
from bot.views import (
    CounterView,
    Linked,
    ListNote,
    Page,
    UploadingsView,
    UploadingView,
)

LIST_COMMENT_LIMITS = (120, 60, 30, 12, 0)
NAME_LIMIT = 80
BUTTON_LIMIT = 40

Names = Mapping[str, Html]


def counter_label(counter: CounterView) -> Html:
    """'<b>Name</b> (site, <code>123</code>)': name and site escaped and shortened."""
    number_html = f"<code>{counter.id}</code>"
    site = escape(truncate(counter.site, NAME_LIMIT))
    if not counter.name:
        return Html(f"{number_html} ({site})" if site else number_html)
    details = f"{site}, {number_html}" if site else number_html
    return Html(f"<b>{escape(truncate(counter.name, NAME_LIMIT))}</b> ({details})")


def counter_button(counter: CounterView) -> str:
    """Plain text for a button: 'Name (123)'."""
    label = f"{counter.name} ({counter.id})" if counter.name else str(counter.id)
    return truncate(label, BUTTON_LIMIT)


def where(lang: str, title: str | None) -> Html:
    """'here', or 'in “Team”' for another chat named by its title."""
    if title is None:
        return t(lang, "where_here")
    return t(lang, "where_chat", title=truncate(title, NAME_LIMIT))


def render_uploadings(
    lang: str, view: UploadingsView, names: Names, *, now: datetime | None = None
) -> Html:
    """A page of uploadings and as of when; comments shortened until the page fits."""
    label = counter_label(view.counter)
    stamp = as_of(lang, view.as_of, view.note, now)
    if not view.page.items:
        return Html("\n\n".join([t(lang, "uploadings_empty", counter=label), *stamp]))
    for limit in LIST_COMMENT_LIMITS:
        text = _uploadings_page(lang, view, names, label, limit, stamp=stamp)
        if fits(text):
            return text
    return Html(text[:MESSAGE_LIMIT])  # unreachable: ten items without comments are short


def _uploadings_page(
    lang: str,
    view: UploadingsView,
    names: Names,
    label: Html,
    comment_limit: int,
    *,
    stamp: Sequence[Html],
) -> Html:
    page = view.page
    head = t(
        lang, "uploadings_title", counter=label, first=page.first, last=page.last, total=page.total
    )
    items = [_list_item(lang, item, comment_limit) for item in page.items]
    footer = t(lang, "uploadings_footer", **names)
    return Html("\n\n".join([head, *items, footer, *stamp]))


def as_of(
    lang: str, when: datetime | None, note: ListNote | None, now: datetime | None
) -> list[Html]:
    """'as of 14:05 UTC' (with the date unless it is today), and why the list is not newer."""
    lines: list[Html] = []
    if when is not None:
        lines.append(t(lang, "uploadings_as_of", time=_clock(when, now)))
    if note is not None and note.kind == "rate":
        lines.append(t(lang, "uploadings_note_rate", limit=note.limit, seconds=note.seconds))
    elif note is not None:
        resets = note.resets_at.strftime("%H:%M") if note.resets_at else "00:00"
        lines.append(t(lang, "uploadings_note_quota", time=resets))
    return lines


def _clock(when: datetime, now: datetime | None) -> str:
    """HH:MM in UTC, with the date when `when` is not on `now`'s UTC day."""
    moment = when.astimezone(UTC)
    if now is None or moment.date() == now.astimezone(UTC).date():
        return moment.strftime("%H:%M")
    return moment.strftime("%Y-%m-%d %H:%M")


def _list_item(lang: str, item: Uploading, comment_limit: int) -> Html:
    """Three or four lines about one uploading."""
    lines = [
        Html(f"<b>{item.id}</b> · {escape(format_time(item.create_time))}"),
        status_label(lang, item.status),
        Html(f"{_rows(lang, item, 'uploading_rows')} · {_calls(lang, item, 'uploading_calls')}"),
    ]
    comment = truncate(item.comment.strip(), comment_limit)
    if comment:
        lines.append(Html(f"💬 <i>{escape(comment)}</i>"))
    return Html("\n".join(lines))


def render_uploading(lang: str, view: UploadingView, *, now: datetime | None = None) -> Html:
    """One uploading in full, with what its status means, and as of when."""
    item = view.uploading
    lines = [
        t(lang, "uploading_title", id=item.id, counter=counter_label(view.counter)),
        t(lang, "uploading_created", time=format_time(item.create_time)),
        t(lang, "uploading_status", status=status_label(lang, item.status)),
        _rows(lang, item, "uploading_rows_full"),
        _calls(lang, item, "uploading_calls_full"),
    ]
    if item.client_id_type:
        lines.append(t(lang, "uploading_id_type", kind=item.client_id_type))
    if item.comment.strip():
        lines.append(t(lang, "uploading_comment", comment=item.comment.strip()))
    lines.append(Html(""))
    lines.append(t(lang, _meaning_key(item.status)))
    if item.all_rows_invalid:
        lines.append(t(lang, "meaning_all_invalid", total=number(item.source_quantity)))
    stamp = as_of(lang, view.as_of, view.note, now)
    if stamp:
        lines += [Html(""), *stamp]
    return Html("\n".join(lines))


def _meaning_key(status: str) -> str:
    return f"meaning_{status}" if status in KNOWN_STATUSES else "meaning_unknown"


def _rows(lang: str, item: Uploading, key: str) -> Html:
    return t(lang, key, valid=number(item.line_quantity), total=number(item.source_quantity))


def _calls(lang: str, item: Uploading, key: str) -> Html:
    static, dynamic = item.static_calls_quantity, item.dynamic_calls_quantity
    return t(lang, key, static=number(static), dynamic=number(dynamic))


def render_linked(
    lang: str, result: Linked, names: Names, where: Html, managed_chat: int | None
) -> Html:
    """'Counter … is linked here.' with what to do next (naming a chat managed from afar)."""
    key = "linked" if result.created else "linked_again"
    done = t(lang, key, counter=counter_label(result.counter), where=where, **names)
    counter_id = result.counter.id
    args = f"{counter_id} {managed_chat}" if managed_chat is not None else str(counter_id)
    return Html(f"{done}\n{t(lang, 'linked_next', args=args, **names)}")


def render_counters(
    lang: str, counters: Sequence[CounterView], names: Names, title: str | None = None
) -> Html:
    """The chat's linked counters, each with whether the chat is subscribed."""
    place = where(lang, title)
    if not counters:
        return t(lang, "err_no_counters", where=place, **names)
    lines = [t(lang, "counters_title", where=place)]
    for counter in counters:
        state = t(lang, "counter_subscribed" if counter.subscribed else "counter_not_subscribed")
        if counter.suspended:
            state = Html(f"{state}\n   {t(lang, 'counter_suspended')}")
        lines.append(Html(f"• {counter_label(counter)}\n   {state}"))
    lines.append(t(lang, "counters_footer", **names))
    return Html("\n".join(lines))


def render_token_counters(lang: str, page: Page[CounterView], names: Names) -> Html:
    """A page of the counters a token can see, above the buttons that link them."""
    if page.total == 0:
        return t(lang, "token_counters_none")
    lines = [t(lang, "token_counters", total=page.total, **names)]
    lines.extend(Html(f"• {counter_label(counter)}") for counter in page.items)
    return Html("\n".join(lines))
