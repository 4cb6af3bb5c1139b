"""Update injection for the fake Telegram: what users, admins and Telegram itself do.

A mixin of `FakeTelegram`: every method changes the world under the lock, queues the update
for getUpdates, wakes long polls and returns what a test needs (a message, a query id, ...).
"""

from __future__ import annotations

import itertools
import re
import threading
import time
from typing import Any

from fakes.telegram_html import utf16_len
from fakes.telegram_methods import BotApiMethods
from fakes.telegram_topics import user_thread_fields
from fakes.telegram_world import GROUP_ANONYMOUS_BOT, Chat, World, member_dict

_BOT_COMMAND = re.compile(r"(?<!\S)/[A-Za-z0-9_]{1,64}(?:@[A-Za-z0-9_]{3,32})?")
_query_ids = itertools.count(1)


def command_entities(text: str) -> list[dict[str, Any]]:
    """The bot_command entities Telegram computes for a text (UTF-16 offsets)."""
    return [
        {
            "type": "bot_command",
            "offset": utf16_len(text[: match.start()]),
            "length": utf16_len(match.group(0)),
        }
        for match in _BOT_COMMAND.finditer(text)
    ]


class UpdateInjection:
    """Methods that make things happen on the Telegram side."""

    lock: threading.RLock
    changed: threading.Condition
    world: World
    methods: BotApiMethods

    def _push(self, kind: str, payload: dict[str, Any]) -> dict[str, Any]:
        with self.changed:
            update = self.world.push_update(kind, payload)
            self.changed.notify_all()
            return update

    def _group(self, chat_id: int) -> Chat:
        chat = self.world.chats.get(chat_id)
        if chat is None:
            raise KeyError(f"unknown chat {chat_id}: add_group/add_channel it first")
        return chat

    def _user_message(
        self,
        chat: Chat,
        sender: dict[str, Any],
        reply_to: int | None,
        thread_id: int | None,
        **content: Any,
    ) -> dict[str, Any]:
        """Store a message from a user: its reply and forum topic resolved as Telegram does."""
        replied = self.world.messages.get((chat.id, reply_to)) if reply_to else None
        if reply_to and replied is None:
            raise KeyError(f"no message {reply_to} in chat {chat.id} to reply to")
        return self.world.new_message(
            chat,
            **{"from": sender},
            **content,
            **user_thread_fields(self.world, chat, thread_id, replied),
        )

    def _sender_chat(self, chat_id: int, user_id: int) -> tuple[Chat, dict[str, Any]]:
        """The chat a user writes in (their private chat when chat_id == user_id) and the user."""
        user = self.world.user(user_id)
        chat = self.world.private_chat(user_id) if chat_id == user_id else self._group(chat_id)
        chat.members.add(user_id)
        return chat, user

    def send_text(
        self,
        chat_id: int,
        user_id: int,
        text: str,
        *,
        reply_to: int | None = None,
        thread_id: int | None = None,
    ) -> dict[str, Any]:
        """A user writes `text` (a private chat when chat_id == user_id); returns the message.

        `thread_id` puts it in that forum topic; a reply without one lands in the replied
        message's topic.
        """
        with self.lock:
            chat, user = self._sender_chat(chat_id, user_id)
            entities = command_entities(text) or None
            message = self._user_message(
                chat, user, reply_to, thread_id, text=text, entities=entities
            )
            self._push("message", message)
            return dict(message)

    def send_anonymous_admin_text(
        self,
        chat_id: int,
        text: str,
        *,
        reply_to: int | None = None,
        thread_id: int | None = None,
    ) -> dict[str, Any]:
        """An anonymous group admin writes: from GroupAnonymousBot, sender_chat the group."""
        with self.lock:
            chat = self._group(chat_id)
            message = self._user_message(
                chat,
                dict(GROUP_ANONYMOUS_BOT),
                reply_to,
                thread_id,
                sender_chat=chat.as_dict(),
                text=text,
                entities=command_entities(text) or None,
            )
            self._push("message", message)
            return dict(message)

    def channel_post(self, chat_id: int, text: str) -> dict[str, Any]:
        """A post in a channel (update.channel_post, no `from`, sender_chat the channel)."""
        with self.lock:
            chat = self._group(chat_id)
            message = self.world.new_message(
                chat,
                sender_chat=chat.as_dict(),
                text=text,
                entities=command_entities(text) or None,
            )
            self._push("channel_post", message)
            return dict(message)

    def press_button(self, chat_id: int, message_id: int, user_id: int, data: str) -> str:
        """A user presses an inline button of a bot message; returns the callback query id."""
        with self.lock:
            message = self.world.messages.get((chat_id, message_id))
            if message is None:
                raise KeyError(f"no message {message_id} in chat {chat_id}")
            query_id = str(next(_query_ids) * 1_000_003)
            self.methods.callback_queries[query_id] = False
            query = {
                "id": query_id,
                "from": self.world.user(user_id),
                "message": dict(message),
                "chat_instance": str(-abs(chat_id)),
                "data": data,
            }
            self._push("callback_query", query)
            return query_id

    def my_chat_member(
        self, chat_id: int, *, old_status: str, new_status: str, by_user_id: int
    ) -> dict[str, Any]:
        """The bot's status changes (added, promoted, kicked, blocked); returns the update."""
        with self.lock:
            if chat_id in self.world.chats:
                chat = self.world.chats[chat_id]
            elif chat_id == by_user_id:
                chat = self.world.private_chat(chat_id)
            else:
                chat = self._group(chat_id)
            _apply_bot_status(chat, new_status)
            bot = self.world.bot_user
            return self._push(
                "my_chat_member",
                {
                    "chat": chat.as_dict(),
                    "from": self.world.user(by_user_id),
                    "date": int(time.time()),
                    "old_chat_member": member_dict(old_status, bot, chat),
                    "new_chat_member": member_dict(new_status, bot, chat),
                },
            )

    def migrate(self, old_id: int, new_id: int) -> Chat:
        """Upgrade a group to a supergroup: the old id refuses with migrate_to_chat_id."""
        with self.changed:
            old = self._group(old_id)
            old.migrated_to = new_id
            new = Chat(
                new_id,
                "supergroup",
                title=old.title,
                creator=old.creator,
                admins=set(old.admins),
                members=set(old.members),
                bot_is_admin=old.bot_is_admin,
            )
            self.world.add_chat(new)
            self.changed.notify_all()
            return new

    def migrate_update(self, old_id: int, new_id: int) -> tuple[dict[str, Any], dict[str, Any]]:
        """Migrate and send both service messages; returns (old chat's, new chat's)."""
        with self.lock:
            old = self._group(old_id)
            new = self.migrate(old_id, new_id)
            actor = self.world.user(old.creator) if old.creator is not None else None
            first = self.world.new_message(old, **{"from": actor}, migrate_to_chat_id=new_id)
            self._push("message", first)
            second = self.world.new_message(
                new, **{"from": dict(GROUP_ANONYMOUS_BOT)}, migrate_from_chat_id=old_id
            )
            second["sender_chat"] = new.as_dict()
            self._push("message", second)
            return dict(first), dict(second)


def _apply_bot_status(chat: Chat, status: str) -> None:
    """Reflect a my_chat_member change in what the bot may do."""
    chat.blocked = status == "kicked"
    chat.bot_left = status == "left"
    chat.bot_is_admin = status == "administrator"
