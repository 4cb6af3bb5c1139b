"""Chats: first contact, language, membership of the bot."""

from __future__ import annotations

from dataclasses import dataclass

from bot.storage.chats import ChatRepository
from bot.storage.db import SessionFactory
from bot.texts import Language, language_for, parse_language


@dataclass(frozen=True, slots=True)
class ChatRef:
    """What a service needs to know of a Telegram chat and the user talking in it."""

    id: int
    type: str
    title: str | None
    user_language: str | None = None


async def chat_language(sessions: SessionFactory, chat: ChatRef) -> Language:
    """The chat's language; on first contact, stored from the sender's Telegram language."""
    async with sessions.begin() as session:
        repo = ChatRepository(session)
        stored = await repo.get(chat.id)
        if stored is None or not stored.is_active:
            stored = await repo.touch(chat.id, chat.type, chat.title)
        if stored.language is None:
            stored.language = language_for(chat.user_language)
        return parse_language(stored.language) or language_for(None)
