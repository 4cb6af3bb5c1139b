"""/token: save a user's Yandex token (checked first), report on it, delete it."""

from __future__ import annotations

from collections import defaultdict

from sqlalchemy.ext.asyncio import AsyncSession

from bot.clock import utc_now
from bot.container import Services
from bot.domain import Counter
from bot.metrica import token_fingerprint
from bot.services.metrica_calls import TokenRef, call_metrica, user_token
from bot.storage.chats import ChatRepository
from bot.storage.counters import CounterRepository
from bot.storage.credentials import CredentialRepository
from bot.storage.outbox import OutboxRepository
from bot.texts.notifications import render_token_deleted
from bot.views import CounterView, TokenDeleted, TokenState


async def save_token(services: Services, user_id: int, token: str) -> list[CounterView]:
    """Check the token against Metrica, then store it encrypted; the counters it can see."""
    counters = await call_metrica(services, TokenRef(None, token), services.metrica.counters)
    async with services.sessions.begin() as session:
        credential = await CredentialRepository(session, services.cipher).save(
            user_id, token, token_fingerprint(token), None
        )
        await CounterRepository(session).resume_for_credential(credential.id)
    return _views(counters)


async def token_counters(services: Services, user_id: int) -> list[CounterView]:
    """The counters the user's saved token can see."""
    async with services.sessions.begin() as session:
        ref = await user_token(session, services.cipher, user_id)
    return _views(await call_metrica(services, ref, services.metrica.counters))


async def token_state(services: Services, user_id: int) -> TokenState:
    """Whether a token is saved and whether Metrica still accepts it."""
    async with services.sessions.begin() as session:
        credentials = CredentialRepository(session, services.cipher)
        credential = await credentials.for_user(user_id)
        if credential is None:
            return TokenState(saved=False)
        return TokenState(
            True,
            credential.is_valid,
            credential.created_at,
            credential.revoked_at,
            readable=credentials.readable(credential),
        )


async def delete_token(services: Services, user_id: int, user_name: str) -> TokenDeleted:
    """Forget the token; chats whose counters depended on it are told through the outbox."""
    async with services.sessions.begin() as session:
        credentials = CredentialRepository(session, services.cipher)
        credential = await credentials.for_user(user_id)
        if credential is None:
            return TokenDeleted(deleted=False)
        counters = CounterRepository(session)
        links = await counters.links_by_credential(credential.id)
        for counter_id in await counters.polled_by(credential.id):
            await counters.rehome(counter_id, excluding=credential.id)
        told = await _tell_chats(session, links, user_id, user_name)
        await credentials.delete(credential)
    return TokenDeleted(deleted=True, chats_told=told)


async def _tell_chats(
    session: AsyncSession, links: list[tuple[int, int]], user_id: int, user_name: str
) -> int:
    """Queue a notice to every other active chat that had counters linked with the token."""
    by_chat: dict[int, list[int]] = defaultdict(list)
    for chat_id, counter_id in links:
        if chat_id != user_id:
            by_chat[chat_id].append(counter_id)
    chats = ChatRepository(session)
    outbox = OutboxRepository(session)
    now = utc_now()
    active = await chats.active_ids(list(by_chat))
    for chat_id in active:
        chat = await chats.get(chat_id)
        lang = (chat.language if chat else None) or "en"
        for text in render_token_deleted(lang, user_name, by_chat[chat_id]):
            await outbox.enqueue(chat_id, text, now=now)
    return len(active)


def _views(counters: list[Counter]) -> list[CounterView]:
    """Counters sorted by name, then id."""
    ordered = sorted(counters, key=lambda counter: (counter.name.casefold(), counter.id))
    return [CounterView.of(counter) for counter in ordered]
