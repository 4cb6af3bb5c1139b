"""Files in the fake Telegram: stored bytes behind file_ids, Document and PhotoSize objects.

A file the bot uploads or a user sends is stored once under a `file_id`; getFile gives it a
`file_path` under which `GET {url}/file/bot{token}/{file_path}` serves the bytes. Like the Bot
API, getFile refuses files over 20 MB; a test may declare such a size without storing the bytes.

Photos: Telegram keeps several sizes of a photo; this fake lists a 90-pixel thumbnail (for
photos larger than that) and the photo itself, both backed by the uploaded bytes (no resizing).
"""

from __future__ import annotations

import base64
import itertools
import struct
import zlib
from dataclasses import dataclass
from pathlib import PurePosixPath
from typing import Any

from fakes.telegram_world import bad_request

MAX_DOWNLOAD_SIZE = 20 * 1024 * 1024  # getFile's limit for bots
MAX_UPLOAD_SIZE = 50 * 1024 * 1024  # multipart uploads by bots
MAX_PHOTO_SIZE = 10 * 1024 * 1024
MAX_CAPTION_LENGTH = 1024
THUMBNAIL_SIDE = 90
_PREFIX = {"document": "BQACAgIAAxkBAAI", "photo": "AgACAgIAAxkBAAI"}


@dataclass
class StoredFile:
    """One file as Telegram stores it."""

    file_id: str
    file_unique_id: str
    kind: str  # document or photo
    content: bytes | None  # None: only a declared size (too big to download anyway)
    file_size: int
    file_name: str | None = None
    mime_type: str | None = None
    width: int = 0
    height: int = 0
    file_path: str | None = None  # assigned by the first getFile

    def document(self) -> dict[str, Any]:
        """The `Document` object."""
        document: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
        }
        if self.file_name:
            document["file_name"] = self.file_name
        if self.mime_type:
            document["mime_type"] = self.mime_type
        return document

    def photo_size(self) -> dict[str, Any]:
        """The `PhotoSize` object."""
        return {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "width": self.width,
            "height": self.height,
            "file_size": self.file_size,
        }

    def file(self) -> dict[str, Any]:
        """The `File` object getFile returns."""
        result: dict[str, Any] = {
            "file_id": self.file_id,
            "file_unique_id": self.file_unique_id,
            "file_size": self.file_size,
        }
        if self.file_path:
            result["file_path"] = self.file_path
        return result


class FileStore:
    """Every stored file by file_id and, once fetched with getFile, by file_path."""

    def __init__(self) -> None:
        self.files: dict[str, StoredFile] = {}
        self.paths: dict[str, StoredFile] = {}
        self.downloads: list[str] = []  # file paths served, in order
        self.photo_sets: dict[str, list[StoredFile]] = {}  # any size's file_id -> all sizes
        self._numbers = itertools.count(1)

    def add(
        self,
        kind: str,
        content: bytes | None,
        *,
        file_name: str | None = None,
        mime_type: str | None = None,
        file_size: int | None = None,
        width: int = 0,
        height: int = 0,
    ) -> StoredFile:
        """Store a file under fresh ids; `file_size` defaults to the content's length."""
        number = next(self._numbers)
        token = base64.urlsafe_b64encode(struct.pack(">IQ", number, id(self))).decode()
        stored = StoredFile(
            file_id=f"{_PREFIX[kind]}{token.rstrip('=')}",
            file_unique_id=f"AgAD{number:06d}",
            kind=kind,
            content=content,
            file_size=file_size if file_size is not None else len(content or b""),
            file_name=file_name,
            mime_type=mime_type,
            width=width,
            height=height,
        )
        self.files[stored.file_id] = stored
        return stored

    def add_photo(self, content: bytes, width: int, height: int) -> list[StoredFile]:
        """Store a photo as its sizes, smallest first (a thumbnail, then the photo itself)."""
        dimensions = [thumbnail_size(width, height), (width, height)]
        sizes = [
            self.add("photo", content, width=w, height=h)
            for w, h in (size for size in dimensions if size is not None)
        ]
        for size in sizes:
            self.photo_sets[size.file_id] = sizes
        return sizes

    def get_file(self, file_id: Any) -> dict[str, Any]:
        """getFile: the File object with a download path; Telegram's errors otherwise."""
        stored = self.files.get(str(file_id or ""))
        if stored is None:
            raise bad_request("invalid file_id")
        if stored.file_size > MAX_DOWNLOAD_SIZE:
            raise bad_request("file is too big")
        if stored.file_path is None:
            folder = "photos" if stored.kind == "photo" else "documents"
            suffix = (
                ".jpg" if stored.kind == "photo" else PurePosixPath(stored.file_name or "").suffix
            )
            stored.file_path = f"{folder}/file_{len(self.paths)}{suffix}"
            self.paths[stored.file_path] = stored
        return stored.file()

    def download(self, file_path: str) -> bytes | None:
        """The bytes served at a file path (None when there is no such file)."""
        stored = self.paths.get(file_path)
        if stored is None or stored.content is None:
            return None
        self.downloads.append(file_path)
        return stored.content


def image_size(content: bytes) -> tuple[int, int] | None:
    """Width and height of a PNG, GIF or JPEG image (None when it is none of them)."""
    if content.startswith(b"\x89PNG\r\n\x1a\n") and len(content) >= 24:
        width, height = struct.unpack(">II", content[16:24])
        return int(width), int(height)
    if content[:6] in (b"GIF87a", b"GIF89a") and len(content) >= 10:
        width, height = struct.unpack("<HH", content[6:10])
        return int(width), int(height)
    if content.startswith(b"\xff\xd8"):
        return _jpeg_size(content)
    return None


def _jpeg_size(content: bytes) -> tuple[int, int] | None:
    """Walk JPEG segments to the first start-of-frame marker."""
    position = 2
    while position + 9 < len(content):
        if content[position] != 0xFF:
            return None
        marker = content[position + 1]
        (length,) = struct.unpack(">H", content[position + 2 : position + 4])
        if 0xC0 <= marker <= 0xCF and marker not in (0xC4, 0xC8, 0xCC):
            height, width = struct.unpack(">HH", content[position + 5 : position + 9])
            return int(width), int(height)
        position += 2 + length
    return None


def thumbnail_size(width: int, height: int) -> tuple[int, int] | None:
    """The 90-pixel box thumbnail of a photo (None when the photo is not bigger)."""
    side = max(width, height)
    if side <= THUMBNAIL_SIDE:
        return None
    scale = THUMBNAIL_SIDE / side
    return max(1, round(width * scale)), max(1, round(height * scale))


def make_png(width: int = 1, height: int = 1) -> bytes:
    """A valid, blank grayscale PNG of the given size: photo bytes for tests."""

    def chunk(kind: bytes, data: bytes) -> bytes:
        body = kind + data
        return struct.pack(">I", len(data)) + body + struct.pack(">I", zlib.crc32(body))

    header = struct.pack(">IIBBBBB", width, height, 8, 0, 0, 0, 0)
    rows = b"".join(b"\x00" + b"\xff" * width for _ in range(height))
    return (
        b"\x89PNG\r\n\x1a\n"
        + chunk(b"IHDR", header)
        + chunk(b"IDAT", zlib.compress(rows))
        + chunk(b"IEND", b"")
    )
