"""The terminal chat: lines typed become a user's messages; the bot's messages are printed.

Plain lines go to the current chat (private at first; `:chat group`, `:chat channel`). The bot's
messages, edits and alerts are printed as they arrive, with their inline buttons numbered;
typing a number (or `:press N`) presses that button of the last message shown with buttons.
"""

from __future__ import annotations

import threading
from typing import Any

from demo.bot import BotProcess
from demo.terminal import Console, render_html, styled
from demo.world import DemoMetrica
from fakes.telegram import FakeTelegram

USER_ID = 1001
GROUP_ID = -1001000000001
CHANNEL_ID = -1001000000002
CHATS = {"private": USER_ID, "group": GROUP_ID, "channel": CHANNEL_ID}
TITLES = {USER_ID: "private chat", GROUP_ID: "Demo team", CHANNEL_ID: "Demo channel"}
INDENT = "      "

HELP = """\
The demo's own commands (everything else is sent to the bot as a message):
  :help               this list
  :chat private       talk in your private chat with the bot (the start)
  :chat group         talk in the group "Demo team" (you and the bot are admins)
  :chat channel       post in the channel "Demo channel" (@demo_channel)
  :press N, or N      press button [N] of the last message shown with buttons
  :world              the demo Metrica: counters and uploadings as they are now
  :log [N]            the last N lines of the bot's log (default 20)
  :quit               stop everything (Ctrl-C and Ctrl-D do too)"""


def add_chats(telegram: FakeTelegram, language: str) -> None:
    """You, a group and a channel where you and the bot are admins."""
    telegram.add_user(USER_ID, "You", language_code=language, username="demo_user")
    telegram.add_group(GROUP_ID, "Demo team", admins=[USER_ID])
    telegram.add_channel(CHANNEL_ID, "Demo channel", "demo_channel", admins=[USER_ID])


class TerminalChat:
    """What you type, and what the bot says."""

    def __init__(
        self, telegram: FakeTelegram, console: Console, world: DemoMetrica, bot: BotProcess
    ) -> None:
        self.telegram = telegram
        self.console = console
        self.world = world
        self.bot = bot
        self.chat = "private"
        self._lock = threading.Lock()
        self._buttons: dict[int, tuple[int, int, str]] = {}
        self._seen: dict[tuple[int, int], tuple[int, bool]] = {}
        self._mine: set[tuple[int, int]] = set()
        self._alerts = 0

    # --- what you type -------------------------------------------------------------------------
    def handle(self, line: str) -> bool:
        """Act on one typed line; False to stop."""
        line = line.strip()
        if not line:
            return True
        if not self.console.interactive:  # a transcript reads better with both sides
            self.console.show(f"you › {line}")
        if line.isdigit():
            self._press(int(line))
        elif line.startswith(":"):
            return self._command(*line[1:].split())
        else:
            self._say(line)
        return True

    def _command(self, name: str = "", *args: str) -> bool:
        if name in {"quit", "q", "exit"}:
            return False
        if name == "chat" and args and args[0] in CHATS:
            self.chat = args[0]
            self.console.prompt = f"you ({self.chat}) › " if self.chat != "private" else "you › "
            self.console.show(f"(now in the {args[0]}: {TITLES[CHATS[args[0]]]})")
        elif name == "press" and args and args[0].isdigit():
            self._press(int(args[0]))
        elif name == "world":
            self.console.show("\n".join(self.world.describe()))
        elif name == "log":
            count = int(args[0]) if args and args[0].isdigit() else 20
            self.console.show("\n".join(self.bot.log_tail(count)) or "(the log is empty)")
        else:
            self.console.show(HELP)
        return True

    def _say(self, text: str) -> None:
        chat_id = CHATS[self.chat]
        if chat_id == CHANNEL_ID:
            message = self.telegram.channel_post(chat_id, text)
        else:
            message = self.telegram.send_text(chat_id, USER_ID, text)
        with self._lock:
            self._mine.add((chat_id, message["message_id"]))

    def _press(self, number: int) -> None:
        with self._lock:
            button = self._buttons.get(number)
        if button is None:
            self.console.show(f"(no button [{number}] on the last message with buttons)")
            return
        chat_id, message_id, data = button
        try:
            self.telegram.press_button(chat_id, message_id, USER_ID, data)
        except KeyError:
            self.console.show("(that message is gone)")

    # --- what the bot says ---------------------------------------------------------------------
    def watch(self, stop: threading.Event) -> None:
        """Print what changed whenever the fake Telegram changes (runs in its own thread)."""
        while not stop.is_set():
            with self.telegram.changed:
                self.telegram.changed.wait(timeout=0.5)
            for block in self.news():
                self.console.show(block)

    def news(self) -> list[str]:
        """Blocks to print: deleted messages of yours, new and edited bot messages, alerts."""
        blocks = self._deleted_mine()
        for message in self.telegram.all_sent():
            key = (message["chat_id"], message["message_id"])
            state = (message["edit_count"], message["deleted"])
            previous = self._seen.get(key)
            if previous == state:
                continue
            self._seen[key] = state
            if not message["deleted"]:
                blocks.append(self._format(message, edited=previous is not None))
        answers = self.telegram.callback_answer_log
        for answer in answers[self._alerts :]:
            if answer.get("text"):
                blocks.append(f"{self._speaker('bot (alert)')} {answer['text']}")
        self._alerts = len(answers)
        return blocks

    def _deleted_mine(self) -> list[str]:
        with self.telegram.lock, self._lock:
            gone = {key for key in self._mine if key not in self.telegram.world.messages}
            self._mine -= gone
        return [f"(the bot deleted your message in the {TITLES[chat]})" for chat, _ in gone]

    def _format(self, message: dict[str, Any], *, edited: bool) -> str:
        color = self.console.color
        raw = message["raw_text"]
        text = render_html(raw, color=color) if message["parse_mode"] == "HTML" else raw
        if message["kind"] != "text":
            text = f"[{message['kind']}] {text}"
        where = (
            "" if message["chat_id"] == CHATS[self.chat] else f" in {TITLES[message['chat_id']]}"
        )
        who = f"bot{where}{' (edited)' if edited else ''}"
        lines = text.splitlines() or [""]
        body = [f"{self._speaker(who)} {lines[0]}", *(_indent(line) for line in lines[1:])]
        body += self._keyboard(message)
        return "\n".join(body)

    def _speaker(self, who: str) -> str:
        return styled("1;32", f"{who} ›", color=self.console.color)

    def _keyboard(self, message: dict[str, Any]) -> list[str]:
        rows = (message.get("reply_markup") or {}).get("inline_keyboard") or []
        if not rows:
            return []
        numbered: dict[int, tuple[int, int, str]] = {}
        lines = []
        for row in rows:
            cells = []
            for button in row:
                if "callback_data" in button:
                    number = len(numbered) + 1
                    numbered[number] = (
                        message["chat_id"],
                        message["message_id"],
                        button["callback_data"],
                    )
                    label = styled("1;33", f"[{number}]", color=self.console.color)
                    cells.append(f"{label} {button['text']}")
                elif "url" in button:
                    cells.append(f"{button['text']} ({button['url']})")
            lines.append(_indent("   ".join(cells)))
        with self._lock:
            self._buttons = numbered
        return lines


def _indent(line: str) -> str:
    return INDENT + line if line.strip() else ""
