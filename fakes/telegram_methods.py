"""Bot API methods of the fake Telegram (all but getUpdates, which waits; see telegram.py).

Each method takes normalized parameters and returns the `result` or raises `ApiError`.
Callers hold the fake's lock.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from typing import Any

from fakes.telegram_chat_methods import CHAT_METHODS, ChatMethods
from fakes.telegram_file_methods import FILE_METHODS, FileMethods
from fakes.telegram_files import FileStore
from fakes.telegram_limits import RateLimiter
from fakes.telegram_profile import PROFILE_METHODS, ProfileMethods
from fakes.telegram_records import ChatActionRecord, SentMessage
from fakes.telegram_world import ApiError, Chat, World, bad_request

NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)


class BotApiMethods(FileMethods, ProfileMethods, ChatMethods):
    """State that only the Bot API methods touch, and the methods themselves.

    Sending lives in telegram_send.py, files in telegram_file_methods.py, commands and
    descriptions in telegram_profile.py, chats in telegram_chat_methods.py; this class holds
    their state and the rest.
    """

    def __init__(self, world: World, queue_update: Callable[[str, dict[str, Any]], Any]) -> None:
        self.world = world
        self.queue_update = queue_update
        self.limiter = RateLimiter()
        self.enforce_limits = False
        self.too_many_requests = 0
        self.webhook: dict[str, Any] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.profile: dict[tuple[str, str], str] = {}
        self.callback_queries: dict[str, bool] = {}  # id -> answered
        self.callback_answers: list[dict[str, Any]] = []
        self.callback_answer_log: list[dict[str, Any]] = []  # with "at" and "index"
        self.chat_actions: list[ChatActionRecord] = []
        self.files = FileStore()
        self.call_index = -1  # set by the server before each call

    def call(self, method: str, params: dict[str, Any]) -> Any:
        """Run one method by name (case-insensitive, like Telegram); 404 when unknown."""
        handler = _METHODS.get(method.lower())
        if handler is None:
            raise ApiError(404, "Not Found")
        return handler(self, params)

    # --- the bot itself and the webhook ----------------------------------------------------
    def get_me(self, params: dict[str, Any]) -> Any:
        return {
            **self.world.bot_user,
            "can_join_groups": True,
            "can_read_all_group_messages": False,
            "supports_inline_queries": False,
        }

    def set_webhook(self, params: dict[str, Any]) -> Any:
        if params.get("drop_pending_updates"):
            self.world.updates.clear()
        self.webhook = {key: value for key, value in params.items() if key != "certificate"}
        return True

    def delete_webhook(self, params: dict[str, Any]) -> Any:
        if params.get("drop_pending_updates"):
            self.world.updates.clear()
        self.webhook = {}
        return True

    def get_webhook_info(self, params: dict[str, Any]) -> Any:
        return {
            "url": self.webhook.get("url", ""),
            "has_custom_certificate": False,
            "pending_update_count": len(self.world.updates),
        }

    def simple_true(self, params: dict[str, Any]) -> Any:
        return True

    # --- messages ------------------------------------------------------------------------------
    def edit_message_text(self, params: dict[str, Any]) -> Any:
        chat, record = self._editable(params)
        if record.kind != "text":
            raise bad_request("there is no text in the message to edit")
        text, entities = self._text(params)
        markup = self._markup(params)
        if (text, entities, markup) == (record.text, record.entities, record.reply_markup):
            raise bad_request(NOT_MODIFIED)
        self._rate_limit(chat)
        record.text, record.raw_text, record.entities = text, params["text"], entities
        record.parse_mode = params.get("parse_mode")
        return self._apply_edit(chat, record, markup)

    def edit_message_caption(self, params: dict[str, Any]) -> Any:
        chat, record = self._editable(params)
        if record.kind == "text":
            raise bad_request("there is no caption in the message to edit")
        caption, entities = self._caption(params)
        markup = self._markup(params)
        if (caption, entities, markup) == (record.text, record.entities, record.reply_markup):
            raise bad_request(NOT_MODIFIED)
        self._rate_limit(chat)
        record.text, record.raw_text, record.entities = (
            caption,
            str(params.get("caption") or ""),
            entities,
        )
        record.parse_mode = params.get("parse_mode")
        return self._apply_edit(chat, record, markup)

    def edit_message_reply_markup(self, params: dict[str, Any]) -> Any:
        chat, record = self._editable(params)
        markup = self._markup(params)
        if markup == record.reply_markup:
            raise bad_request(NOT_MODIFIED)
        return self._apply_edit(chat, record, markup)

    def delete_message(self, params: dict[str, Any]) -> Any:
        chat = self.world.resolve(params.get("chat_id"))
        self.world.check_can_post(chat)
        key = (chat.id, _message_id(params))
        if key not in self.world.messages:
            raise bad_request("message to delete not found")
        own = key in self.world.sent
        # Telegram: private chats always; own messages in groups; anything when admin.
        if not (chat.is_private or (own and chat.type != "channel") or chat.bot_is_admin):
            raise bad_request("message can't be deleted")
        del self.world.messages[key]
        if own:
            self.world.sent[key].deleted = True
        return True

    def answer_callback_query(self, params: dict[str, Any]) -> Any:
        query_id = str(params.get("callback_query_id", ""))
        if self.callback_queries.get(query_id, True):
            raise bad_request(
                "query is too old and response timeout expired or query ID is invalid"
            )
        if len(str(params.get("text", ""))) > 200:
            raise bad_request("MESSAGE_TOO_LONG")
        self.callback_queries[query_id] = True
        self.callback_answers.append(dict(params))
        self.callback_answer_log.append(
            {
                "callback_query_id": query_id,
                "text": params.get("text"),
                "show_alert": bool(params.get("show_alert")),
                "params": dict(params),
                "at": time.monotonic(),
                "index": self.call_index,
            }
        )
        return True

    # --- helpers -------------------------------------------------------------------------------
    def _editable(self, params: dict[str, Any]) -> tuple[Chat, SentMessage]:
        if params.get("inline_message_id"):
            raise bad_request("message to edit not found")
        chat = self.world.resolve(params.get("chat_id"))
        self.world.check_can_post(chat)
        key = (chat.id, _message_id(params))
        record = self.world.sent.get(key)
        if record is None and key in self.world.messages:
            raise bad_request("message can't be edited")
        if record is None or record.deleted:
            raise bad_request("message to edit not found")
        return chat, record

    def _apply_edit(
        self, chat: Chat, record: SentMessage, markup: dict[str, Any] | None
    ) -> dict[str, Any]:
        record.reply_markup = markup
        record.edit_count += 1
        record.edit_date = int(time.time())
        message = self.world.messages[(chat.id, record.message_id)]
        message["edit_date"] = record.edit_date
        text_key, entities_key = (
            ("text", "entities") if record.kind == "text" else ("caption", "caption_entities")
        )
        changes = (
            (text_key, record.text),
            (entities_key, record.entities),
            ("reply_markup", markup),
        )
        for key, value in changes:
            if value:
                message[key] = value
            else:
                message.pop(key, None)
        return dict(message)


def _message_id(params: dict[str, Any]) -> int:
    value = params.get("message_id")
    if not isinstance(value, int):
        raise bad_request("message identifier is not specified")
    return value


_METHODS: dict[str, Callable[[BotApiMethods, dict[str, Any]], Any]] = {
    **PROFILE_METHODS,
    **FILE_METHODS,
    **CHAT_METHODS,
    "getme": BotApiMethods.get_me,
    "setwebhook": BotApiMethods.set_webhook,
    "deletewebhook": BotApiMethods.delete_webhook,
    "getwebhookinfo": BotApiMethods.get_webhook_info,
    "close": BotApiMethods.simple_true,
    "logout": BotApiMethods.simple_true,
    "sendmessage": BotApiMethods.send_message,
    "sendchataction": BotApiMethods.send_chat_action,
    "editmessagetext": BotApiMethods.edit_message_text,
    "editmessagecaption": BotApiMethods.edit_message_caption,
    "editmessagereplymarkup": BotApiMethods.edit_message_reply_markup,
    "deletemessage": BotApiMethods.delete_message,
    "answercallbackquery": BotApiMethods.answer_callback_query,
}
