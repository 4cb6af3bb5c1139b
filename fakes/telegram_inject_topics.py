"""Forum supergroups and their topics in the fake Telegram, as admins manage them.

A mixin of `FakeTelegram`. A topic's id is the message_id of its forum_topic_created service
message (a test may choose it, e.g. 7, if that id is still free in the chat). Service messages
reach the bot only with `announce=True`; by default topics change silently, so message ids and
pending updates stay as a test expects.
"""

from __future__ import annotations

from typing import Any

from fakes.telegram_inject import UpdateInjection
from fakes.telegram_topics import drop_topic, new_topic, thread_fields
from fakes.telegram_world import Chat, Topic

DEFAULT_ICON_COLOR = 7322096  # 0x6FB9F0, the first of the six colours Telegram allows


class TopicInjection(UpdateInjection):
    """Topic lifecycle: create, close, reopen, delete (add_forum is in telegram_setup.py)."""

    def create_topic(
        self,
        chat_id: int,
        name: str,
        *,
        thread_id: int | None = None,
        icon_color: int = DEFAULT_ICON_COLOR,
        icon_custom_emoji_id: str | None = None,
        by_user_id: int | None = None,
        announce: bool = False,
    ) -> int:
        """Create a topic (by the chat's creator unless `by_user_id`); returns its thread id."""
        with self.lock:
            chat = self._forum(chat_id)
            # Message 1 of a real supergroup is its creation, so topics start at 2 at the least.
            thread_id = thread_id or max(chat.next_message_id, 2)
            topic = Topic(thread_id, name, icon_color, icon_custom_emoji_id)
            message = new_topic(self.world, chat, topic, self._actor(chat, by_user_id))
            if announce:
                self._push("message", message)
            return topic.thread_id

    def close_topic(
        self, chat_id: int, thread_id: int, *, by_user_id: int | None = None, announce: bool = False
    ) -> None:
        """Close a topic: only admins that can manage topics may post there now."""
        self._set_closed(chat_id, thread_id, True, by_user_id, announce)

    def reopen_topic(
        self, chat_id: int, thread_id: int, *, by_user_id: int | None = None, announce: bool = False
    ) -> None:
        """Reopen a closed topic."""
        self._set_closed(chat_id, thread_id, False, by_user_id, announce)

    def delete_topic(self, chat_id: int, thread_id: int) -> int:
        """Delete a topic and every message in it (no update); returns how many messages went."""
        with self.changed:
            chat = self._forum(chat_id)
            self._live_topic(chat, thread_id)
            deleted = drop_topic(self.world, chat, thread_id)
            self.changed.notify_all()
            return deleted

    # --- helpers -------------------------------------------------------------------------------
    def _forum(self, chat_id: int) -> Chat:
        chat = self._group(chat_id)
        if not chat.is_forum:
            raise ValueError(f"chat {chat_id} is not a forum: add it with add_forum")
        return chat

    @staticmethod
    def _live_topic(chat: Chat, thread_id: int) -> Topic:
        topic = chat.topics.get(thread_id)
        if topic is None or topic.deleted:
            raise KeyError(f"no live topic {thread_id} in chat {chat.id}")
        return topic

    def _actor(self, chat: Chat, user_id: int | None) -> dict[str, Any]:
        if user_id is not None:
            return self.world.user(user_id)
        if chat.creator is not None:
            return self.world.user(chat.creator)
        return self.world.bot_user

    def _set_closed(
        self, chat_id: int, thread_id: int, closed: bool, by_user_id: int | None, announce: bool
    ) -> None:
        with self.changed:
            chat = self._forum(chat_id)
            self._live_topic(chat, thread_id).closed = closed
            if announce:
                service = "forum_topic_closed" if closed else "forum_topic_reopened"
                message = self.world.new_message(
                    chat,
                    **{"from": self._actor(chat, by_user_id), service: {}},
                    **thread_fields(self.world, chat, thread_id, None),
                )
                self._push("message", message)
            self.changed.notify_all()
