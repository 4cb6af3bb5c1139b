"""What every handler shares: the chat's language, command names, and sending HTML replies."""

from __future__ import annotations

from functools import partial

from telegram import (
    Chat,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ParseMode

from bot.flood import with_flood_retry
from bot.services.chats import ChatRef, chat_language
from bot.telegram.context import BotContext
from bot.texts import Html, Language, language_for
from bot.texts.markup import split_message

COMMANDS = (
    "start",
    "token",
    "link",
    "unlink",
    "counters",
    "uploadings",
    "uploading",
    "subscribe",
    "unsubscribe",
    "subscriptions",
    "lang",
    "help",
)
ONBOARDING_PAYLOAD = "token"  # /start payload of links from groups to the private chat
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)


def command_names(chat: Chat | None, bot_username: str) -> dict[str, Html]:
    """`{name}_cmd`: /cmd in private chats, /cmd@Bot elsewhere; `private_link` to the bot."""
    suffix = "" if chat is None or chat.type == Chat.PRIVATE else f"@{bot_username}"
    names = {f"{name}_cmd": Html(f"/{name}{suffix}") for name in COMMANDS}
    names["private_link"] = Html(f"https://t.me/{bot_username}?start={ONBOARDING_PAYLOAD}")
    return names


def chat_ref(update: Update) -> ChatRef | None:
    """The update's chat and sender language, for services."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return None
    return ChatRef(chat.id, chat.type, chat.title, user.language_code if user else None)


async def language(update: Update, context: BotContext) -> Language:
    """The chat's language (set on first contact from the user's Telegram language)."""
    ref = chat_ref(update)
    if ref is None:
        user = update.effective_user
        return language_for(user.language_code if user else None)
    return await chat_language(context.services.sessions, ref)


async def reply(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Answer in the update's chat as HTML, in parts when too long; buttons go on the last."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None:
        return None
    quote = None
    if chat.type != Chat.PRIVATE and message is not None and update.callback_query is None:
        quote = ReplyParameters(message.message_id, allow_sending_without_reply=True)
    parts = split_message(text)
    sent: Message | None = None
    for index, part in enumerate(parts):
        last = index == len(parts) - 1
        sent = await with_flood_retry(
            partial(
                chat.send_message,
                part,
                parse_mode=ParseMode.HTML,
                reply_markup=markup if last else None,
                reply_parameters=quote if index == 0 else None,
                link_preview_options=NO_PREVIEW,
            )
        )
    return sent
