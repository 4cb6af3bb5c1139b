"""Talking to the running bot through the fake Bot API: say something, wait for the answer."""

from __future__ import annotations

from typing import Any

from fakes.telegram import FakeTelegram

REPLY_TIMEOUT = 15.0


class Talk:
    """A user's view of the conversation: messages in, the bot's replies and edits out."""

    def __init__(self, telegram: FakeTelegram) -> None:
        self.telegram = telegram

    def say(self, chat_id: int, user_id: int, text: str, *, expect: str) -> dict[str, Any]:
        """Send `text` and wait for the bot's next message in the chat that contains `expect`."""
        sent = self.telegram.send_text(chat_id, user_id, text)
        return self.telegram.wait_for_message(
            chat_id, contains=expect, after=sent["message_id"], timeout=REPLY_TIMEOUT
        )

    def post(self, channel_id: int, text: str, *, expect: str) -> dict[str, Any]:
        """Post in a channel and wait for the bot's answer there."""
        sent = self.telegram.channel_post(channel_id, text)
        return self.telegram.wait_for_message(
            channel_id, contains=expect, after=sent["message_id"], timeout=REPLY_TIMEOUT
        )

    def press(
        self, message: dict[str, Any], user_id: int, data: str, *, expect: str
    ) -> dict[str, Any]:
        """Press a button of a bot message and wait until the message is edited to `expect`."""
        chat_id, message_id = message["chat_id"], message["message_id"]
        self.telegram.press_button(chat_id, message_id, user_id, data)
        return self.telegram.wait_for_edit(
            chat_id,
            message_id,
            contains=expect,
            min_edits=message["edit_count"] + 1,
            timeout=REPLY_TIMEOUT,
        )

    def press_for_reply(
        self, message: dict[str, Any], user_id: int, data: str, *, expect: str
    ) -> dict[str, Any]:
        """Press a button that answers with a new message."""
        chat_id = message["chat_id"]
        before = max((m["message_id"] for m in self.telegram.sent(chat_id)), default=0)
        self.telegram.press_button(chat_id, message["message_id"], user_id, data)
        return self.telegram.wait_for_message(
            chat_id, contains=expect, after=before, timeout=REPLY_TIMEOUT
        )

    def alert_for(self, message: dict[str, Any], user_id: int, data: str) -> dict[str, Any]:
        """Press a button and wait for the bot's answer to the callback query."""
        query_id = self.telegram.press_button(
            message["chat_id"], message["message_id"], user_id, data
        )
        return self.telegram.wait_for_request(
            "answerCallbackQuery",
            predicate=lambda params: str(params.get("callback_query_id")) == query_id,
            timeout=REPLY_TIMEOUT,
        )

    def exists(self, chat_id: int, message_id: int) -> bool:
        """Whether a user's message is still in the chat (the bot may have deleted it)."""
        with self.telegram.lock:
            return (chat_id, message_id) in self.telegram.world.messages


def buttons(message: dict[str, Any]) -> list[str]:
    """The callback data of every inline button of a message."""
    markup = message.get("reply_markup") or {}
    return [b.get("callback_data", "") for row in markup.get("inline_keyboard", []) for b in row]
