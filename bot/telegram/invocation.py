"""One command or button press as handlers see it: chat, language, sender, arguments, replies.

A command body (see bot/telegram/commands.py) or a button action receives an `Invocation` and
may raise ArgumentError (the reply is the command's usage) or a ServiceError (one sentence).

In a forum every answer goes to the topic the command (or the pressed message) is in: Telegram
sends a message without `message_thread_id` to General when the message it quotes is gone, so
the thread is always given, never left to the quote.
"""

from __future__ import annotations

import asyncio
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from functools import partial
from typing import Any

from telegram import (
    Chat,
    InlineKeyboardMarkup,
    LinkPreviewOptions,
    Message,
    ReplyParameters,
    Update,
)
from telegram.constants import ChatAction, ParseMode
from telegram.error import BadRequest

from bot.container import Services
from bot.errors import (
    AnonymousSender,
    NoCounters,
    NoSubscriptions,
    ServiceError,
    TargetOnlyInPrivate,
)
from bot.flood import with_flood_retry
from bot.services.chats import ChatRef, chat_language
from bot.services.counters import linked_counters
from bot.services.subscriptions import Topic
from bot.telegram.access import managed_chat, posted_as_chat
from bot.telegram.callback_data import Button
from bot.telegram.context import BotContext
from bot.telegram.keyboards import counter_choice
from bot.telegram.parsing import ChatTarget
from bot.telegram.topics import send_typing, topic_name, topic_thread
from bot.texts import COMMAND_SUFFIX, MENTIONED_COMMANDS, Html, Language, language_for, t
from bot.texts.failures import failure_text
from bot.texts.markup import shorten, split_message
from bot.texts.render import where

ONBOARDING_PAYLOAD = "token"  # /start payload of links from groups to the private chat
NO_PREVIEW = LinkPreviewOptions(is_disabled=True)
NOT_MODIFIED = "message is not modified"

ButtonActions = dict[type, Callable[["Invocation", Any], Awaitable[None]]]
"""What each `commands_*` module exports as BUTTONS: the action for each kind of button."""


@dataclass
class Invocation:
    """A command (or button press) in a chat, with everything a handler body needs."""

    update: Update
    context: BotContext
    chat: ChatRef
    lang: Language
    names: dict[str, Html]
    user_id: int | None  # None when posted as the chat (channel post, anonymous admin)
    args: list[str] = field(default_factory=list)
    target: ChatRef | None = None  # another chat this command manages
    message_deleted: bool | None = None  # whether the command's message was deleted (if tried)
    _typing: asyncio.Task[None] | None = field(default=None, init=False, repr=False)
    _typing_sent: bool = field(default=False, init=False, repr=False)

    @property
    def services(self) -> Services:
        """The shared services."""
        return self.context.services

    @property
    def order(self) -> int:
        """The update's id: reads for answers go earliest update first (bot.lane)."""
        return self.update.update_id

    @property
    def subject(self) -> ChatRef:
        """The chat the command is about: the named one, else this one."""
        return self.target or self.chat

    @property
    def where(self) -> Html:
        """'here', or 'in “Title”' for a chat managed from here."""
        return where(self.lang, self.target.title or str(self.target.id) if self.target else None)

    def text(self, key: str, **params: object) -> Html:
        """A message of this chat's language, with command names filled in."""
        return t(self.lang, key, **{**self.names, "where": self.where, **params})

    def failure(self, error: ServiceError) -> Html:
        """The sentence for a failure."""
        return failure_text(self.lang, error, self.names, self.where)

    def require_user(self) -> int:
        """The sender's user id; AnonymousSender when posted on behalf of a chat."""
        if self.user_id is None:
            chat = self.update.effective_chat
            shown = f"@{chat.username}" if chat and chat.username else str(self.chat.id)
            raise AnonymousSender(shown)
        return self.user_id

    async def use_target(self, target: ChatTarget | None) -> ChatRef:
        """Switch to a group or channel named from a private chat (both must be admins there)."""
        if target is None:
            return self.chat
        if not self.chat.is_private:
            raise TargetOnlyInPrivate
        bot = self.context.bot
        self.target = await managed_chat(bot, self.require_user(), target, self.chat.user_language)
        return self.target

    @property
    def topic(self) -> Topic | None:
        """Where in a forum this was sent: a topic, or General; None outside forums."""
        if not self.chat.is_forum:
            return None
        thread_id = topic_thread(self.update)
        return Topic(thread_id, topic_name(self.update) if thread_id is not None else None)

    def start_typing(self, action: ChatAction = ChatAction.TYPING, after: float = 0.0) -> None:
        """Show "typing" (or `action`) while the work goes on; it never holds the work up.

        With `after`, only when no answer is ready by then: an answer from memory goes alone.
        """
        chat = self.update.effective_chat
        if chat is not None and self._typing is None:
            thread_id = topic_thread(self.update)
            self._typing_sent = after <= 0
            self._typing = asyncio.create_task(self._type(chat, thread_id, action, after))

    async def _type(
        self, chat: Chat, thread_id: int | None, action: ChatAction, after: float
    ) -> None:
        if after > 0:
            await asyncio.sleep(after)
            self._typing_sent = True
        await send_typing(chat, thread_id, action)

    async def typed(self) -> None:
        """Wait for the "typing" action, so it never arrives after the answer (or drop it)."""
        if self._typing is None:
            return
        if not self._typing_sent:
            self._typing.cancel()  # still in its grace: the answer is ready, no hint needed
            return
        await self._typing

    async def reply(self, text: str, markup: InlineKeyboardMarkup | None = None) -> Message | None:
        """Answer in this chat (in its forum topic)."""
        await self.typed()
        return await reply(self.update, text, markup)

    async def show(self, text: str, markup: InlineKeyboardMarkup | None = None) -> None:
        """A command gets a new message; a button press edits the message it is on."""
        query = self.update.callback_query
        if query is None:
            await self.reply(text, markup)
            return
        await self.typed()
        try:
            await query.edit_message_text(
                shorten(text),
                parse_mode=ParseMode.HTML,
                reply_markup=markup,
                link_preview_options=NO_PREVIEW,
            )
        except BadRequest as exc:
            if NOT_MODIFIED not in str(exc).lower():
                raise

    async def choose_counter(
        self,
        prompt: str,
        make: Callable[[int], Button],
        *,
        subscribed_only: bool = False,
        **params: object,
    ) -> int | None:
        """The counter id when there is one choice; else None after offering buttons."""
        counters = await linked_counters(self.services, self.subject.id)
        if subscribed_only:
            counters = [counter for counter in counters if counter.subscribed]
            if not counters:
                raise NoSubscriptions
        if not counters:
            raise NoCounters
        if len(counters) == 1:
            return counters[0].id
        await self.reply(self.text(prompt, **params), counter_choice(counters, make))
        return None


async def invocation(update: Update, context: BotContext) -> Invocation | None:
    """The invocation for a message, channel post or button press (None without a chat)."""
    ref = chat_ref(update)
    if ref is None:
        return None
    user = update.effective_user
    user_id = None if posted_as_chat(update) or user is None else user.id
    return Invocation(
        update=update,
        context=context,
        chat=ref,
        lang=await language(update, context),
        names=command_names(update.effective_chat, context.bot.username),
        user_id=user_id,
        args=list(context.args or []),
    )


def command_names(chat: Chat | None, bot_username: str) -> dict[str, Html]:
    """`{name}_cmd`: /cmd in private chats, /cmd@Bot elsewhere; `private_link` to the bot."""
    suffix = "" if chat is None or chat.type == Chat.PRIVATE else f"@{bot_username}"
    names = {f"{name}{COMMAND_SUFFIX}": Html(f"/{name}{suffix}") for name in MENTIONED_COMMANDS}
    names["private_link"] = Html(f"https://t.me/{bot_username}?start={ONBOARDING_PAYLOAD}")
    return names


def chat_ref(update: Update) -> ChatRef | None:
    """The update's chat and sender language, for services."""
    chat, user = update.effective_chat, update.effective_user
    if chat is None:
        return None
    language = user.language_code if user else None
    return ChatRef(chat.id, chat.type, chat.title, language, bool(chat.is_forum))


async def language(update: Update, context: BotContext) -> Language:
    """The chat's language (set on first contact from the user's Telegram language)."""
    ref = chat_ref(update)
    if ref is None:
        user = update.effective_user
        return language_for(user.language_code if user else None)
    services = context.services
    return await chat_language(
        services.sessions,
        ref,
        reads=services.reads,
        known=services.chats,
        lane=services.answering,
        order=update.update_id,
    )


async def reply(
    update: Update, text: str, markup: InlineKeyboardMarkup | None = None
) -> Message | None:
    """Answer in the update's chat (and forum topic) as HTML, in parts when too long.

    Buttons go on the last part.
    """
    chat = update.effective_chat
    if chat is None:
        return None
    quote = quote_of(update)
    thread_id = topic_thread(update)
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
                message_thread_id=thread_id,
            )
        )
    return sent


def quote_of(update: Update) -> ReplyParameters | None:
    """In groups an answer to a command quotes it (a button's answer quotes nothing)."""
    chat, message = update.effective_chat, update.effective_message
    if chat is None or chat.type == Chat.PRIVATE or message is None:
        return None
    if update.callback_query is not None:
        return None
    return ReplyParameters(message.message_id, allow_sending_without_reply=True)
