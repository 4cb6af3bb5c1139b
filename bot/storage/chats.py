"""Chats the bot is in: their type, title, language and whether the bot is still there."""

from __future__ import annotations

from sqlalchemy import exists, select, update
from sqlalchemy.ext.asyncio import AsyncSession

from bot.storage.models import Chat, ChatCounter
from bot.storage.upsert import upsert


class ChatRepository:
    """Reads and writes chats; never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def get(self, chat_id: int) -> Chat | None:
        """The chat, if the bot has seen it."""
        return await self._session.get(Chat, chat_id)

    async def touch(self, chat_id: int, chat_type: str, title: str | None) -> Chat:
        """Create the chat on first sight, refresh its type and title, mark it active."""
        # INSERT .. ON CONFLICT: two first messages of a new chat may arrive concurrently.
        row = {"id": chat_id, "type": chat_type, "title": title, "is_active": True}
        await upsert(self._session, Chat, [row], keys=("id",), update=())
        chat = await self._session.get(Chat, chat_id, populate_existing=True)
        assert chat is not None  # noqa: S101 - it was inserted or existed just above
        chat.type, chat.title, chat.is_active = chat_type, title, True
        await self._session.flush()
        return chat

    async def set_language(self, chat_id: int, language: str) -> None:
        """Remember the chat's language."""
        await self._session.execute(
            update(Chat).where(Chat.id == chat_id).values(language=language)
        )

    async def set_active(self, chat_id: int, *, active: bool) -> None:
        """The bot was removed or blocked (inactive), or is back (active); setup is kept."""
        await self._session.execute(update(Chat).where(Chat.id == chat_id).values(is_active=active))

    async def migrate(self, old_id: int, new_id: int) -> bool:
        """A group became a supergroup: move its row, and by cascade its links, to the new id.

        A row already made for the new id (the bot heard from the supergroup first) gives way
        unless it has links of its own. False when there was nothing to move.
        """
        old = await self.get(old_id)
        if old is None:
            return False
        new = await self.get(new_id)
        if new is not None:
            if await self._session.scalar(select(exists().where(ChatCounter.chat_id == new_id))):
                return False
            await self._session.delete(new)
            await self._session.flush()
        self._session.expunge(old)
        await self._session.execute(
            update(Chat)
            .where(Chat.id == old_id)
            .values(id=new_id, type="supergroup", is_active=True)
            .execution_options(synchronize_session=False)
        )
        return True

    async def active_ids(self, chat_ids: list[int]) -> list[int]:
        """Those of the given chats where the bot still is."""
        rows = await self._session.scalars(
            select(Chat.id).where(Chat.id.in_(chat_ids), Chat.is_active.is_(True))
        )
        return list(rows)
