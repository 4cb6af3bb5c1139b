"""Telegram HTML as every text is built: escaping, plain text, length, times, numbers, splitting.

One length rule serves every message the bot sends (replies, button edits, notifications):
Telegram counts UTF-16 code units, and the markup is counted too, which only errs on the safe
side (tags and entities are longer than what they render).
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Sequence
from datetime import UTC, datetime

from bot.texts import Html

MESSAGE_LIMIT = 4096
ELLIPSIS = "…"
_TAG = re.compile(r"<[^>]*>")
_LONGEST_ESCAPE = 6  # '&quot;': no single character takes more room once escaped


def escape(text: str) -> str:
    """Text made safe to put inside HTML."""
    return html.escape(text, quote=False)


def plain_text(text: str) -> str:
    """HTML reduced to plain text: tags dropped, entities decoded (alerts, refused markup)."""
    return html.unescape(_TAG.sub("", text))


def telegram_length(text: str) -> int:
    """Length as Telegram counts it: UTF-16 code units."""
    return len(text.encode("utf-16-le")) // 2


def fits(text: str, limit: int = MESSAGE_LIMIT) -> bool:
    """Whether Telegram accepts the text as one message (or a caption of `limit`)."""
    return telegram_length(text) <= limit


def truncate(text: str, limit: int) -> str:
    """The text cut to `limit` UTF-16 units (Telegram's count) with an ellipsis; '' for 0."""
    if limit <= 0:
        return ""
    if fits(text, limit):
        return text
    # Cut the UTF-16 form; "ignore" drops half of a surrogate pair cut in two.
    head = text.encode("utf-16-le")[: 2 * (limit - 1)].decode("utf-16-le", errors="ignore")
    return head.rstrip() + ELLIPSIS


def shorten(text: str, limit: int = MESSAGE_LIMIT) -> str:
    """One message that fits, for an edit (which cannot be split): whole lines, then '…'."""
    if fits(text, limit):
        return text
    return f"{split_message(text, limit - 2)[0]}\n{ELLIPSIS}"


def format_time(value: datetime | None) -> str:
    """'2026-11-20 09:15 UTC', whatever the machine's time zone; '—' when unknown."""
    if value is None:
        return "—"
    aware = value if value.tzinfo else value.replace(tzinfo=UTC)
    return aware.astimezone(UTC).strftime("%Y-%m-%d %H:%M UTC")


def number(value: int | None, unknown: str = "—") -> str:
    """A quantity, or `unknown` when Metrica did not report it."""
    return unknown if value is None else str(value)


def split_message(text: str, limit: int = MESSAGE_LIMIT) -> list[str]:
    """Parts that each fit, cut at line breaks (tags never span lines)."""
    parts: list[str] = []
    current = ""
    for line in _short_lines(text, limit):
        candidate = f"{current}\n{line}" if current else line
        if fits(candidate, limit):
            current = candidate
            continue
        if current.strip():
            parts.append(current)
        current = line
    if current.strip():
        parts.append(current)
    return parts or [text[:limit]]


def split_blocks(header: Html, blocks: Sequence[Html], limit: int = MESSAGE_LIMIT) -> list[Html]:
    """Header plus blocks separated by blank lines, in messages that fit, the header on each."""
    messages: list[Html] = []
    current = str(header)
    for block in blocks:
        candidate = f"{current}\n\n{block}"
        if not fits(candidate, limit) and current != header:
            messages.append(Html(current))
            candidate = f"{header}\n\n{block}"
        current = candidate
    messages.append(Html(current))
    return [Html(part) for message in messages for part in split_message(message, limit)]


def split_list(
    render: Callable[[Html], str],
    items: Sequence[str],
    separator: str = ", ",
    limit: int = MESSAGE_LIMIT,
) -> list[Html]:
    """`render(items joined)` in as few messages as fit, each listing a run of the items."""
    budget = limit - telegram_length(render(Html("")))
    gap = telegram_length(separator)
    runs: list[list[str]] = [[]]
    used = 0
    for item in items:
        size = telegram_length(item)
        if runs[-1] and used + gap + size > budget:
            runs.append([])
            used = 0
        used += size + (gap if runs[-1] else 0)
        runs[-1].append(item)
    messages = [render(Html(separator.join(run))) for run in runs]
    return [Html(part) for message in messages for part in split_message(message, limit)]


def _short_lines(text: str, limit: int) -> list[str]:
    """Lines of the text; a line too long for one message becomes escaped plain chunks."""
    lines: list[str] = []
    for line in text.split("\n"):
        if fits(line, limit):
            lines.append(line)
            continue
        plain = plain_text(line)
        step = max(1, limit // _LONGEST_ESCAPE)
        lines.extend(escape(plain[i : i + step]) for i in range(0, len(plain), step))
    return lines
