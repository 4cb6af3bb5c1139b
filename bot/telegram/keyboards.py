"""Inline keyboards: ◀ ▶ paging and one button per counter."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.callback_data import (
    Button,
    LinkCounter,
    Noop,
    TokenCountersPage,
    UploadingRefresh,
    UploadingsPage,
    UploadingsRefresh,
    encode,
)
from bot.texts.render import counter_button
from bot.views import CounterView, Page

MAX_BUTTONS = 50  # Telegram allows 100 per keyboard; a longer list is unreadable anyway


def button(text: str, data: Button) -> InlineKeyboardButton:
    """One callback button."""
    return InlineKeyboardButton(text, callback_data=encode(data))


def pager_row(page: Page[Any], make: Callable[[int], Button]) -> list[InlineKeyboardButton]:
    """◀ n/N ▶ for a list longer than a page (empty otherwise)."""
    if page.pages <= 1:
        return []
    row = [button("◀", make(page.number - 1))] if page.number > 0 else []
    row.append(button(f"{page.number + 1}/{page.pages}", Noop()))
    if page.number < page.pages - 1:
        row.append(button("▶", make(page.number + 1)))
    return row


REFRESH = "↻"


def uploadings_pager(counter_id: int, page: Page[Any]) -> InlineKeyboardMarkup:
    """Paging for /uploadings and ↻ (fetch anew); the buttons keep the counter and the page."""
    row = pager_row(page, lambda number: UploadingsPage(counter_id, number))
    row.append(button(REFRESH, UploadingsRefresh(counter_id, page.number)))
    return InlineKeyboardMarkup([row])


def uploading_refresh(counter_id: int, uploading_id: int) -> InlineKeyboardMarkup:
    """↻ under one uploading."""
    return InlineKeyboardMarkup([[button(REFRESH, UploadingRefresh(counter_id, uploading_id))]])


def counter_choice(
    counters: Sequence[CounterView], make: Callable[[int], Button]
) -> InlineKeyboardMarkup:
    """One button per counter, each doing `make(counter_id)`."""
    rows = [[button(counter_button(c), make(c.id))] for c in counters[:MAX_BUTTONS]]
    return InlineKeyboardMarkup(rows)


def token_counters(page: Page[CounterView]) -> InlineKeyboardMarkup | None:
    """Buttons that link the page's counters here, and paging through the rest."""
    rows = [[button(counter_button(c), LinkCounter(c.id))] for c in page.items]
    paging = pager_row(page, TokenCountersPage)
    if paging:
        rows.append(paging)
    return InlineKeyboardMarkup(rows) if rows else None
