"""What the fake Telegram records for tests: the bot's messages, every API call, chat actions.

Plain data; callers hold the fake's lock. Times are `time.monotonic()` values so tests can order
them against their own clocks; `index` is the call's position in the fake's request log.
"""

from __future__ import annotations

import time
from dataclasses import dataclass, field
from typing import Any


@dataclass
class SentMessage:
    """One message the bot sent, in its current state (edits applied)."""

    chat_id: int
    message_id: int
    text: str  # as the user sees it, after entity parsing (a caption for media)
    raw_text: str  # as the bot sent it
    parse_mode: str | None
    entities: list[dict[str, Any]]
    reply_markup: dict[str, Any] | None
    date: int
    reply_to_message_id: int | None = None
    disable_notification: bool = False
    link_preview_options: dict[str, Any] | None = None
    edit_count: int = 0
    edit_date: int | None = None
    deleted: bool = False
    kind: str = "text"  # text, document or photo
    message_thread_id: int | None = None  # the forum topic it landed in; None: General
    replied: bool = False  # whether it went out as a reply (the replied message existed)
    media: dict[str, Any] | list[dict[str, Any]] | None = None  # Document or [PhotoSize]
    file_ids: list[str] = field(default_factory=list)  # stored files behind the media
    call_index: int = -1
    sent_at: float = field(default_factory=time.monotonic)

    def snapshot(self) -> dict[str, Any]:
        """A detached dict copy for tests."""
        media = self.media
        return {
            "chat_id": self.chat_id,
            "message_id": self.message_id,
            "text": self.text,
            "raw_text": self.raw_text,
            "parse_mode": self.parse_mode,
            "entities": [dict(entity) for entity in self.entities],
            "reply_markup": self.reply_markup,
            "date": self.date,
            "reply_to_message_id": self.reply_to_message_id,
            "disable_notification": self.disable_notification,
            "link_preview_options": self.link_preview_options,
            "edit_count": self.edit_count,
            "edit_date": self.edit_date,
            "deleted": self.deleted,
            "kind": self.kind,
            "message_thread_id": self.message_thread_id,
            "replied": self.replied,
            "document": dict(media) if isinstance(media, dict) else None,
            "photo": [dict(size) for size in media] if isinstance(media, list) else None,
            "call_index": self.call_index,
            "sent_at": self.sent_at,
        }


@dataclass
class CallRecord:
    """One Bot API call as it reached the fake."""

    index: int
    method: str
    params: dict[str, Any]
    at: float
    finished_at: float | None = None
    error: str | None = None  # the error description when it failed

    def snapshot(self) -> dict[str, Any]:
        """A detached dict copy for tests."""
        return {
            "index": self.index,
            "method": self.method,
            "params": dict(self.params),
            "at": self.at,
            "finished_at": self.finished_at,
            "ok": self.finished_at is not None and self.error is None,
            "error": self.error,
        }


@dataclass(frozen=True)
class ChatActionRecord:
    """An accepted sendChatAction."""

    chat_id: int
    action: str
    message_thread_id: int | None
    at: float
    index: int

    def snapshot(self) -> dict[str, Any]:
        """A dict copy for tests."""
        return {
            "chat_id": self.chat_id,
            "action": self.action,
            "message_thread_id": self.message_thread_id,
            "at": self.at,
            "index": self.index,
        }
