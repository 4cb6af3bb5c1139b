"""The bot's own membership (my_chat_member) and group-to-supergroup upgrades."""

from __future__ import annotations

import logging

from telegram import Chat, ChatMember, ChatMemberRestricted, Update

from bot.services.chats import ChatRef, chat_language, migrate_chat, set_membership
from bot.telegram.context import BotContext
from bot.telegram.invocation import command_names, reply
from bot.texts import t

log = logging.getLogger(__name__)

PRESENT = frozenset({ChatMember.MEMBER, ChatMember.ADMINISTRATOR, ChatMember.OWNER})
GROUPS = frozenset({Chat.GROUP, Chat.SUPERGROUP})


def is_present(member: ChatMember) -> bool:
    """Whether this status means the bot is in the chat (and may post or read)."""
    if isinstance(member, ChatMemberRestricted):
        return member.is_member
    return member.status in PRESENT


async def on_my_chat_member(update: Update, context: BotContext) -> None:
    """Removed or blocked: the chat goes inactive (setup kept); added back: active again."""
    change = update.my_chat_member
    if change is None:
        return
    chat, active = change.chat, is_present(change.new_chat_member)
    ref = ChatRef(chat.id, chat.type, chat.title, change.from_user.language_code)
    services = context.services
    await set_membership(services.sessions, ref, active=active, known=services.chats)
    log.info("chat %s: bot is now %s", chat.id, change.new_chat_member.status)
    if active and not is_present(change.old_chat_member) and chat.type in GROUPS:
        lang = await chat_language(services.sessions, ref)
        await reply(update, t(lang, "start", **command_names(chat, context.bot.username)))


async def on_migration(update: Update, context: BotContext) -> None:
    """A group became a supergroup: links and subscriptions move to the new chat id."""
    message = update.message
    if message is None:
        return
    if message.migrate_to_chat_id:
        old_id, new_id = message.chat.id, message.migrate_to_chat_id
    elif message.migrate_from_chat_id:
        old_id, new_id = message.migrate_from_chat_id, message.chat.id
    else:
        return
    services = context.services
    await migrate_chat(services.sessions, old_id, new_id, known=services.chats)
    log.info("chat %s migrated to %s", old_id, new_id)
