"""Pure rendering of what the commands show: uploadings, counters, subscriptions.

Every function takes the chat's language and the `{cmd}_cmd` names and returns safe HTML;
anything from Metrica or users is escaped by `t()`. No result is longer than Telegram allows:
lists shorten comments until the page fits, and `split_message` cuts the rest on line breaks.
"""

from __future__ import annotations

import html
import re
from collections.abc import Mapping, Sequence
from datetime import UTC, datetime

from bot.domain import KNOWN_STATUSES, Uploading
from bot.texts import Html, t
from bot.texts.status import status_label
from bot.views import CounterView, Page, UploadingsView, UploadingView

MESSAGE_LIMIT = 4096
LIST_COMMENT_LIMITS = (120, 60, 30, 12, 0)
NAME_LIMIT = 80
BUTTON_LIMIT = 40
ELLIPSIS = "…"
_TAG = re.compile(r"<[^>]*>")

Names = Mapping[str, Html]


def format_time(value: datetime | None) -> str:
    """'2026-11-20 09:15 UTC', whatever the machine's time zone; '—' when unknown."""
    if value is None:
        return "—"
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def truncate(text: str, limit: int) -> str:
    """The text cut to `limit` characters with an ellipsis; '' when the limit is 0."""
    if limit <= 0:
        return ""
    return text if len(text) <= limit else text[: limit - 1].rstrip() + ELLIPSIS


def number(value: int | None) -> str:
    """A quantity, or '—' when Metrica did not report it."""
    return "—" if value is None else str(value)


def counter_label(counter: CounterView) -> Html:
    """'<b>Name</b> (site, <code>123</code>)': name and site escaped and shortened."""
    number_html = f"<code>{counter.id}</code>"
    site = _esc(truncate(counter.site, NAME_LIMIT))
    if not counter.name:
        return Html(f"{number_html} ({site})" if site else number_html)
    details = f"{site}, {number_html}" if site else number_html
    return Html(f"<b>{_esc(truncate(counter.name, NAME_LIMIT))}</b> ({details})")


def counter_button(counter: CounterView) -> str:
    """Plain text for a button: 'Name (123)'."""
    label = f"{counter.name} ({counter.id})" if counter.name else str(counter.id)
    return truncate(label, BUTTON_LIMIT)


def where(lang: str, title: str | None) -> Html:
    """'here', or 'in “Team”' for another chat named by its title."""
    if title is None:
        return t(lang, "where_here")
    return t(lang, "where_chat", title=truncate(title, NAME_LIMIT))


def render_uploadings(lang: str, view: UploadingsView, names: Names) -> Html:
    """A page of uploadings; comments are shortened until the page fits one message."""
    label = counter_label(view.counter)
    if not view.page.items:
        return t(lang, "uploadings_empty", counter=label)
    for limit in LIST_COMMENT_LIMITS:
        text = _uploadings_page(lang, view, names, label, limit)
        if len(text) <= MESSAGE_LIMIT:
            return text
    return Html(text[:MESSAGE_LIMIT])  # unreachable: ten items without comments are short


def _uploadings_page(
    lang: str, view: UploadingsView, names: Names, label: Html, comment_limit: int
) -> Html:
    page = view.page
    head = t(
        lang, "uploadings_title", counter=label, first=page.first, last=page.last, total=page.total
    )
    items = [_list_item(lang, item, comment_limit) for item in page.items]
    return Html("\n\n".join([head, *items, t(lang, "uploadings_footer", **names)]))


def _list_item(lang: str, item: Uploading, comment_limit: int) -> Html:
    """Three or four lines about one uploading."""
    lines = [
        Html(f"<b>{item.id}</b> · {_esc(format_time(item.create_time))}"),
        status_label(lang, item.status),
        Html(f"{_rows(lang, item, 'uploading_rows')} · {_calls(lang, item, 'uploading_calls')}"),
    ]
    comment = truncate(item.comment.strip(), comment_limit)
    if comment:
        lines.append(Html(f"💬 <i>{_esc(comment)}</i>"))
    return Html("\n".join(lines))


def render_uploading(lang: str, view: UploadingView) -> Html:
    """One uploading in full, with what its status means."""
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
    return Html("\n".join(lines))


def _meaning_key(status: str) -> str:
    return f"meaning_{status}" if status in KNOWN_STATUSES else "meaning_unknown"


def _rows(lang: str, item: Uploading, key: str) -> Html:
    return t(lang, key, valid=number(item.line_quantity), total=number(item.source_quantity))


def _calls(lang: str, item: Uploading, key: str) -> Html:
    static, dynamic = item.static_calls_quantity, item.dynamic_calls_quantity
    return t(lang, key, static=number(static), dynamic=number(dynamic))


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
        lines.append(Html(f"• {counter_label(counter)}\n   {state}"))
    lines.append(t(lang, "counters_footer", **names))
    return Html("\n".join(lines))


def render_subscriptions(
    lang: str, counters: Sequence[CounterView], names: Names, title: str | None = None
) -> Html:
    """The counters the chat is subscribed to."""
    place = where(lang, title)
    if not counters:
        return t(lang, "err_no_subscriptions", where=place, **names)
    lines = [t(lang, "subscriptions_title", where=place)]
    lines.extend(Html(f"• {counter_label(counter)}") for counter in counters)
    return Html("\n".join(lines))


def render_token_counters(lang: str, page: Page[CounterView], names: Names) -> Html:
    """A page of the counters a token can see, above the buttons that link them."""
    if page.total == 0:
        return t(lang, "token_counters_none")
    lines = [t(lang, "token_counters", total=page.total, **names)]
    lines.extend(Html(f"• {counter_label(counter)}") for counter in page.items)
    return Html("\n".join(lines))


def plain_text(text: str) -> str:
    """HTML reduced to plain text (for callback alerts, which take no markup)."""
    return html.unescape(_TAG.sub("", text))


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Parts of at most `limit` characters, cut at line breaks (tags never span lines)."""
    parts: list[str] = []
    current = ""
    for line in _short_lines(text, limit):
        candidate = f"{current}\n{line}" if current else line
        if len(candidate) <= limit:
            current = candidate
            continue
        if current.strip():
            parts.append(current)
        current = line
    if current.strip():
        parts.append(current)
    return parts or [text[:limit]]


def _short_lines(text: str, limit: int) -> list[str]:
    """Lines of the text; a line too long for one message becomes escaped plain chunks."""
    lines: list[str] = []
    for line in text.split("\n"):
        if len(line) <= limit:
            lines.append(line)
            continue
        plain = plain_text(line)
        step = max(1, limit // 6)  # '&quot;' is the longest escape of one character
        lines.extend(_esc(plain[i : i + step]) for i in range(0, len(plain), step))
    return lines


def _esc(text: str) -> str:
    return html.escape(text, quote=False)
