"""Telegram's HTML parse mode, as strict as the Bot API (modelled on tdlib's parse_html).

`parse_html(text)` returns the visible text and the message entities (offsets in UTF-16 code
units, like Telegram), or raises `EntityParseError` whose `description` is the Bot API's
"Bad Request: can't parse entities: ..." text. Byte offsets in messages are UTF-8 offsets into
the source, as Telegram reports them.

One deliberate difference: Telegram keeps a bare '&' that starts no known entity as text; this
fake rejects it, so the bot is made to escape every '&' it interpolates.
"""

from __future__ import annotations

import html
import re
from dataclasses import dataclass, field
from typing import Any

# tag -> entity type; None marks tags whose type depends on attributes.
_TAGS: dict[str, str | None] = {
    "b": "bold",
    "strong": "bold",
    "i": "italic",
    "em": "italic",
    "u": "underline",
    "ins": "underline",
    "s": "strikethrough",
    "strike": "strikethrough",
    "del": "strikethrough",
    "span": "spoiler",
    "tg-spoiler": "spoiler",
    "a": None,
    "code": "code",
    "pre": "pre",
    "blockquote": None,
    "tg-emoji": "custom_emoji",
}
_NAMED_ENTITIES = {"lt": "<", "gt": ">", "amp": "&", "quot": '"'}
_ENTITY = re.compile(r"&(?:#(\d{1,7})|#x([0-9a-fA-F]{1,6})|([a-zA-Z]+));")
_ATTRIBUTE = re.compile(
    r"""\s*([^\s=>]+)(?:\s*=\s*(?:"([^"]*)"|'([^']*)'|([a-zA-Z0-9.\-]+)))?""",
)
MAX_TEXT_LENGTH = 4096


class EntityParseError(ValueError):
    """The text is not valid Telegram HTML; `description` is what the Bot API answers."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.description = f"Bad Request: can't parse entities: {reason}"


@dataclass
class _Open:
    tag: str
    entity: dict[str, Any]
    start: int  # UTF-16 offset in the visible text
    children_language: str | None = None
    extra: dict[str, Any] = field(default_factory=dict)


def utf16_len(text: str) -> int:
    """Length in UTF-16 code units, the unit of Telegram entity offsets."""
    return len(text.encode("utf-16-le")) // 2


def parse_html(text: str) -> tuple[str, list[dict[str, Any]]]:
    """Visible text and entities of an HTML-formatted message; EntityParseError if invalid."""
    parser = _Parser(text)
    parser.run()
    parser.entities.sort(key=lambda entity: (entity["offset"], -entity["length"]))
    return "".join(parser.out), parser.entities


def parse_text(text: str, parse_mode: str | None) -> tuple[str, list[dict[str, Any]]]:
    """Apply a parse mode (only HTML is modelled; others leave the text as it is)."""
    if parse_mode and parse_mode.upper() == "HTML":
        return parse_html(text)
    return text, []


class _Parser:
    def __init__(self, text: str) -> None:
        self.text = text
        self.pos = 0
        self.out: list[str] = []
        self.out_len = 0  # UTF-16 units emitted so far
        self.stack: list[_Open] = []
        self.entities: list[dict[str, Any]] = []

    def byte_offset(self, pos: int) -> int:
        return len(self.text[:pos].encode())

    def emit(self, chunk: str) -> None:
        self.out.append(chunk)
        self.out_len += utf16_len(chunk)

    def run(self) -> None:
        while self.pos < len(self.text):
            char = self.text[self.pos]
            if char == "&":
                self.entity_reference()
            elif char == "<" and self.text.startswith("</", self.pos):
                self.end_tag()
            elif char == "<":
                self.start_tag()
            else:
                end = self.pos
                while end < len(self.text) and self.text[end] not in "&<":
                    end += 1
                self.emit(self.text[self.pos : end])
                self.pos = end
        if self.stack:
            tag = self.stack[-1].tag
            raise EntityParseError(f'Can\'t find end tag corresponding to start tag "{tag}"')

    def entity_reference(self) -> None:
        match = _ENTITY.match(self.text, self.pos)
        value = _decode_entity(match) if match else None
        if value is None:
            raise EntityParseError(
                f"Can't find end of the entity starting at byte offset {self.byte_offset(self.pos)}"
            )
        self.emit(value)
        self.pos = match.end() if match else self.pos

    def start_tag(self) -> None:
        begin = self.pos
        name_match = re.compile(r"[^\s>]*").match(self.text, begin + 1)
        name_end = name_match.end() if name_match else begin + 1
        end = self.text.find(">", name_end)
        if name_end >= len(self.text):
            raise EntityParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        name = self.text[begin + 1 : name_end].lower()
        if name not in _TAGS:
            raise EntityParseError(
                f'Unsupported start tag "{name}" at byte offset {self.byte_offset(begin)}'
            )
        if end < 0:
            raise EntityParseError(f"Unclosed start tag at byte offset {self.byte_offset(begin)}")
        attributes = self.attributes(name, self.text[begin + 1 + len(name) : end], begin)
        entity = self.entity_for(name, attributes, begin)
        self.stack.append(_Open(name, entity, self.out_len, extra=attributes))
        self.pos = end + 1

    def attributes(self, tag: str, source: str, begin: int) -> dict[str, str]:
        found: dict[str, str] = {}
        rest = source
        while rest.strip():
            match = _ATTRIBUTE.match(rest)
            if not match or not match.group(1):
                raise EntityParseError(
                    f'Empty attribute name in the tag "{tag}" at byte offset '
                    f"{self.byte_offset(begin)}"
                )
            raw = next((g for g in match.group(2, 3, 4) if g is not None), "")
            found[match.group(1).lower()] = html.unescape(raw)
            rest = rest[match.end() :]
        return found

    def entity_for(self, tag: str, attributes: dict[str, str], begin: int) -> dict[str, Any]:
        if tag == "span" and attributes.get("class") != "tg-spoiler":
            raise EntityParseError(
                f'Tag "span" must have class "tg-spoiler" at byte offset {self.byte_offset(begin)}'
            )
        if tag == "a":
            return {"type": "text_link", "url": attributes.get("href", "")}
        if tag == "blockquote":
            expandable = "expandable" in attributes
            return {"type": "expandable_blockquote" if expandable else "blockquote"}
        if tag == "tg-emoji":
            return {"type": "custom_emoji", "custom_emoji_id": attributes.get("emoji-id", "")}
        return {"type": _TAGS[tag]}

    def end_tag(self) -> None:
        begin = self.pos
        end = self.text.find(">", begin)
        if not self.stack:
            raise EntityParseError(f"Unexpected end tag at byte offset {self.byte_offset(begin)}")
        if end < 0:
            raise EntityParseError(f"Unclosed end tag at byte offset {self.byte_offset(begin)}")
        name = self.text[begin + 2 : end].strip().lower()
        expected = self.stack[-1].tag
        if name != expected:
            raise EntityParseError(
                f"Unmatched end tag at byte offset {self.byte_offset(begin)}, "
                f'expected "</{expected}>", found "</{name}>"'
            )
        opened = self.stack.pop()
        self.pos = end + 1
        language = opened.extra.get("class", "")
        if opened.tag == "code" and self.stack and self.stack[-1].tag == "pre":
            if language.startswith("language-"):
                self.stack[-1].entity["language"] = language.removeprefix("language-")
            return  # Telegram folds <pre><code> into one pre entity
        length = self.out_len - opened.start
        if length > 0:
            self.entities.append({**opened.entity, "offset": opened.start, "length": length})


def _decode_entity(match: re.Match[str]) -> str | None:
    decimal, hexadecimal, name = match.groups()
    if name is not None:
        return _NAMED_ENTITIES.get(name)
    code = int(decimal) if decimal is not None else int(hexadecimal, 16)
    if code == 0 or code > 0x10FFFF or 0xD800 <= code <= 0xDFFF:
        return None
    return chr(code)
