"""Sending in the fake Telegram: the checks every send method shares, and what gets recorded.

A mixin of `BotApiMethods`: sendMessage and sendChatAction live here; sendDocument and sendPhoto
(telegram_file_methods.py) go through the same `_deliver`. Callers hold the fake's lock.
"""

from __future__ import annotations

import time
from collections.abc import Iterable
from typing import Any

from fakes.telegram_html import MAX_TEXT_LENGTH, EntityParseError, parse_text
from fakes.telegram_limits import RateLimiter
from fakes.telegram_records import ChatActionRecord, SentMessage
from fakes.telegram_topics import bot_thread, check_bot_may_post, thread_fields
from fakes.telegram_world import ApiError, Chat, World, bad_request

# What tdlib's Bot API accepts (lower-cased; the older audio names are aliases).
CHAT_ACTIONS = frozenset(
    {
        "cancel",
        "typing",
        "record_video",
        "upload_video",
        "record_audio",
        "record_voice",
        "upload_audio",
        "upload_voice",
        "upload_photo",
        "upload_document",
        "choose_sticker",
        "pick_up_location",
        "find_location",
        "record_video_note",
        "upload_video_note",
    }
)


class SendingMethods:
    """sendMessage, sendChatAction and the shared send pipeline."""

    world: World
    limiter: RateLimiter
    enforce_limits: bool
    too_many_requests: int
    call_index: int  # position of the running call in the fake's request log
    chat_actions: list[ChatActionRecord]

    def send_message(self, params: dict[str, Any]) -> Any:
        chat = self._target(params)
        text, entities = self._text(params)
        return self._deliver(
            chat,
            params,
            kind="text",
            text=text,
            raw_text=str(params["text"]),
            entities=entities,
            content={"text": text, "entities": entities or None},
        )

    def send_chat_action(self, params: dict[str, Any]) -> Any:
        chat = self._target(params)
        action = str(params.get("action") or "").lower()
        if action not in CHAT_ACTIONS:
            raise bad_request("wrong parameter action in request")
        thread_id = params.get("message_thread_id")
        if chat.is_forum and isinstance(thread_id, int) and thread_id:
            check_bot_may_post(chat, thread_id)
        else:
            thread_id = None  # ignored outside forums, as Telegram does
        self.chat_actions.append(
            ChatActionRecord(chat.id, action, thread_id, time.monotonic(), self.call_index)
        )
        return True

    # --- the pipeline --------------------------------------------------------------------------
    def _target(self, params: dict[str, Any]) -> Chat:
        chat = self.world.resolve(params.get("chat_id"))
        self.world.check_can_post(chat)
        return chat

    def _deliver(
        self,
        chat: Chat,
        params: dict[str, Any],
        *,
        kind: str,
        text: str,
        raw_text: str,
        entities: list[dict[str, Any]],
        content: dict[str, Any],
        media: dict[str, Any] | list[dict[str, Any]] | None = None,
        file_ids: Iterable[str] = (),
    ) -> dict[str, Any]:
        """Check markup, reply and topic, count the flood limit, store and record the message."""
        markup = self._markup(params)
        reply_to, replied = self._reply_to(chat, params)
        thread_id = bot_thread(chat, params.get("message_thread_id"), replied)
        self._rate_limit(chat)
        sender = {"sender_chat": chat.as_dict()} if chat.type == "channel" else {}
        message = self.world.new_message(
            chat,
            **{"from": None if sender else self.world.bot_user},
            **sender,
            **content,
            reply_markup=markup,
            **thread_fields(self.world, chat, thread_id, replied),
        )
        record = SentMessage(
            chat_id=chat.id,
            message_id=message["message_id"],
            text=text,
            raw_text=raw_text,
            parse_mode=params.get("parse_mode"),
            entities=entities,
            reply_markup=markup,
            date=message["date"],
            reply_to_message_id=reply_to,
            disable_notification=bool(params.get("disable_notification")),
            link_preview_options=params.get("link_preview_options"),
            kind=kind,
            message_thread_id=thread_id,
            replied=replied is not None,
            media=media,
            file_ids=list(file_ids),
            call_index=self.call_index,
        )
        key = (chat.id, record.message_id)
        self.world.sent[key] = record
        self.world.sent_order.append(key)
        return message

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

    def _reply_to(
        self, chat: Chat, params: dict[str, Any]
    ) -> tuple[int | None, dict[str, Any] | None]:
        """The requested reply's message id and the replied message (None when it is gone)."""
        reply = params.get("reply_parameters") or {}
        message_id = reply.get("message_id") or params.get("reply_to_message_id")
        if message_id is None:
            return None, None
        message_id = int(message_id)
        replied = self.world.messages.get((chat.id, message_id))
        allowed = reply.get("allow_sending_without_reply") or params.get(
            "allow_sending_without_reply"
        )
        if replied is None and not allowed:
            raise bad_request("message to be replied not found")
        return message_id, replied

    def _rate_limit(self, chat: Chat) -> None:
        if not self.enforce_limits:
            return
        retry_after = self.limiter.check(chat.id, private=chat.is_private)
        if retry_after is not None:
            self.too_many_requests += 1
            raise ApiError(
                429, f"Too Many Requests: retry after {retry_after}", {"retry_after": retry_after}
            )
