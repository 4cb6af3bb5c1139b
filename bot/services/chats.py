"""Chats: first contact, language, membership of the bot, group-to-supergroup upgrades."""

from __future__ import annotations

from dataclasses import dataclass

from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.chats import ChatRepository
from bot.storage.db import SessionFactory
from bot.storage.models import Chat
from bot.texts import Language, language_for, parse_language


@dataclass(frozen=True, slots=True)
class ChatRef:
    """What a service needs to know of a Telegram chat and the user talking in it."""

    id: int
    type: str
    title: str | None
    user_language: str | None = None
    is_forum: bool = False  # a supergroup with topics

    @property
    def is_private(self) -> bool:
        """A one-to-one chat with a user."""
        return self.type == "private"


async def ensure_chat(session: AsyncSession, chat: ChatRef) -> Chat:
    """The chat's row, created (or reactivated) on contact, with a language set."""
    repo = ChatRepository(session)
    stored = await repo.get(chat.id)
    if stored is None or not stored.is_active or stored.title != chat.title:
        stored = await repo.touch(chat.id, chat.type, chat.title)
    if stored.language is None:
        stored.language = language_for(chat.user_language)
    return stored


def _up_to_date(stored: Chat | None, chat: ChatRef) -> bool:
    """Whether ensure_chat would write nothing for this chat."""
    return (
        stored is not None
        and stored.is_active
        and stored.title == chat.title
        and stored.language is not None
    )


async def chat_language(
    sessions: SessionFactory, chat: ChatRef, *, reads: SessionFactory | None = None
) -> Language:
    """The chat's language; on first contact, stored from the sender's Telegram language.

    With `reads`, a chat already known is only read (no write lock on SQLite).
    """
    if reads is not None:
        async with reads.begin() as session:
            known = await ChatRepository(session).get(chat.id)
            if known is not None and _up_to_date(known, chat):
                return parse_language(known.language) or language_for(None)
    async with sessions.begin() as session:
        stored = await ensure_chat(session, chat)
        return parse_language(stored.language) or language_for(None)


async def set_language(sessions: SessionFactory, chat: ChatRef, language: Language) -> None:
    """/lang: the language of the chat from now on."""
    async with sessions.begin() as session:
        await ensure_chat(session, chat)
        await ChatRepository(session).set_language(chat.id, language)


async def set_membership(sessions: SessionFactory, chat: ChatRef, *, active: bool) -> None:
    """The bot was added back (active) or removed or blocked (inactive); setup is kept."""
    async with sessions.begin() as session:
        if active:
            await ensure_chat(session, chat)
        else:
            await ChatRepository(session).set_active(chat.id, active=False)


async def migrate_chat(sessions: SessionFactory, old_id: int, new_id: int) -> None:
    """A group became a supergroup: its links and subscriptions move to the new id."""
    async with sessions.begin() as session:
        await ChatRepository(session).migrate(old_id, new_id)
