"""Setting up the fake Telegram's world: users, groups, forums, channels, the bot's standing.

A mixin of `FakeTelegram`; every method changes the world silently (no update for the bot;
see telegram_inject.py for what the bot hears about).
"""

from __future__ import annotations

import threading
from collections.abc import Iterable
from typing import Any

from fakes.telegram_world import Chat, World


class WorldSetup:
    """Users, chats and the bot's rights in them."""

    lock: threading.RLock
    world: World

    @property
    def bot_user(self) -> dict[str, Any]:
        """The bot's own User object."""
        return dict(self.world.bot_user)

    def add_user(
        self,
        user_id: int,
        first_name: str = "Test User",
        language_code: str | None = "ru",
        username: str | None = None,
    ) -> dict[str, Any]:
        """A Telegram user; their private chat opens once they write to the bot."""
        with self.lock:
            return dict(self.world.add_user(user_id, first_name, language_code, username))

    def add_group(
        self,
        chat_id: int,
        title: str,
        *,
        type: str = "supergroup",
        admins: Iterable[int] = (),
        bot_is_admin: bool = True,
        username: str | None = None,
        is_forum: bool = False,
        bot_can_manage_topics: bool = True,
    ) -> dict[str, Any]:
        """A group with the bot in it; the first admin is the creator; forums are supergroups."""
        if is_forum and type != "supergroup":
            raise ValueError("only a supergroup can be a forum")
        return self._add_chat(
            chat_id,
            title,
            type_=type,
            admins=admins,
            bot_is_admin=bot_is_admin,
            username=username,
            is_forum=is_forum,
            bot_can_manage_topics=bot_can_manage_topics,
        )

    def add_forum(
        self,
        chat_id: int,
        title: str,
        *,
        admins: Iterable[int] = (),
        bot_is_admin: bool = True,
        bot_can_manage_topics: bool = True,
        username: str | None = None,
    ) -> dict[str, Any]:
        """A forum supergroup with the bot in it (is_forum in its Chat objects)."""
        return self.add_group(
            chat_id,
            title,
            admins=admins,
            bot_is_admin=bot_is_admin,
            username=username,
            is_forum=True,
            bot_can_manage_topics=bot_can_manage_topics,
        )

    def add_channel(
        self,
        chat_id: int,
        title: str,
        username: str | None = None,
        *,
        admins: Iterable[int] = (),
        bot_is_admin: bool = True,
    ) -> dict[str, Any]:
        """A channel, resolvable by "@username" when it has one."""
        return self._add_chat(
            chat_id,
            title,
            type_="channel",
            admins=admins,
            bot_is_admin=bot_is_admin,
            username=username,
        )

    def _add_chat(
        self,
        chat_id: int,
        title: str,
        *,
        type_: str,
        admins: Iterable[int],
        bot_is_admin: bool,
        username: str | None,
        is_forum: bool = False,
        bot_can_manage_topics: bool = True,
    ) -> dict[str, Any]:
        with self.lock:
            admin_ids = list(admins)
            for user_id in admin_ids:
                self.world.user(user_id)
            chat = Chat(
                chat_id,
                type_,
                title=title,
                username=username.lstrip("@") if username else None,
                creator=admin_ids[0] if admin_ids else None,
                admins=set(admin_ids),
                members=set(admin_ids),
                bot_is_admin=bot_is_admin,
                is_forum=is_forum,
                bot_can_manage_topics=bot_can_manage_topics,
            )
            return self.world.add_chat(chat).as_dict()

    def set_bot_admin(self, chat_id: int, is_admin: bool = True) -> None:
        """Promote or demote the bot silently (no update; see my_chat_member for that)."""
        with self.lock:
            self.world.chats[chat_id].bot_is_admin = is_admin

    def set_bot_can_manage_topics(self, chat_id: int, allowed: bool = True) -> None:
        """Grant or take an admin bot's right to manage topics (it lets it post in closed ones)."""
        with self.lock:
            self.world.chats[chat_id].bot_can_manage_topics = allowed

    def block(self, chat_id: int) -> None:
        """The user blocks the bot (private) or the bot is kicked (groups, channels)."""
        with self.lock:
            self.world.chats[chat_id].blocked = True

    def unblock(self, chat_id: int) -> None:
        """Undo `block`."""
        with self.lock:
            self.world.chats[chat_id].blocked = False
