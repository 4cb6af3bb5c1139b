"""Users sending files to the bot in the fake Telegram: documents and photos, with captions.

A mixin of `FakeTelegram`. The file is stored like an upload, so the bot can fetch it with
getFile and download it; a caption that starts with a command carries a bot_command entity in
caption_entities, as Telegram sends it.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from fakes.telegram_files import image_size
from fakes.telegram_inject import UpdateInjection, command_entities


class MediaInjection(UpdateInjection):
    """Documents and photos from users."""

    def send_document(
        self,
        chat_id: int,
        user_id: int,
        content: bytes = b"",
        *,
        file_name: str = "document.bin",
        mime_type: str | None = None,
        caption: str | None = None,
        reply_to: int | None = None,
        thread_id: int | None = None,
        file_size: int | None = None,
    ) -> dict[str, Any]:
        """A user sends a document; returns the message (its "document" has the file_id).

        `file_size` declares a size other than len(content), e.g. over getFile's 20 MB limit
        without holding the bytes; the MIME type defaults to a guess from the file name.
        """
        mime = mime_type or mimetypes.guess_type(file_name)[0] or "application/octet-stream"
        with self.lock:
            chat, user = self._sender_chat(chat_id, user_id)
            stored = self.methods.files.add(
                "document", content, file_name=file_name, mime_type=mime, file_size=file_size
            )
            message = self._user_message(
                chat, user, reply_to, thread_id, document=stored.document(), **_caption(caption)
            )
            self._push("message", message)
            return dict(message)

    def send_photo(
        self,
        chat_id: int,
        user_id: int,
        content: bytes,
        *,
        caption: str | None = None,
        reply_to: int | None = None,
        thread_id: int | None = None,
    ) -> dict[str, Any]:
        """A user sends a photo (PNG, GIF or JPEG bytes; see make_png); returns the message."""
        size = image_size(content)
        if size is None:
            raise ValueError("photo bytes must be a PNG, GIF or JPEG image")
        with self.lock:
            chat, user = self._sender_chat(chat_id, user_id)
            sizes = self.methods.files.add_photo(content, *size)
            photo = [stored.photo_size() for stored in sizes]
            message = self._user_message(
                chat, user, reply_to, thread_id, photo=photo, **_caption(caption)
            )
            self._push("message", message)
            return dict(message)


def _caption(caption: str | None) -> dict[str, Any]:
    """Caption fields with the bot_command entities Telegram computes."""
    if not caption:
        return {}
    return {"caption": caption, "caption_entities": command_entities(caption) or None}
