"""Seeding the database for monitor tests through the repositories the bot itself uses."""

from __future__ import annotations

import asyncio
from collections.abc import Sequence
from dataclasses import dataclass

from sqlalchemy import select

from bot.crypto import TokenCipher
from bot.domain import Counter as CounterInfo
from bot.metrica import token_fingerprint
from bot.storage.chats import ChatRepository
from bot.storage.counters import CounterRepository
from bot.storage.credentials import CredentialRepository
from bot.storage.db import SessionFactory, create_engine, create_session_factory
from bot.storage.migrate import upgrade
from bot.storage.models import Counter, OutboxMessage
from bot.storage.subscriptions import SubscriptionRepository


@dataclass(frozen=True)
class ChatSpec:
    """A chat to create: id, type and language."""

    id: int
    type: str = "group"
    language: str = "en"


async def seed_watch(
    sessions: SessionFactory,
    cipher: TokenCipher,
    *,
    token: str,
    owner: int,
    counters: Sequence[tuple[int, str]],
    chats: Sequence[ChatSpec],
    login: str | None = None,
    subscribe: bool = True,
) -> int:
    """The owner's credential, counters linked to every chat and (by default) subscribed."""
    async with sessions.begin() as session:
        chat_repo = ChatRepository(session)
        await chat_repo.touch(owner, "private", None)
        for chat in chats:
            await chat_repo.touch(chat.id, chat.type, f"chat {chat.id}")
            await chat_repo.set_language(chat.id, chat.language)
        credential = await CredentialRepository(session, cipher).save(
            owner, token, token_fingerprint(token), login
        )
        counter_repo = CounterRepository(session)
        subscriptions = SubscriptionRepository(session)
        for counter_id, name in counters:
            await counter_repo.remember(CounterInfo(counter_id, name))
            for chat in chats:
                await counter_repo.link(chat.id, counter_id, owner, credential.id)
                if subscribe:
                    await subscriptions.subscribe(chat.id, counter_id)
        return credential.id


async def counter_row(sessions: SessionFactory, counter_id: int) -> Counter:
    """The counter as stored now."""
    async with sessions.begin() as session:
        counter = await session.get(Counter, counter_id)
        assert counter is not None
        return counter


async def outbox_rows(sessions: SessionFactory, chat_id: int | None = None) -> list[OutboxMessage]:
    """Outbox rows (of one chat), oldest first."""
    query = select(OutboxMessage).order_by(OutboxMessage.id)
    if chat_id is not None:
        query = query.where(OutboxMessage.chat_id == chat_id)
    async with sessions.begin() as session:
        return list(await session.scalars(query))


def seed_database(url: str, key: str, **watch: object) -> int:
    """Migrate the database a bot process will use and seed one watch (for e2e tests)."""
    upgrade(url)

    async def seed() -> int:
        engine = create_engine(url)
        try:
            return await seed_watch(
                create_session_factory(engine),
                TokenCipher(key.encode()),
                **watch,  # type: ignore[arg-type]
            )
        finally:
            await engine.dispose()

    return asyncio.run(seed())
