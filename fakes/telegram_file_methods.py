"""sendDocument, sendPhoto and getFile in the fake Telegram.

A mixin of `BotApiMethods`. A file arrives as a multipart part named after the parameter
(`document`, `photo`; or `attach://<part>`), or as a file_id of a file the fake already holds.
Captions are checked like message texts (HTML parse mode, at most 1024 characters after
parsing). Callers hold the fake's lock.
"""

from __future__ import annotations

import mimetypes
from typing import Any

from fakes.http_base import UploadedFile
from fakes.telegram_files import (
    MAX_CAPTION_LENGTH,
    MAX_UPLOAD_SIZE,
    FileStore,
    StoredFile,
    image_size,
)
from fakes.telegram_html import EntityParseError, parse_text
from fakes.telegram_send import SendingMethods
from fakes.telegram_world import ApiError, bad_request

_OCTET_STREAM = "application/octet-stream"


class FileMethods(SendingMethods):
    """Sending and fetching files."""

    files: FileStore

    def send_document(self, params: dict[str, Any]) -> Any:
        chat = self._target(params)
        caption, entities = self._caption(params)
        stored = self._input_file(params, "document")
        document = stored.document()
        return self._deliver(
            chat,
            params,
            kind="document",
            text=caption,
            raw_text=str(params.get("caption") or ""),
            entities=entities,
            content=_media_content("document", document, caption, entities),
            media=document,
            file_ids=[stored.file_id],
        )

    def send_photo(self, params: dict[str, Any]) -> Any:
        chat = self._target(params)
        caption, entities = self._caption(params)
        sizes = self._input_photo(params)
        photo = [size.photo_size() for size in sizes]
        return self._deliver(
            chat,
            params,
            kind="photo",
            text=caption,
            raw_text=str(params.get("caption") or ""),
            entities=entities,
            content=_media_content("photo", photo, caption, entities),
            media=photo,
            file_ids=[size.file_id for size in sizes],
        )

    def get_file(self, params: dict[str, Any]) -> Any:
        return self.files.get_file(params.get("file_id"))

    # --- helpers -------------------------------------------------------------------------------
    def _caption(self, params: dict[str, Any]) -> tuple[str, list[dict[str, Any]]]:
        """Visible caption and its entities ("" when none); Telegram's errors when invalid."""
        raw = params.get("caption")
        if raw is None or raw == "":
            return "", []
        given = params.get("caption_entities")
        if isinstance(given, list) and not params.get("parse_mode"):
            text, entities = str(raw), [dict(entity) for entity in given]
        else:
            try:
                text, entities = parse_text(str(raw), params.get("parse_mode"))
            except EntityParseError as exc:
                raise ApiError(400, exc.description) from None
        if len(text) > MAX_CAPTION_LENGTH:
            raise bad_request("message caption is too long")
        if not text.strip():
            return "", []
        return text, entities

    def _upload(self, params: dict[str, Any], name: str) -> UploadedFile | StoredFile:
        """The uploaded part, or the stored file a file_id names; Telegram's errors otherwise."""
        value = params.get(name)
        if isinstance(value, str) and value.startswith("attach://"):
            value = params.get(value.removeprefix("attach://"))
        if isinstance(value, UploadedFile):
            if not value.content:
                raise bad_request("file must be non-empty")
            if len(value.content) > MAX_UPLOAD_SIZE:
                raise ApiError(413, "Request Entity Too Large")
            return value
        if not isinstance(value, str) or not value:
            raise bad_request(f"there is no {name} in the request")
        if value.startswith(("http://", "https://")):
            raise bad_request("failed to get HTTP URL content")  # the fake fetches nothing
        stored = self.files.files.get(value)
        if stored is None:
            raise bad_request("wrong file identifier/HTTP URL specified")
        if stored.kind != name:
            raise bad_request(f"can't use file of type {stored.kind.title()} as {name.title()}")
        return stored

    def _input_file(self, params: dict[str, Any], name: str) -> StoredFile:
        upload = self._upload(params, name)
        if isinstance(upload, StoredFile):
            return upload
        file_name = upload.filename or "document"
        mime_type = upload.content_type
        if mime_type in ("", _OCTET_STREAM, "text/plain"):
            # Telegram goes by the file name's extension when the part does not say better.
            mime_type = mimetypes.guess_type(file_name)[0] or mime_type or _OCTET_STREAM
        return self.files.add(name, upload.content, file_name=file_name, mime_type=mime_type)

    def _input_photo(self, params: dict[str, Any]) -> list[StoredFile]:
        upload = self._upload(params, "photo")
        if isinstance(upload, StoredFile):
            return self.files.photo_sets[upload.file_id]
        size = image_size(upload.content)
        if size is None:
            raise bad_request("IMAGE_PROCESS_FAILED")
        width, height = size
        if width + height > 10000 or max(width, height) > 20 * max(1, min(width, height)):
            raise bad_request("PHOTO_INVALID_DIMENSIONS")
        return self.files.add_photo(upload.content, width, height)


def _media_content(
    key: str, media: Any, caption: str, entities: list[dict[str, Any]]
) -> dict[str, Any]:
    """The Message fields of a media message (None values are dropped by the world)."""
    return {key: media, "caption": caption or None, "caption_entities": entities or None}


FILE_METHODS = {
    "senddocument": FileMethods.send_document,
    "sendphoto": FileMethods.send_photo,
    "getfile": FileMethods.get_file,
}
