"""The fake Telegram's world: users, chats, messages and the bot's own view of them.

Plain data plus the rules Telegram applies before it accepts a message (chat found, not
blocked, not migrated, allowed to post). Callers hold the fake's lock; nothing here locks.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any

from fakes.telegram_records import SentMessage  # also importable from here, its old home

GROUP_ANONYMOUS_BOT = {
    "id": 1087968824,
    "is_bot": True,
    "first_name": "Group",
    "username": "GroupAnonymousBot",
}


class ApiError(Exception):
    """A Bot API error answer: {"ok": false, "error_code": code, "description": ...}."""

    def __init__(self, code: int, description: str, parameters: dict[str, Any] | None = None):
        super().__init__(description)
        self.code = code
        self.description = description
        self.parameters = parameters

    def payload(self) -> dict[str, Any]:
        """The JSON body Telegram sends."""
        body: dict[str, Any] = {
            "ok": False,
            "error_code": self.code,
            "description": self.description,
        }
        if self.parameters:
            body["parameters"] = self.parameters
        return body


def bad_request(reason: str) -> ApiError:
    """400 with Telegram's "Bad Request: ..." prefix."""
    return ApiError(400, f"Bad Request: {reason}")


@dataclass
class Topic:
    """A forum topic; its id is the message_id of its forum_topic_created service message."""

    thread_id: int
    name: str
    icon_color: int = 7322096
    icon_custom_emoji_id: str | None = None
    closed: bool = False
    deleted: bool = False

    def as_dict(self) -> dict[str, Any]:
        """The `ForumTopic` object."""
        topic: dict[str, Any] = {
            "message_thread_id": self.thread_id,
            "name": self.name,
            "icon_color": self.icon_color,
        }
        if self.icon_custom_emoji_id:
            topic["icon_custom_emoji_id"] = self.icon_custom_emoji_id
        return topic


@dataclass
class Chat:
    """A chat as Telegram knows it; the bot's membership is tracked on the chat."""

    id: int
    type: str  # private, group, supergroup, channel
    title: str | None = None
    username: str | None = None  # without the leading '@'
    first_name: str | None = None
    creator: int | None = None
    admins: set[int] = field(default_factory=set)
    members: set[int] = field(default_factory=set)
    bot_is_admin: bool = False
    bot_left: bool = False
    blocked: bool = False  # private: the user blocked the bot; others: the bot was kicked
    migrated_to: int | None = None
    next_message_id: int = 1
    is_forum: bool = False
    topics: dict[int, Topic] = field(default_factory=dict)
    bot_can_manage_topics: bool = True  # only matters while the bot is an admin of a forum

    @property
    def is_private(self) -> bool:
        """Whether this is a one-to-one chat with a user."""
        return self.type == "private"

    def as_dict(self) -> dict[str, Any]:
        """The Telegram `Chat` object."""
        chat: dict[str, Any] = {"id": self.id, "type": self.type}
        for key in ("title", "username", "first_name"):
            if getattr(self, key) is not None:
                chat[key] = getattr(self, key)
        if self.is_forum:
            chat["is_forum"] = True
        return chat

    def full_info(self) -> dict[str, Any]:
        """The `ChatFullInfo` object getChat returns (with the fields PTB requires)."""
        gifts = dict.fromkeys(
            (
                "unlimited_gifts",
                "limited_gifts",
                "unique_gifts",
                "premium_subscription",
                "gifts_from_channels",
            ),
            True,
        )
        return {
            **self.as_dict(),
            "accent_color_id": 0,
            "max_reaction_count": 11,
            "accepted_gift_types": gifts,
        }


def _status_messages(chat: Chat) -> tuple[str, str]:
    """Telegram's (kicked, not a member) texts for a group-like chat."""
    kind = {"group": "group chat", "supergroup": "supergroup chat"}.get(chat.type, "channel chat")
    return (
        f"Forbidden: bot was kicked from the {kind}",
        f"Forbidden: bot is not a member of the {kind}",
    )


class World:
    """Users, chats and every message; the bot's messages also as `SentMessage` records."""

    def __init__(self, bot_user: dict[str, Any]) -> None:
        self.bot_user = bot_user
        self.users: dict[int, dict[str, Any]] = {}
        self.chats: dict[int, Chat] = {}
        self.messages: dict[tuple[int, int], dict[str, Any]] = {}
        self.sent: dict[tuple[int, int], SentMessage] = {}
        self.sent_order: list[tuple[int, int]] = []
        self.updates: list[dict[str, Any]] = []  # not yet confirmed by a getUpdates offset
        self.next_update_id = 1

    def push_update(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        """Queue an update such as {"update_id": N, "message": {...}} for getUpdates."""
        update = {"update_id": self.next_update_id, kind: payload}
        self.next_update_id += 1
        self.updates.append(update)
        return update

    # --- users and chats -------------------------------------------------------------------
    def add_user(
        self, user_id: int, first_name: str, language_code: str | None, username: str | None
    ) -> dict[str, Any]:
        """Create or replace a user."""
        user: dict[str, Any] = {"id": user_id, "is_bot": False, "first_name": first_name}
        if username:
            user["username"] = username.lstrip("@")
        if language_code:
            user["language_code"] = language_code
        self.users[user_id] = user
        return user

    def user(self, user_id: int) -> dict[str, Any]:
        """A known user, created with a placeholder name when first seen."""
        if user_id not in self.users:
            self.add_user(user_id, f"User{user_id}", "ru", None)
        return self.users[user_id]

    def add_chat(self, chat: Chat) -> Chat:
        """Create or replace a chat."""
        self.chats[chat.id] = chat
        return chat

    def private_chat(self, user_id: int) -> Chat:
        """The user's private chat with the bot, opened if it is not yet."""
        if user_id not in self.chats:
            user = self.user(user_id)
            chat = Chat(
                user_id, "private", username=user.get("username"), first_name=user["first_name"]
            )
            self.add_chat(chat)
        return self.chats[user_id]

    def resolve(self, chat_id: Any) -> Chat:
        """The chat for a chat_id parameter (an id or an @username); 400 if unknown."""
        if chat_id is None or chat_id == "":
            raise bad_request("chat_id is empty")
        if isinstance(chat_id, str) and chat_id.startswith("@"):
            name = chat_id[1:].lower()
            for chat in self.chats.values():
                if chat.username and chat.username.lower() == name and not chat.is_private:
                    return chat
            raise bad_request("chat not found")
        try:
            key = int(chat_id)
        except (TypeError, ValueError):
            raise bad_request("chat not found") from None
        if key in self.chats:
            return self.chats[key]
        if key in self.users:
            raise ApiError(403, "Forbidden: bot can't initiate conversation with a user")
        raise bad_request("chat not found")

    def check_can_post(self, chat: Chat) -> None:
        """Raise the error Telegram gives when the bot may not write to this chat."""
        if chat.migrated_to is not None:
            raise ApiError(
                400,
                "Bad Request: group chat was upgraded to a supergroup chat",
                {"migrate_to_chat_id": chat.migrated_to},
            )
        if chat.is_private:
            if chat.blocked:
                raise ApiError(403, "Forbidden: bot was blocked by the user")
            return
        kicked, not_member = _status_messages(chat)
        if chat.blocked:
            raise ApiError(403, kicked)
        if chat.bot_left:
            raise ApiError(403, not_member)
        if chat.type == "channel" and not chat.bot_is_admin:
            raise bad_request("need administrator rights in the channel chat")

    def check_member_access(self, chat: Chat) -> None:
        """Errors for reading members of a group the bot is no longer in."""
        if chat.is_private:
            return
        kicked, not_member = _status_messages(chat)
        if chat.blocked:
            raise ApiError(403, kicked)
        if chat.bot_left:
            raise ApiError(403, not_member)

    # --- members -----------------------------------------------------------------------------
    def bot_status(self, chat: Chat) -> str:
        """The bot's ChatMember status in a chat."""
        if chat.blocked:
            return "kicked"
        if chat.bot_left:
            return "left"
        return "administrator" if chat.bot_is_admin and not chat.is_private else "member"

    def member(self, chat: Chat, user_id: int) -> dict[str, Any]:
        """The `ChatMember` object of a user (or the bot) in a chat."""
        if user_id == self.bot_user["id"]:
            return member_dict(self.bot_status(chat), self.bot_user, chat)
        if user_id not in self.users:
            raise bad_request("user not found")
        user = self.users[user_id]
        if chat.is_private:
            status = "member" if user_id == chat.id else "left"
        elif user_id == chat.creator:
            status = "creator"
        elif user_id in chat.admins:
            status = "administrator"
        else:
            status = "member" if user_id in chat.members else "left"
        return member_dict(status, user, chat)

    def administrators(self, chat: Chat) -> list[dict[str, Any]]:
        """getChatAdministrators: the creator first, then admins, then the bot if admin."""
        if chat.is_private:
            raise bad_request("there are no administrators in the private chat")
        ids = ([chat.creator] if chat.creator is not None else []) + sorted(
            chat.admins - {chat.creator}
        )
        result = [self.member(chat, user_id) for user_id in ids]
        if chat.bot_is_admin and not chat.bot_left and not chat.blocked:
            result.append(self.member(chat, self.bot_user["id"]))
        return result

    # --- messages ----------------------------------------------------------------------------
    def new_message(self, chat: Chat, **fields: Any) -> dict[str, Any]:
        """Store a message in a chat with the next message_id and the current date."""
        message_id = chat.next_message_id
        message: dict[str, Any] = {
            "message_id": message_id,
            "date": int(time.time()),
            "chat": chat.as_dict(),
        }
        message.update({key: value for key, value in fields.items() if value is not None})
        chat.next_message_id += 1
        self.messages[(chat.id, message_id)] = message
        return message

    def sent_in(self, chat_id: int) -> list[SentMessage]:
        """The bot's messages in one chat, oldest first."""
        return [self.sent[key] for key in self.sent_order if key[0] == chat_id]


def shallow(message: dict[str, Any] | None) -> dict[str, Any] | None:
    """A replied-to message without its own reply (Telegram nests one level only)."""
    if message is None:
        return None
    return {key: value for key, value in message.items() if key != "reply_to_message"}


def member_dict(status: str, user: dict[str, Any], chat: Chat) -> dict[str, Any]:
    """A ChatMember object of the given status with every field PTB requires."""
    member: dict[str, Any] = {"status": status, "user": user}
    if status == "creator":
        member["is_anonymous"] = False
    elif status == "administrator":
        member.update(
            can_be_edited=False,
            is_anonymous=False,
            can_manage_chat=True,
            can_delete_messages=True,
            can_manage_video_chats=True,
            can_restrict_members=True,
            can_promote_members=False,
            can_change_info=True,
            can_invite_users=True,
            can_post_stories=False,
            can_edit_stories=False,
            can_delete_stories=False,
        )
        if chat.type == "channel":
            member.update(can_post_messages=True, can_edit_messages=True)
        else:
            member["can_pin_messages"] = True
        if chat.is_forum:
            is_bot = user.get("is_bot", False)
            member["can_manage_topics"] = chat.bot_can_manage_topics if is_bot else True
    elif status == "kicked":
        member["until_date"] = 0
    return member
