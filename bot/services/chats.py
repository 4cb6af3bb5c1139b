"""Chats: first contact, language, membership of the bot, group-to-supergroup upgrades.

Every update needs its chat's language. A chat found up to date is remembered in this process
(`KnownChats`) for KNOWN_CHAT_SECONDS, so a burst of commands does not read the chats table for
each one. What the handlers change (/lang, membership, upgrades) is forgotten at once. A change
made elsewhere is seen within KNOWN_CHAT_SECONDS: the sender (in this process or another)
marking a chat inactive after Telegram refused a message; a command from that chat reactivates
it only after that (Telegram's membership update, when the bot is unblocked or added back, does
at once). Only the process receiving updates answers commands, so /lang never comes from
elsewhere.
"""

from __future__ import annotations

import time
from collections import OrderedDict
from collections.abc import Callable
from contextlib import nullcontext
from dataclasses import dataclass, field

from sqlalchemy.ext.asyncio import AsyncSession

from bot.lane import Lane
from bot.storage.chats import ChatRepository
from bot.storage.db import SessionFactory
from bot.storage.models import Chat
from bot.texts import Language, language_for, parse_language

KNOWN_CHAT_SECONDS = 30.0
KNOWN_CHATS = 4096


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


@dataclass
class KnownChats:
    """Chats this process found up to date lately, with their language (bounded, LRU)."""

    size: int = KNOWN_CHATS
    seconds: float = KNOWN_CHAT_SECONDS
    clock: Callable[[], float] = time.monotonic
    _chats: OrderedDict[int, tuple[str | None, Language, float]] = field(
        default_factory=OrderedDict
    )
    _forgotten: int = 0  # how many times a chat was forgotten: a read older than that is stale

    def language(self, chat: ChatRef) -> Language | None:
        """The remembered language, unless the chat's title changed or it is too old."""
        known = self._chats.get(chat.id)
        if known is None:
            return None
        title, language, until = known
        if title != chat.title or self.clock() >= until:
            del self._chats[chat.id]
            return None
        self._chats.move_to_end(chat.id)
        return language

    def mark(self) -> int:
        """Taken before a read: `remember` drops the read if a chat was forgotten since."""
        return self._forgotten

    def remember(self, chat: ChatRef, language: Language, mark: int) -> None:
        """The chat as read (up to date) since `mark`; the least recently used goes beyond size."""
        if mark != self._forgotten:
            return  # a change may have committed after the read began: do not keep the old value
        self._chats[chat.id] = (chat.title, language, self.clock() + self.seconds)
        self._chats.move_to_end(chat.id)
        while len(self._chats) > self.size:
            self._chats.popitem(last=False)

    def forget(self, *chat_ids: int) -> None:
        """These chats change in this process: read them again next time."""
        self._forgotten += 1
        for chat_id in chat_ids:
            self._chats.pop(chat_id, None)

    def __len__(self) -> int:
        """Chats remembered right now."""
        return len(self._chats)


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
    sessions: SessionFactory,
    chat: ChatRef,
    *,
    reads: SessionFactory | None = None,
    known: KnownChats | None = None,
    lane: Lane | None = None,
    order: int | None = None,
) -> Language:
    """The chat's language; on first contact, stored from the sender's Telegram language.

    With `reads`, a chat already known is only read (no write lock on SQLite), in the `lane`
    by `order` when given (the answers' reads, bot.lane); with `known`, a chat found up to
    date lately is not read at all.
    """
    remembered = known.language(chat) if known is not None else None
    if remembered is not None:
        return remembered
    mark = known.mark() if known is not None else 0
    language = None
    if reads is not None:
        async with lane.turn(order) if lane is not None else nullcontext():
            language = await _read_language(reads, chat)
    if language is None:
        async with sessions.begin() as session:
            stored = await ensure_chat(session, chat)
            language = parse_language(stored.language) or language_for(None)
    if known is not None:
        known.remember(chat, language, mark)
    return language


async def _read_language(reads: SessionFactory, chat: ChatRef) -> Language | None:
    """The language of a chat stored up to date; None when ensure_chat has work to do."""
    async with reads.begin() as session:
        stored = await ChatRepository(session).get(chat.id)
        if stored is not None and _up_to_date(stored, chat):
            return parse_language(stored.language) or language_for(None)
    return None


async def set_language(
    sessions: SessionFactory, chat: ChatRef, language: Language, *, known: KnownChats | None = None
) -> None:
    """/lang: the language of the chat from now on."""
    async with sessions.begin() as session:
        await ensure_chat(session, chat)
        await ChatRepository(session).set_language(chat.id, language)
    if known is not None:
        known.forget(chat.id)


async def set_membership(
    sessions: SessionFactory, chat: ChatRef, *, active: bool, known: KnownChats | None = None
) -> None:
    """The bot was added back (active) or removed or blocked (inactive); setup is kept."""
    async with sessions.begin() as session:
        if active:
            await ensure_chat(session, chat)
        else:
            await ChatRepository(session).set_active(chat.id, active=False)
    if known is not None:
        known.forget(chat.id)


async def migrate_chat(
    sessions: SessionFactory, old_id: int, new_id: int, *, known: KnownChats | None = None
) -> None:
    """A group became a supergroup: its links and subscriptions move to the new id."""
    async with sessions.begin() as session:
        await ChatRepository(session).migrate(old_id, new_id)
    if known is not None:
        known.forget(old_id, new_id)
