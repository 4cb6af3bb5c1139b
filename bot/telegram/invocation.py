"""One command or button press as handlers see it, and the wrapper that turns failures into texts.

A command body receives an `Invocation` (chat, language, sender, arguments, reply helpers) and
may raise ArgumentError (the reply is the command's usage) or a ServiceError (one sentence).
"""

from __future__ import annotations

import functools
from collections.abc import Awaitable, Callable, Coroutine
from dataclasses import dataclass, field
from typing import Any

from telegram import InlineKeyboardMarkup, Message, Update

from bot.container import Services
from bot.errors import AdminsOnly, AnonymousSender, ServiceError, TargetOnlyInPrivate
from bot.services.chats import ChatRef
from bot.telegram.access import managed_chat, posted_as_chat, sender_is_admin
from bot.telegram.basics import chat_ref, command_names, language, reply
from bot.telegram.context import BotContext
from bot.telegram.parsing import ArgumentError, ChatTarget
from bot.texts import Html, Language, t
from bot.texts.failures import failure_text
from bot.texts.render import where

Callback = Callable[[Update, BotContext], Coroutine[Any, Any, None]]
Body = Callable[["Invocation"], Awaitable[None]]


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

    @property
    def services(self) -> Services:
        """The shared services."""
        return self.context.services

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

    async def reply(self, text: str, markup: InlineKeyboardMarkup | None = None) -> Message | None:
        """Answer in this chat."""
        return await reply(self.update, text, markup)

    def failure(self, error: ServiceError) -> Html:
        """The sentence for a failure."""
        return failure_text(self.lang, error, self.names, self.where)


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


def command(usage: str, *, changes: bool = False) -> Callable[[Body], Callback]:
    """Wrap a command body: admins only when it changes something; failures become texts."""

    def wrap(body: Body) -> Callback:
        @functools.wraps(body)
        async def callback(update: Update, context: BotContext) -> None:
            inv = await invocation(update, context)
            if inv is None:
                return
            try:
                if changes and not await sender_is_admin(update, context.bot):
                    raise AdminsOnly
                await body(inv)
            except ArgumentError:
                await inv.reply(inv.text(usage))
            except ServiceError as error:
                await inv.reply(inv.failure(error))

        return callback

    return wrap
