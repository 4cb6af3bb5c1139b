"""Forum topics and chat actions: which topic an update is in, its name, "typing".

Telegram's rules: a message in a topic has `is_topic_message` and `message_thread_id` (the id of
the topic's creation message); General has no thread id; a reply outside topics in a
supergroup carries a thread id too, which must not be sent back.
"""

from __future__ import annotations

import logging

from telegram import Chat, Update
from telegram.constants import ChatAction
from telegram.error import TelegramError

log = logging.getLogger(__name__)


def topic_thread(update: Update) -> int | None:
    """The forum topic of the message (or of the pressed message); None: General or no forum.

    Only a topic message's thread counts: a reply outside topics carries a thread id too, and
    sending with it fails.
    """
    message = update.effective_message
    if message is None or not getattr(message, "is_topic_message", False):
        return None
    thread_id = getattr(message, "message_thread_id", None)
    return thread_id if isinstance(thread_id, int) else None


def topic_name(update: Update) -> str | None:
    """The topic's name when Telegram gives it (the message quotes the topic's creation)."""
    message = update.effective_message
    replied = getattr(message, "reply_to_message", None)
    created = getattr(replied, "forum_topic_created", None)
    if created is None or replied is None or replied.message_id != topic_thread(update):
        return None
    return str(created.name)


async def send_typing(
    chat: Chat, thread_id: int | None, action: ChatAction = ChatAction.TYPING
) -> None:
    """The "typing" chat action (or "sending a photo"...); a refusal only costs the hint."""
    try:
        await chat.send_action(action, message_thread_id=thread_id)
    except TelegramError as exc:
        log.debug("chat %s: no typing action (%s)", chat.id, exc)
