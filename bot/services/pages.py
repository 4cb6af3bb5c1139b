"""Pages of stored lists as rendered last, in this process: a fresh list renders once.

A page's key is everything its text depends on: the language, the chat's command names, the
counter (id, name, site), the list's digest, the page, as of when and why, and the day (a date is
shown unless it is today's). What a chat may see is decided before a page is looked up (`ask`
checks the chat's own link on every answer) and never here: two chats get the same text for the
same key because the text is the same for them.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Callable, Hashable, Mapping
from dataclasses import dataclass, field
from datetime import UTC, datetime

from bot.texts import Html
from bot.views import UploadingsView

RENDERED_PAGES = 512

PageKey = tuple[Hashable, ...]


@dataclass
class RenderedPages:
    """The texts of the pages shown last (bounded, least recently used first out)."""

    size: int = RENDERED_PAGES
    _pages: OrderedDict[PageKey, Html] = field(default_factory=OrderedDict)

    def text(self, key: PageKey | None, render: Callable[[], Html]) -> Html:
        """The page's text: remembered under `key`, else rendered (and remembered if keyed)."""
        if key is None:
            return render()
        known = self._pages.get(key)
        if known is not None:
            self._pages.move_to_end(key)
            return known
        text = self._pages[key] = render()
        while len(self._pages) > self.size:
            self._pages.popitem(last=False)
        return text

    def __len__(self) -> int:
        """Pages remembered right now."""
        return len(self._pages)


def page_key(
    lang: str, view: UploadingsView, names: Mapping[str, Html], now: datetime
) -> PageKey | None:
    """What a page of uploadings reads like depends on; None when the list has no digest."""
    if view.digest is None:
        return None
    day = now.astimezone(UTC).date()
    page = (view.page.number, view.page.pages, view.page.total)
    return (
        lang,
        tuple(names.values()),
        view.counter,
        view.digest,
        page,
        view.as_of,
        view.note,
        day,
    )
