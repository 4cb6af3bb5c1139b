"""Links as access: suspending and resuming them, and telling the chats, once.

Every function runs inside the caller's transaction and queues its notices there, tied to the
state change it made (links suspended or resumed just now): a second process or a repeated
error changes nothing and so tells nobody again. Used by the commands (a refused token, /token
delete, a new token) and by the monitor (a refused token, lost access).
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from datetime import datetime

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import SuspendReason
from bot.storage.chats import ChatRepository
from bot.storage.counters import CounterRepository
from bot.storage.credentials import CredentialRepository
from bot.storage.links import Link, LinkRepository
from bot.storage.models import Credential
from bot.storage.outbox import OutboxRepository
from bot.texts import Html, language_for, parse_language
from bot.texts.notifications import (
    render_access_owner,
    render_link_denied,
    render_links_resumed,
    render_token_chat,
    render_token_deleted,
    render_token_owner,
)

Notice = Callable[[str, Sequence[tuple[int, str]]], Html]
"""Renders a notice to one chat about some of its counters, in a language."""


async def revoke(
    session: AsyncSession, credential_id: int, now: datetime, *, skip_chat: int | None = None
) -> int:
    """Metrica refused the token: mark it, suspend its links, tell their chats and its owner.

    `skip_chat` is told by the command that noticed it instead.
    """
    credential = await session.get(Credential, credential_id)
    if credential is None:
        return 0
    await CredentialRepository(session).mark_invalid(credential_id, now)
    links = await LinkRepository(session).suspend(credential_id, SuspendReason.REVOKED, now)
    if not links:
        return 0
    told = await tell(session, links, render_token_chat, now, skip={credential.user_id, skip_chat})
    owner = credential.user_id
    return told + await _tell_owner(
        session, owner, now, lambda lang: render_token_owner(lang, credential.login)
    )


async def lose_access(
    session: AsyncSession,
    credential_id: int,
    counter_id: int,
    now: datetime,
    *,
    skip_chat: int | None = None,
) -> int:
    """The token can no longer see the counter: suspend those links, tell chats and owner."""
    credential = await session.get(Credential, credential_id)
    if credential is None:
        return 0
    links = await LinkRepository(session).suspend(
        credential_id, SuspendReason.ACCESS, now, counter_id=counter_id
    )
    if not links:
        return 0
    told = await tell(session, links, render_link_denied, now, skip={credential.user_id, skip_chat})
    names = await counter_names(session, [counter_id])
    counters = [(counter_id, names.get(counter_id, ""))]

    def owner_notice(lang: str) -> Html:
        return render_access_owner(lang, credential.login, counters)

    return told + await _tell_owner(session, credential.user_id, now, owner_notice)


async def forget(
    session: AsyncSession, credential: Credential, user_name: str, now: datetime
) -> int:
    """/token delete: suspend the token's links, tell the other chats, delete it."""
    links = await LinkRepository(session).suspend(credential.id, SuspendReason.DELETED, now)

    def notice(lang: str, counters: Sequence[tuple[int, str]]) -> Html:
        return render_token_deleted(lang, user_name, [counter_id for counter_id, _ in counters])

    told = await tell(session, links, notice, now, skip={credential.user_id})
    await CredentialRepository(session).delete(credential)
    return told


async def resume(
    session: AsyncSession, user_id: int, credential_id: int, visible: Collection[int], now: datetime
) -> list[Link]:
    """A new valid token: the user's suspended links to counters it can see live again.

    History is not replayed: the counter's snapshot stays, unless nobody else listened to it
    (then it may be stale, and the next poll takes a silent baseline).
    """
    links = await LinkRepository(session).resume(user_id, credential_id, visible)
    if not links:
        return []
    by_counter: dict[int, set[int]] = defaultdict(set)
    for chat_id, counter_id in links:
        by_counter[counter_id].add(chat_id)
    counters = CounterRepository(session)
    for counter_id, chats in by_counter.items():
        if not await LinkRepository(session).listened_elsewhere(counter_id, chats):
            await counters.rebaseline(counter_id)
    await tell(session, links, render_links_resumed, now, skip={user_id})
    return links


async def tell(
    session: AsyncSession,
    links: Sequence[Link],
    render: Notice,
    now: datetime,
    *,
    skip: Collection[int | None] = (),
) -> int:
    """One message to each active chat of these links (but `skip`), naming its counters."""
    by_chat: dict[int, list[int]] = defaultdict(list)
    for chat_id, counter_id in links:
        if chat_id not in skip:
            by_chat[chat_id].append(counter_id)
    if not by_chat:
        return 0
    names = await counter_names(session, {c for ids in by_chat.values() for c in ids})
    chats = ChatRepository(session)
    outbox = OutboxRepository(session)
    told = 0
    for chat_id in await chats.active_ids(sorted(by_chat)):
        chat = await chats.get(chat_id)
        lang = _language(chat.language if chat else None)
        counters = [
            (counter_id, names.get(counter_id, "")) for counter_id in sorted(by_chat[chat_id])
        ]
        await outbox.enqueue(chat_id, render(lang, counters), now=now)
        told += 1
    return told


async def counter_names(session: AsyncSession, counter_ids: Collection[int]) -> dict[int, str]:
    """The stored names of these counters."""
    return await CounterRepository(session).names(counter_ids)


async def _tell_owner(
    session: AsyncSession, user_id: int, now: datetime, render: Callable[[str], Html]
) -> int:
    """A notice to the owner's private chat, if the bot can write there."""
    chat = await ChatRepository(session).get(user_id)
    if chat is None or not chat.is_active:
        return 0
    await OutboxRepository(session).enqueue(user_id, render(_language(chat.language)), now=now)
    return 1


def _language(stored: str | None) -> str:
    return parse_language(stored) or language_for(None)
