"""Observation of files and forum topics in the fake Telegram.

A mixin of `FakeTelegram`. `documents` and `photos` are the bot's messages of that kind (the
same dicts as `sent`) plus the stored bytes and file metadata; `thread_messages` shows a forum
topic (or General) as users see it, every live message in it, the bot's and the users'.
"""

from __future__ import annotations

import asyncio
from typing import Any

from fakes.telegram_observe import Observation, Predicate
from fakes.telegram_topics import ANY_THREAD, ThreadFilter, topic_of


class MediaObservation(Observation):
    """Documents, photos, stored files, topics and what is in them."""

    def documents(
        self, chat_id: int | str, *, thread_id: ThreadFilter = ANY_THREAD
    ) -> list[dict[str, Any]]:
        """The bot's documents in a chat, oldest first, each with its bytes and metadata.

        Each is a `sent` dict plus "content" (bytes), "file_name", "mime_type", "file_size",
        "file_id", "file_unique_id"; the caption is "text" (visible) and "raw_text" (as sent).
        """
        with self.lock:
            return [
                self._with_file(m) for m in self.sent(chat_id, thread_id=thread_id, kind="document")
            ]

    def photos(
        self, chat_id: int | str, *, thread_id: ThreadFilter = ANY_THREAD
    ) -> list[dict[str, Any]]:
        """The bot's photos in a chat, oldest first, each with its bytes and size.

        Each is a `sent` dict plus "content", "width", "height", "file_id", "file_unique_id"
        (of the largest size); "photo" lists every PhotoSize.
        """
        with self.lock:
            return [
                self._with_file(m) for m in self.sent(chat_id, thread_id=thread_id, kind="photo")
            ]

    def wait_for_document(
        self,
        chat_id: int | str,
        *,
        caption_contains: str | None = None,
        file_name: str | None = None,
        predicate: Predicate | None = None,
        thread_id: ThreadFilter = ANY_THREAD,
        timeout: float = 10.0,
        after: int = 0,
    ) -> dict[str, Any]:
        """The first bot document with message_id > after that matches (as in `documents`)."""

        def matches(message: dict[str, Any]) -> bool:
            named = file_name is None or (message["document"] or {}).get("file_name") == file_name
            return named and (predicate is None or predicate(message))

        found = self._wait_sent(
            chat_id,
            caption_contains,
            matches,
            timeout,
            after,
            min_edits=0,
            thread_id=thread_id,
            kind="document",
        )
        with self.lock:
            return self._with_file(found)

    def wait_for_photo(
        self,
        chat_id: int | str,
        *,
        caption_contains: str | None = None,
        predicate: Predicate | None = None,
        thread_id: ThreadFilter = ANY_THREAD,
        timeout: float = 10.0,
        after: int = 0,
    ) -> dict[str, Any]:
        """The first bot photo with message_id > after that matches (as in `photos`)."""
        found = self._wait_sent(
            chat_id,
            caption_contains,
            predicate,
            timeout,
            after,
            min_edits=0,
            thread_id=thread_id,
            kind="photo",
        )
        with self.lock:
            return self._with_file(found)

    async def wait_for_document_async(self, chat_id: int | str, **kwargs: Any) -> dict[str, Any]:
        """`wait_for_document` in a worker thread."""
        return await asyncio.to_thread(self.wait_for_document, chat_id, **kwargs)

    async def wait_for_photo_async(self, chat_id: int | str, **kwargs: Any) -> dict[str, Any]:
        """`wait_for_photo` in a worker thread."""
        return await asyncio.to_thread(self.wait_for_photo, chat_id, **kwargs)

    def stored_file(self, file_id: str) -> dict[str, Any]:
        """A stored file by file_id (bot uploads and user files alike); KeyError when unknown.

        {"file_id", "file_unique_id", "kind", "content", "file_size", "file_name",
        "mime_type", "width", "height", "file_path"} (file_path: None until a getFile).
        """
        with self.lock:
            stored = self.methods.files.files[file_id]
            return dict(vars(stored))

    @property
    def file_downloads(self) -> list[str]:
        """file_paths downloaded from {url}/file/bot{token}/..., in order."""
        with self.lock:
            return list(self.methods.files.downloads)

    # --- forums ----------------------------------------------------------------------------------
    def topics(self, chat_id: int | str) -> list[dict[str, Any]]:
        """A forum's topics, deleted ones too: ForumTopic fields plus is_closed, is_deleted."""
        with self.lock:
            chat = self.world.chats[self._chat_key(chat_id)]
            return [
                {**topic.as_dict(), "is_closed": topic.closed, "is_deleted": topic.deleted}
                for topic in chat.topics.values()
            ]

    def thread_messages(self, chat_id: int | str, thread_id: int | None) -> list[dict[str, Any]]:
        """Every live message (the bot's and users') in a forum topic, or General when None."""
        key = self._chat_key(chat_id)
        with self.lock:
            return [
                dict(message)
                for (chat, _), message in sorted(self.world.messages.items())
                if chat == key and topic_of(message) == thread_id
            ]

    def _with_file(self, message: dict[str, Any]) -> dict[str, Any]:
        """A sent-message dict with its (largest) stored file's bytes and metadata."""
        record = self.world.sent[(message["chat_id"], message["message_id"])]
        stored = self.methods.files.files[record.file_ids[-1]]
        extra: dict[str, Any] = {
            "content": stored.content,
            "file_id": stored.file_id,
            "file_unique_id": stored.file_unique_id,
        }
        if stored.kind == "photo":
            extra.update(width=stored.width, height=stored.height)
        else:
            extra.update(
                file_name=stored.file_name, mime_type=stored.mime_type, file_size=stored.file_size
            )
        return {**message, **extra}
