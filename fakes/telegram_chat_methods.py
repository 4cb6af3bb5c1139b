"""getChat, getChatMember, getChatAdministrators and leaveChat in the fake Telegram.

A mixin of `BotApiMethods`; callers hold the fake's lock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fakes.telegram_world import World, bad_request


class ChatMethods:
    """The bot looking at chats and leaving them."""

    world: World
    queue_update: Callable[[str, dict[str, Any]], Any]

    def get_chat(self, params: dict[str, Any]) -> Any:
        chat = self.world.resolve(params.get("chat_id"))
        self.world.check_member_access(chat)
        return chat.full_info()

    def get_chat_member(self, params: dict[str, Any]) -> Any:
        chat = self.world.resolve(params.get("chat_id"))
        self.world.check_member_access(chat)
        user_id = params.get("user_id")
        if not isinstance(user_id, int):
            raise bad_request("user_id is empty" if user_id in (None, "") else "user not found")
        return self.world.member(chat, user_id)

    def get_chat_administrators(self, params: dict[str, Any]) -> Any:
        chat = self.world.resolve(params.get("chat_id"))
        self.world.check_member_access(chat)
        return self.world.administrators(chat)

    def leave_chat(self, params: dict[str, Any]) -> Any:
        chat = self.world.resolve(params.get("chat_id"))
        if chat.is_private:
            raise bad_request("chat member status can't be changed in private chats")
        self.world.check_member_access(chat)
        bot = self.world.bot_user
        old = self.world.member(chat, bot["id"])
        chat.bot_left, chat.bot_is_admin = True, False
        self.queue_update(
            "my_chat_member",
            {
                "chat": chat.as_dict(),
                "from": bot,
                "date": int(time.time()),
                "old_chat_member": old,
                "new_chat_member": {"status": "left", "user": bot},
            },
        )
        return True


CHAT_METHODS = {
    "getchat": ChatMethods.get_chat,
    "getchatmember": ChatMethods.get_chat_member,
    "getchatadministrators": ChatMethods.get_chat_administrators,
    "leavechat": ChatMethods.leave_chat,
}
