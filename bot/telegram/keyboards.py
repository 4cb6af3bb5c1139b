"""Inline keyboards: ◀ ▶ paging, one button per counter, subscription settings, adding the bot."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Any

from telegram import InlineKeyboardButton, InlineKeyboardMarkup

from bot.telegram.callback_data import (
    HEARS_ORDER,
    Button,
    Details,
    LinkCounter,
    LoginAgain,
    Noop,
    SubscriptionHears,
    SubscriptionSilence,
    TokenCountersPage,
    UploadingRefresh,
    UploadingsPage,
    UploadingsRefresh,
    encode,
)
from bot.texts import t
from bot.texts.markup import plain_text
from bot.texts.render import counter_button
from bot.views import CounterView, Page, SubscriptionView

MAX_BUTTONS = 50  # Telegram allows 100 per keyboard; a longer list is unreadable anyway
ADDED_PAYLOAD = "added"  # /start payload of the "add to a group" link
# Rights the bot asks for when added: delete exposed tokens, post in closed topics, edit pages.
GROUP_RIGHTS = "delete_messages+manage_topics"
CHANNEL_RIGHTS = "post_messages+edit_messages+delete_messages"


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


def details(lang: str, counter_id: int, uploading_id: int) -> InlineKeyboardMarkup:
    """The Details button notifications carry, for one uploading."""
    label = plain_text(t(lang, "button_details", id=uploading_id))
    return InlineKeyboardMarkup([[button(label, Details(counter_id, uploading_id))]])


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


def subscription_settings(
    lang: str, items: Sequence[SubscriptionView], managed: int | None
) -> InlineKeyboardMarkup | None:
    """Per subscription: ▸ the next filter, and 🔔/🔕 switching its sound (shows the state)."""
    rows = []
    for item in items[: MAX_BUTTONS // 2]:
        counter_id = item.counter.id
        following = (HEARS_ORDER.index(item.hears) + 1) % len(HEARS_ORDER)
        hears = t(lang, f"hears_{item.hears}")
        label = t(lang, "button_filter", counter=counter_button(item.counter), hears=hears)
        sound = t(lang, "button_sound_off" if item.silent else "button_sound_on")
        rows.append(
            [
                button(plain_text(label), SubscriptionHears(counter_id, following, managed)),
                button(
                    plain_text(sound),
                    SubscriptionSilence(counter_id, 0 if item.silent else 1, managed),
                ),
            ]
        )
    return InlineKeyboardMarkup(rows) if rows else None


def add_bot(lang: str, bot_username: str) -> InlineKeyboardMarkup:
    """Links that add the bot to a group or a channel, asking for the rights it needs."""
    base = f"https://t.me/{bot_username}"
    group = f"{base}?startgroup={ADDED_PAYLOAD}&admin={GROUP_RIGHTS}"
    channel = f"{base}?startchannel&admin={CHANNEL_RIGHTS}"
    return InlineKeyboardMarkup(
        [
            [InlineKeyboardButton(plain_text(t(lang, "button_add_group")), url=group)],
            [InlineKeyboardButton(plain_text(t(lang, "button_add_channel")), url=channel)],
        ]
    )


LOGIN_PAYLOAD = "login"  # /start payload of the button from groups to /login in private


def open_url(lang: str, key: str, url: str) -> InlineKeyboardMarkup:
    """One URL button: the verification page, or the private chat with the bot."""
    return InlineKeyboardMarkup([[InlineKeyboardButton(plain_text(t(lang, key)), url=url)]])


def login_in_private(lang: str, bot_username: str) -> InlineKeyboardMarkup:
    """The button from a group to /login in the private chat."""
    return open_url(
        lang, "button_login_private", f"https://t.me/{bot_username}?start={LOGIN_PAYLOAD}"
    )


def login_again(lang: str) -> InlineKeyboardMarkup:
    """ "Try again" under a login that ended without a token."""
    return InlineKeyboardMarkup([[button(plain_text(t(lang, "button_login_again")), LoginAgain())]])
