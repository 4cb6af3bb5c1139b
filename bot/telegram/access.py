"""Who may do what: chat admins, anonymous admins, channel posts, and chats managed from afar."""

from __future__ import annotations

from telegram import Bot, Chat, ChatMember, Update
from telegram.error import BadRequest, Forbidden

from bot.errors import TargetProblem
from bot.services.chats import ChatRef
from bot.telegram.parsing import ChatTarget

ADMIN_STATUSES = frozenset({ChatMember.OWNER, ChatMember.ADMINISTRATOR})
MANAGEABLE_TYPES = frozenset({Chat.GROUP, Chat.SUPERGROUP, Chat.CHANNEL})


async def is_admin(bot: Bot, chat_id: int, user_id: int) -> bool:
    """Whether the user (or the bot) is the owner or an administrator of the chat."""
    try:
        member = await bot.get_chat_member(chat_id, user_id)
    except (BadRequest, Forbidden):
        return False
    return member.status in ADMIN_STATUSES


def posted_as_chat(update: Update) -> bool:
    """A channel post, or a message an anonymous admin sent on behalf of the group itself."""
    if update.channel_post is not None:
        return True
    message, chat = update.message, update.effective_chat
    return bool(message and chat and message.sender_chat and message.sender_chat.id == chat.id)


async def sender_is_admin(update: Update, bot: Bot) -> bool:
    """Whether whoever sent the command (or pressed the button) administers the chat."""
    chat = update.effective_chat
    if chat is None:
        return False
    if chat.type == Chat.PRIVATE or posted_as_chat(update):
        return True
    user = update.effective_user
    return user is not None and await is_admin(bot, chat.id, user.id)


async def managed_chat(
    bot: Bot, user_id: int, target: ChatTarget | int, user_language: str | None
) -> ChatRef:
    """A group or channel named from a private chat, where both the user and the bot are admins.

    Until the user is known to be an admin there, failures name the chat only as the user typed
    it: a chat's title is not for someone outside it (missing and not-admin read the same).
    """
    typed = str(target)
    try:
        chat = await bot.get_chat(target)
    except (BadRequest, Forbidden):
        raise TargetProblem("not_found", typed) from None
    if chat.type not in MANAGEABLE_TYPES:
        raise TargetProblem("not_group", typed)
    if not await is_admin(bot, chat.id, user_id):
        raise TargetProblem("not_found", typed)
    if not await is_admin(bot, chat.id, bot.id):
        shown = chat.title or (f"@{chat.username}" if chat.username else str(chat.id))
        raise TargetProblem("bot_not_admin", shown)
    return ChatRef(chat.id, chat.type, chat.title, user_language, bool(chat.is_forum))
