"""Bot API methods of the fake Telegram (all but getUpdates, which waits; see telegram.py).

Each method takes normalized parameters and returns the `result` or raises `ApiError`.
Callers hold the fake's lock.
"""

from __future__ import annotations

import json
import re
import time
from collections.abc import Callable
from typing import Any

from fakes.telegram_html import MAX_TEXT_LENGTH, EntityParseError, parse_text
from fakes.telegram_limits import RateLimiter
from fakes.telegram_world import ApiError, Chat, SentMessage, World, bad_request, shallow

# Form-encoded requests carry these as JSON strings (PTB's RequestParameter.json_value).
JSON_FIELDS = frozenset(
    {"reply_markup", "entities", "commands", "scope", "reply_parameters", "link_preview_options"}
)
INT_FIELDS = frozenset(
    {"chat_id", "message_id", "user_id", "offset", "limit", "timeout", "message_thread_id"}
)
BOOL_FIELDS = frozenset(
    {"disable_notification", "protect_content", "drop_pending_updates", "show_alert"}
)
NOT_MODIFIED = (
    "message is not modified: specified new message content and reply markup are exactly "
    "the same as a current content and reply markup of the message"
)
_COMMAND = re.compile(r"[a-z0-9_]{1,32}")


def normalize_params(params: dict[str, Any]) -> dict[str, Any]:
    """Decode form strings the way Telegram does: JSON objects, integers, booleans."""
    result = dict(params)
    for key, value in params.items():
        if not isinstance(value, str):
            continue
        if key in JSON_FIELDS:
            try:
                result[key] = json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {key} JSON object") from None
        elif key in INT_FIELDS and re.fullmatch(r"-?\d+", value.strip()):
            result[key] = int(value)
        elif key in BOOL_FIELDS:
            result[key] = value.lower() in {"true", "1"}
    return result


class BotApiMethods:
    """State that only the Bot API methods touch, and the methods themselves."""

    def __init__(self, world: World, queue_update: Callable[[str, dict[str, Any]], Any]) -> None:
        self.world = world
        self.queue_update = queue_update
        self.limiter = RateLimiter()
        self.enforce_limits = False
        self.too_many_requests = 0
        self.webhook: dict[str, Any] = {}
        self.commands: dict[tuple[str, str], list[dict[str, Any]]] = {}
        self.callback_queries: dict[str, bool] = {}  # id -> answered
        self.callback_answers: list[dict[str, Any]] = []

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

    # --- commands ------------------------------------------------------------------------------
    @staticmethod
    def commands_key(scope: Any, language_code: Any) -> tuple[str, str]:
        """Storage key of a command list: canonical scope JSON and language code."""
        return json.dumps(scope or {"type": "default"}, sort_keys=True), str(language_code or "")

    def set_my_commands(self, params: dict[str, Any]) -> Any:
        commands = params.get("commands")
        if not isinstance(commands, list):
            raise bad_request("can't parse commands JSON object")
        for command in commands:
            name, description = command.get("command", ""), command.get("description", "")
            if not _COMMAND.fullmatch(name) or not 1 <= len(description) <= 256:
                raise bad_request("BOT_COMMAND_INVALID")
        key = self.commands_key(params.get("scope"), params.get("language_code"))
        self.commands[key] = [dict(command) for command in commands]
        return True

    def get_my_commands(self, params: dict[str, Any]) -> Any:
        key = self.commands_key(params.get("scope"), params.get("language_code"))
        return self.commands.get(key, [])

    def delete_my_commands(self, params: dict[str, Any]) -> Any:
        self.commands.pop(self.commands_key(params.get("scope"), params.get("language_code")), None)
        return True

    # --- messages ------------------------------------------------------------------------------
    def send_message(self, params: dict[str, Any]) -> Any:
        chat = self.world.resolve(params.get("chat_id"))
        self.world.check_can_post(chat)
        text, entities = self._text(params)
        markup = self._markup(params)
        reply_to = self._reply_to(chat, params)
        self._rate_limit(chat)
        sender = {"sender_chat": chat.as_dict()} if chat.type == "channel" else {}
        message = self.world.new_message(
            chat,
            **{"from": None if sender else self.world.bot_user},
            **sender,
            text=text,
            entities=entities or None,
            reply_markup=markup,
            reply_to_message=shallow(self.world.messages.get((chat.id, reply_to or 0))),
        )
        record = SentMessage(
            chat_id=chat.id,
            message_id=message["message_id"],
            text=text,
            raw_text=params["text"],
            parse_mode=params.get("parse_mode"),
            entities=entities,
            reply_markup=markup,
            date=message["date"],
            reply_to_message_id=reply_to,
            disable_notification=bool(params.get("disable_notification")),
            link_preview_options=params.get("link_preview_options"),
        )
        key = (chat.id, record.message_id)
        self.world.sent[key] = record
        self.world.sent_order.append(key)
        return message

    def edit_message_text(self, params: dict[str, Any]) -> Any:
        chat, record = self._editable(params)
        text, entities = self._text(params)
        markup = self._markup(params)
        if (text, entities, markup) == (record.text, record.entities, record.reply_markup):
            raise bad_request(NOT_MODIFIED)
        self._rate_limit(chat)
        record.text, record.raw_text, record.entities = text, params["text"], entities
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
        return True

    # --- chats and members ---------------------------------------------------------------------
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

    # --- helpers -------------------------------------------------------------------------------
    def _text(self, params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        raw = params.get("text")
        if raw is None or raw == "":
            raise bad_request("message text is empty")
        try:
            text, entities = parse_text(str(raw), params.get("parse_mode"))
        except EntityParseError as exc:
            raise ApiError(400, exc.description) from None
        if not text.strip():
            raise bad_request("message text is empty")
        if len(text) > MAX_TEXT_LENGTH:
            raise bad_request("message is too long")
        return text, entities

    @staticmethod
    def _markup(params: dict[str, Any]) -> dict[str, Any] | None:
        markup = params.get("reply_markup")
        if markup is None:
            return None
        if not isinstance(markup, dict):
            raise bad_request("can't parse reply keyboard markup JSON object")
        for row in markup.get("inline_keyboard", []):
            for button in row:
                if not button.get("text"):
                    raise bad_request("text buttons are unallowed in the inline keyboard")
                if len(str(button.get("callback_data", "")).encode()) > 64:
                    raise bad_request("BUTTON_DATA_INVALID")
        return markup

    def _reply_to(self, chat: Chat, params: dict[str, Any]) -> int | None:
        reply = params.get("reply_parameters") or {}
        message_id = reply.get("message_id") or params.get("reply_to_message_id")
        if message_id is None:
            return None
        message_id = int(message_id)
        if (chat.id, message_id) not in self.world.messages and not reply.get(
            "allow_sending_without_reply"
        ):
            raise bad_request("message to be replied not found")
        return message_id

    def _rate_limit(self, chat: Chat) -> None:
        if not self.enforce_limits:
            return
        retry_after = self.limiter.check(chat.id, private=chat.is_private)
        if retry_after is not None:
            self.too_many_requests += 1
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )

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
        message.update(text=record.text, edit_date=record.edit_date)
        for key, value in (("entities", record.entities), ("reply_markup", markup)):
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
    "getme": BotApiMethods.get_me,
    "setwebhook": BotApiMethods.set_webhook,
    "deletewebhook": BotApiMethods.delete_webhook,
    "getwebhookinfo": BotApiMethods.get_webhook_info,
    "close": BotApiMethods.simple_true,
    "logout": BotApiMethods.simple_true,
    "setmycommands": BotApiMethods.set_my_commands,
    "getmycommands": BotApiMethods.get_my_commands,
    "deletemycommands": BotApiMethods.delete_my_commands,
    "sendmessage": BotApiMethods.send_message,
    "editmessagetext": BotApiMethods.edit_message_text,
    "editmessagereplymarkup": BotApiMethods.edit_message_reply_markup,
    "deletemessage": BotApiMethods.delete_message,
    "answercallbackquery": BotApiMethods.answer_callback_query,
    "getchat": BotApiMethods.get_chat,
    "getchatmember": BotApiMethods.get_chat_member,
    "getchatadministrators": BotApiMethods.get_chat_administrators,
    "leavechat": BotApiMethods.leave_chat,
}
