"""Every user-facing string, per language; `t()` fills a template with escaped values."""

from __future__ import annotations

import html
import string
from typing import Literal

from bot.texts import en, ru

Language = Literal["ru", "en"]
LANGUAGES: tuple[Language, ...] = ("ru", "en")
DEFAULT_LANGUAGE: Language = "en"
_RUSSIAN_SPEAKING = frozenset({"ru", "uk", "be", "kk"})
_CATALOGS: dict[str, dict[str, str]] = {"ru": ru.MESSAGES, "en": en.MESSAGES}


class Html(str):
    """A fragment that is already safe HTML, inserted into templates without escaping."""

    __slots__ = ()


def language_for(code: str | None) -> Language:
    """Russian for users of ru/uk/be/kk Telegram clients, English for everyone else."""
    base = (code or "").split("-")[0].lower()
    return "ru" if base in _RUSSIAN_SPEAKING else "en"


def parse_language(value: str | None) -> Language | None:
    """A language we speak, from a stored or typed value."""
    normalized = (value or "").strip().lower()
    return normalized if normalized in LANGUAGES else None


def t(lang: str, key: str, /, **params: object) -> Html:
    """The message `key` in `lang`, with every parameter HTML-escaped unless it is Html."""
    catalog = _CATALOGS.get(lang, _CATALOGS[DEFAULT_LANGUAGE])
    template = catalog[key]
    safe = {name: _escape(value) for name, value in params.items()}
    return Html(template.format_map(safe))


def placeholders(template: str) -> set[str]:
    """The names a template expects (for tests that keep catalogs in step)."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name}


COMMAND_SUFFIX = "_cmd"
MENTIONED_COMMANDS: frozenset[str] = frozenset(
    name.removesuffix(COMMAND_SUFFIX)
    for catalog in _CATALOGS.values()
    for template in catalog.values()
    for name in placeholders(template)
    if name.endswith(COMMAND_SUFFIX)
)
"""Commands the texts name as `{name}_cmd` (filled as /name, or /name@Bot in groups)."""


def _escape(value: object) -> str:
    if isinstance(value, Html):
        return str(value)
    return html.escape(str(value), quote=False)
