"""Forum topics in the fake Telegram: which thread a message lands in, and Telegram's refusals.

Telegram's rules, as modelled here:
- a topic's message_thread_id is the message_id of its forum_topic_created service message;
  messages in a topic carry message_thread_id and is_topic_message, and (unless they reply to
  something else) reply_to_message is that service message;
- General has no thread id: message_thread_id=1 or any unknown or deleted id answers
  "message thread not found"; a closed topic answers "TOPIC_CLOSED" unless the bot is an admin
  that can manage topics;
- a reply without message_thread_id lands in the replied message's topic; a reply to a missing
  message with allow_sending_without_reply lands in General;
- message_thread_id is ignored outside forums;
- a user's reply outside topics in a supergroup carries the reply chain's message_thread_id
  (the first message of the chain) without is_topic_message: a bot must not send with it.
"""

from __future__ import annotations

import enum
from typing import Any

from fakes.telegram_world import Chat, Topic, World, bad_request, shallow


class _AnyThread(enum.Enum):
    ANY = "any"


ANY_THREAD = _AnyThread.ANY  # a thread filter that matches every message
ThreadFilter = int | None | _AnyThread  # a topic id, None for General, or ANY_THREAD


def thread_matches(thread_id: int | None, wanted: ThreadFilter) -> bool:
    """Whether a message in `thread_id` passes a thread filter."""
    return wanted is ANY_THREAD or thread_id == wanted


def topic_of(message: dict[str, Any] | None) -> int | None:
    """The forum topic a stored message is in (None: General, or not a forum)."""
    if message is None or not message.get("is_topic_message"):
        return None
    thread_id = message.get("message_thread_id")
    return thread_id if isinstance(thread_id, int) else None


def check_bot_may_post(chat: Chat, thread_id: int) -> Topic:
    """The topic the bot posts to, or the error Telegram answers."""
    topic = chat.topics.get(thread_id)
    if topic is None or topic.deleted:
        raise bad_request("message thread not found")
    if topic.closed and not (chat.bot_is_admin and chat.bot_can_manage_topics):
        raise bad_request("TOPIC_CLOSED")
    return topic


def bot_thread(chat: Chat, requested: Any, replied: dict[str, Any] | None) -> int | None:
    """The topic a bot message lands in: the one asked for, else the replied message's."""
    if not chat.is_forum:
        return None
    thread_id = requested if isinstance(requested, int) and requested else topic_of(replied)
    if thread_id is not None:
        check_bot_may_post(chat, thread_id)
    return thread_id


def thread_fields(
    world: World, chat: Chat, thread_id: int | None, replied: dict[str, Any] | None
) -> dict[str, Any]:
    """Message fields for a message in a topic (or General): thread and reply_to_message."""
    if thread_id is None:
        return {"reply_to_message": shallow(replied)}
    shown = replied if replied is not None else world.messages.get((chat.id, thread_id))
    return {
        "message_thread_id": thread_id,
        "is_topic_message": True,
        "reply_to_message": shallow(shown),
    }


def user_thread_fields(
    world: World, chat: Chat, thread_id: int | None, replied: dict[str, Any] | None
) -> dict[str, Any]:
    """Thread fields of a message a user writes (`thread_id` as the test asked)."""
    if thread_id is not None:
        topic = chat.topics.get(thread_id) if chat.is_forum else None
        if topic is None or topic.deleted:
            raise KeyError(f"no live topic {thread_id} in chat {chat.id}: create_topic it first")
        return thread_fields(world, chat, thread_id, replied)
    if replied is None:
        return {}
    replied_topic = topic_of(replied) if chat.is_forum else None
    if replied_topic is not None:
        return thread_fields(world, chat, replied_topic, replied)
    fields: dict[str, Any] = {"reply_to_message": shallow(replied)}
    if chat.type == "supergroup":  # reply chains are threads too, though not topics
        fields["message_thread_id"] = replied.get("message_thread_id") or replied["message_id"]
    return fields


def new_topic(world: World, chat: Chat, topic: Topic, creator: dict[str, Any]) -> dict[str, Any]:
    """Store a topic and its forum_topic_created service message (whose id is the topic's)."""
    if topic.thread_id <= 1:
        raise ValueError("thread id 1 is General's (which is no topic); pick 2 or more")
    if topic.thread_id < chat.next_message_id:
        raise ValueError(
            f"message id {topic.thread_id} is already taken in chat {chat.id}; "
            f"pick a thread id >= {chat.next_message_id}"
        )
    chat.next_message_id = topic.thread_id
    chat.topics[topic.thread_id] = topic
    created = {"name": topic.name, "icon_color": topic.icon_color}
    if topic.icon_custom_emoji_id:
        created["icon_custom_emoji_id"] = topic.icon_custom_emoji_id
    return world.new_message(
        chat,
        **{"from": creator},
        message_thread_id=topic.thread_id,
        is_topic_message=True,
        forum_topic_created=created,
    )


def drop_topic(world: World, chat: Chat, thread_id: int) -> int:
    """Delete a topic with every message in it, as Telegram does; returns how many went."""
    chat.topics[thread_id].deleted = True
    doomed = [
        key
        for key, message in world.messages.items()
        if key[0] == chat.id and topic_of(message) == thread_id
    ]
    for key in doomed:
        del world.messages[key]
        if key in world.sent:
            world.sent[key].deleted = True
    return len(doomed)
