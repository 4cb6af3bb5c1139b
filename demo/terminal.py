"""The terminal side: Telegram HTML as styled text, and output that leaves the prompt intact.

On a terminal: bold, italics, underline and strike-through as ANSI styles, code in cyan, links
as their text with the address dimmed after it. Elsewhere (a pipe, a file, NO_COLOR set): the
same text with no escape codes.
"""

from __future__ import annotations

import os
import sys
import threading
from html.parser import HTMLParser
from typing import TextIO

try:  # line editing and history where the platform has it
    import readline
except ImportError:  # pragma: no cover - Windows
    readline = None  # type: ignore[assignment]

_STYLES = {
    "b": "1",
    "strong": "1",
    "i": "3",
    "em": "3",
    "u": "4",
    "ins": "4",
    "s": "9",
    "strike": "9",
    "del": "9",
    "code": "36",
    "pre": "36",
    "tg-spoiler": "2",
}
_UNDERLINE = "4"
RESET = "\x1b[0m"


def styled(code: str, text: str, *, color: bool) -> str:
    """`text` in one ANSI style (or as it is without color)."""
    return f"\x1b[{code}m{text}{RESET}" if color else text


class _Renderer(HTMLParser):
    """Telegram's HTML subset to text, styles kept as a stack so nesting works."""

    def __init__(self, *, color: bool) -> None:
        super().__init__(convert_charrefs=True)
        self._color = color
        self._out: list[str] = []
        self._stack: list[str] = []
        self._links: list[tuple[str, int]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        if tag == "a":
            self._links.append((dict(attrs).get("href") or "", len(self._out)))
            self._stack.append(_UNDERLINE)
            self._restyle()
        elif tag == "br":
            self._out.append("\n")
        elif tag in _STYLES:
            self._stack.append(_STYLES[tag])
            self._restyle()

    def handle_endtag(self, tag: str) -> None:
        if tag == "a" and self._links:
            href, start = self._links.pop()
            label = "".join(part for part in self._out[start:] if not part.startswith("\x1b"))
            self._pop(_UNDERLINE)
            if href and href != label:
                self._out.append(" " + styled("2", f"({href})", color=self._color))
                self._restyle()
        elif tag in _STYLES:
            self._pop(_STYLES[tag])

    def _pop(self, code: str) -> None:
        """Close the innermost open style with this code."""
        if code in self._stack:
            del self._stack[len(self._stack) - 1 - self._stack[::-1].index(code)]
            self._restyle()

    def handle_data(self, data: str) -> None:
        self._out.append(data)

    def _restyle(self) -> None:
        if self._color:
            self._out.append(RESET + "".join(f"\x1b[{code}m" for code in self._stack))

    def text(self) -> str:
        self.close()
        return "".join(self._out) + (RESET if self._color and self._stack else "")


def render_html(html: str, *, color: bool) -> str:
    """Telegram HTML as terminal text."""
    renderer = _Renderer(color=color)
    renderer.feed(html)
    return renderer.text()


class Console:
    """Prints whole blocks under a lock; on a terminal, redraws the prompt and what was typed."""

    def __init__(self, out: TextIO = sys.stdout, stdin: TextIO = sys.stdin) -> None:
        self._out = out
        self.interactive = stdin.isatty() and out.isatty()
        self.color = out.isatty() and not os.environ.get("NO_COLOR")
        self._lock = threading.Lock()
        self._reading = False  # input() shows the prompt: redraw it under new output
        self.prompt = ""

    def show(self, block: str) -> None:
        """Print a block of lines now, even while the person is typing."""
        with self._lock:
            if self._reading:
                typed = readline.get_line_buffer() if readline else ""
                self._out.write(f"\r\x1b[K{block}\n{self.prompt}{typed}")
            else:
                self._out.write(block + "\n")
            self._out.flush()

    def read(self) -> str | None:
        """The next line typed (None at the end of input)."""
        if self.interactive:
            self._reading = True
            try:
                return input(self.prompt)
            except EOFError:
                return None
            finally:
                self._reading = False
        line = sys.stdin.readline()
        return line.rstrip("\n") if line else None
