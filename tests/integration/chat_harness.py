"""Handler-level harness: the real Application over a real SQLite file and the fake servers.

Updates are made by FakeTelegram (so messages exist there and can be deleted, edited, replied
to) and handed to `app.process_update` directly: no polling, no background jobs, one update at
a time, so a test reads like a conversation. Any exception that reaches PTB's error handler
fails the test.

    async with ChatHarness.start(tmp_path, template_db) as chat:
        chat.telegram.add_user(ANNA, "Anna", "ru")
        reply = await chat.say(ANNA, ANNA, "/start")
"""

from __future__ import annotations

import shutil
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from cryptography.fernet import Fernet
from sqlalchemy import text
from telegram import Update

from bot.app import build_application
from bot.config import Settings
from bot.storage.migrate import upgrade
from bot.telegram.context import BotApplication, BotContext
from fakes.metrica import FakeMetrica
from fakes.telegram import FakeTelegram

TOKEN = "123456:TEST-token"
BOT_USERNAME = "metrica_calls_bot"


def migrated_database(directory: Path) -> Path:
    """An empty database at the head revision (made once, copied for every test)."""
    path = directory / "template.sqlite3"
    upgrade(f"sqlite+aiosqlite:///{path}")
    return path


@dataclass
class ChatHarness:
    """The application, the fakes, and what went wrong inside handlers."""

    app: BotApplication
    telegram: FakeTelegram
    metrica: FakeMetrica
    errors: list[BaseException] = field(default_factory=list)

    @classmethod
    @asynccontextmanager
    async def start(cls, tmp_path: Path, template: Path) -> AsyncIterator[ChatHarness]:
        """Fakes started, database copied, application initialised; all undone at the end."""
        database = tmp_path / "bot.sqlite3"
        shutil.copy(template, database)
        with FakeTelegram(TOKEN, bot_username=BOT_USERNAME) as telegram, FakeMetrica() as metrica:
            settings = Settings(
                telegram_bot_token=TOKEN,  # type: ignore[arg-type]
                telegram_api_url=telegram.url,  # type: ignore[arg-type]
                metrica_api_url=metrica.url,  # type: ignore[arg-type]
                login_api_url=metrica.url,  # type: ignore[arg-type]
                data_dir=tmp_path,
                database_url=f"sqlite+aiosqlite:///{database}",
                bot_secret_key=Fernet.generate_key().decode(),  # type: ignore[arg-type]
            )
            app = build_application(settings)
            harness = cls(app, telegram, metrica)
            app.add_error_handler(harness._record)
            await app.initialize()
            try:
                yield harness
            finally:
                await app.shutdown()
                await harness.services.http.aclose()
                await harness.services.login_http.aclose()
                await harness.services.engine.dispose()

    @property
    def services(self) -> Any:
        """The application's services."""
        return self.app.bot_data.services

    async def _record(self, update: object, context: BotContext) -> None:
        if context.error is not None:
            self.errors.append(context.error)

    async def deliver(self) -> None:
        """Hand every update the fake has queued to the application, in order."""
        while True:
            with self.telegram.lock:
                pending = list(self.telegram.world.updates)
                self.telegram.world.updates.clear()
            if not pending:
                break
            for raw in pending:
                await self.app.process_update(Update.de_json(raw, self.app.bot))
        if self.errors:
            raise self.errors[0]

    async def say(self, chat_id: int, user_id: int, message: str) -> list[dict[str, Any]]:
        """A user writes in a chat; the bot's messages sent there in reply."""
        before = len(self.telegram.sent(chat_id))
        self.telegram.send_text(chat_id, user_id, message)
        await self.deliver()
        return self.telegram.sent(chat_id)[before:]

    async def post(self, channel_id: int, message: str) -> list[dict[str, Any]]:
        """A post in a channel; the bot's messages sent there in reply."""
        before = len(self.telegram.sent(channel_id))
        self.telegram.channel_post(channel_id, message)
        await self.deliver()
        return self.telegram.sent(channel_id)[before:]

    async def press(self, chat_id: int, message_id: int, user_id: int, data: str) -> dict[str, Any]:
        """A user presses a button; the answer the bot gave the callback query."""
        answers = len(self.telegram.callback_answers)
        self.telegram.press_button(chat_id, message_id, user_id, data)
        await self.deliver()
        return self.telegram.callback_answers[answers]

    def message(self, chat_id: int, message_id: int) -> dict[str, Any]:
        """The bot's message as it is now (edits applied)."""
        return next(m for m in self.telegram.sent(chat_id) if m["message_id"] == message_id)

    async def query(self, sql: str, **params: Any) -> list[tuple[Any, ...]]:
        """Rows of a read-only SQL query against the bot's database."""
        async with self.services.engine.connect() as connection:
            result = await connection.execute(text(sql), params)
            return [tuple(row) for row in result]


def buttons(message: dict[str, Any]) -> list[tuple[str, str]]:
    """(text, callback_data) of every inline button of a message."""
    markup = message.get("reply_markup") or {}
    return [
        (button["text"], button.get("callback_data", ""))
        for row in markup.get("inline_keyboard", [])
        for button in row
    ]
