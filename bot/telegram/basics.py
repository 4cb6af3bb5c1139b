"""/start and /help, and the reply helpers every handler shares."""

from __future__ import annotations

from telegram import Chat, Update
from telegram.constants import ParseMode

from bot.services.chats import ChatRef, chat_language
from bot.telegram.context import BotContext
from bot.texts import Html, Language, language_for, t

COMMANDS = (
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


def command_names(chat: Chat | None, bot_username: str) -> dict[str, Html]:
    """`{name}_cmd` placeholders: /cmd in private chats, /cmd@Bot in groups and channels."""
    suffix = "" if chat is None or chat.type == Chat.PRIVATE else f"@{bot_username}"
    return {f"{name}_cmd": Html(f"/{name}{suffix}") for name in COMMANDS}


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


async def reply(update: Update, text: str, **kwargs: object) -> None:
    """Answer in the chat the update came from, as HTML."""
    chat = update.effective_chat
    if chat is None:
        return
    await chat.send_message(text, parse_mode=ParseMode.HTML, **kwargs)  # type: ignore[arg-type]


async def start(update: Update, context: BotContext) -> None:
    """What the bot does and how to begin."""
    lang = await language(update, context)
    names = command_names(update.effective_chat, context.bot.username)
    await reply(update, t(lang, "start", **names))


async def help_command(update: Update, context: BotContext) -> None:
    """Every command, with its arguments."""
    lang = await language(update, context)
    names = command_names(update.effective_chat, context.bot.username)
    await reply(update, t(lang, "help", **names))
