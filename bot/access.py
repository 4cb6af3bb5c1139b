"""Links as access: suspending and resuming them, and telling the chats, once.

Every function runs inside the caller's transaction and queues its notices there, tied to the
state change it made (links suspended or resumed just now): a second process or a repeated
error changes nothing and so tells nobody again. Used by the commands (a refused or unreadable
token, /token delete, a new token) and by the monitor (a refused or unreadable token, lost
access). A chat hears about a link where its subscription to the counter listens (its forum
topic, its silence), else in General; long lists are split into messages that fit.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Collection, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import SuspendReason
from bot.monitor.notify import chat_language, send_to
from bot.storage.chats import ChatRepository
from bot.storage.counters import CounterRepository
from bot.storage.credentials import CredentialRepository
from bot.storage.links import Link, LinkRepository
from bot.storage.models import Credential
from bot.storage.subscriptions import Destination, SubscriptionRepository
from bot.texts import Html
from bot.texts.notifications import (
    render_access_owner,
    render_link_denied,
    render_links_resumed,
    render_token_chat,
    render_token_chat_unreadable,
    render_token_deleted,
    render_token_owner,
    render_token_unreadable,
)

Notice = Callable[[str, Sequence[tuple[int, str]]], Sequence[str]]
"""Renders a notice to one chat about some of its counters, in a language, as messages."""
OwnerNotice = Callable[[str], Sequence[str]]
"""Renders a notice to a token's owner, in a language, as messages."""


class Unusable(Protocol):
    """`revoke` or `unreadable`: the token's links suspended, chats and owner told; how many."""

    async def __call__(
        self,
        session: AsyncSession,
        credential_id: int,
        now: datetime,
        *,
        skip_chat: int | None = None,
    ) -> int: ...


async def revoke(
    session: AsyncSession, credential_id: int, now: datetime, *, skip_chat: int | None = None
) -> int:
    """Metrica refused the token: mark it, suspend its links, tell their chats and its owner.

    `skip_chat` is told by the command that noticed it instead.
    """
    return await _unusable(session, credential_id, _REFUSED, now, skip_chat=skip_chat)


async def unreadable(
    session: AsyncSession, credential_id: int, now: datetime, *, skip_chat: int | None = None
) -> int:
    """No configured key decrypts the token: like a refused one, until its owner saves it again."""
    return await _unusable(session, credential_id, _UNREADABLE, now, skip_chat=skip_chat)


@dataclass(frozen=True, slots=True)
class _Trouble:
    """Why a token is unusable, and what its links' chats and its owner are told."""

    reason: SuspendReason
    chats: Notice
    owner: Callable[[str, str | None], Sequence[str]]


_REFUSED = _Trouble(
    SuspendReason.REVOKED, render_token_chat, lambda lang, login: [render_token_owner(lang, login)]
)
_UNREADABLE = _Trouble(
    SuspendReason.UNREADABLE,
    render_token_chat_unreadable,
    lambda lang, _: [render_token_unreadable(lang)],
)


async def _unusable(
    session: AsyncSession,
    credential_id: int,
    trouble: _Trouble,
    now: datetime,
    *,
    skip_chat: int | None,
) -> int:
    """Mark the token invalid, suspend its links; if this call did, tell chats and owner."""
    credential = await session.get(Credential, credential_id)
    if credential is None:
        return 0
    await CredentialRepository(session).mark_invalid(credential_id, now)
    links = await LinkRepository(session).suspend(credential_id, trouble.reason, now)
    if not links:
        return 0
    told = await tell(session, links, trouble.chats, now, skip={credential.user_id, skip_chat})
    login = credential.login
    return told + await _tell_owner(
        session, credential.user_id, now, lambda lang: trouble.owner(lang, login)
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

    def owner_notice(lang: str) -> list[Html]:
        return render_access_owner(lang, credential.login, counters)

    return told + await _tell_owner(session, credential.user_id, now, owner_notice)


async def forget(
    session: AsyncSession, credential: Credential, user_name: str, now: datetime
) -> int:
    """/token delete: suspend the token's links, tell the other chats, delete it."""
    links = await LinkRepository(session).suspend(credential.id, SuspendReason.DELETED, now)

    def notice(lang: str, counters: Sequence[tuple[int, str]]) -> list[Html]:
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
    """Tell each active chat of these links (but `skip`) about its counters; chats told.

    One notice per place the chat hears about them (a forum topic, with its silence).
    """
    wanted = [(chat_id, counter_id) for chat_id, counter_id in links if chat_id not in skip]
    if not wanted:
        return 0
    places = await SubscriptionRepository(session).destinations_of(wanted)
    names = await counter_names(session, {c for ids in places.values() for c in ids})
    for destination, counter_ids in places.items():
        counters = [(counter_id, names.get(counter_id, "")) for counter_id in counter_ids]
        for text in render(chat_language(destination.language), counters):
            await send_to(session, destination, text, now=now)
    return len({destination.chat_id for destination in places})


async def counter_names(session: AsyncSession, counter_ids: Collection[int]) -> dict[int, str]:
    """The stored names of these counters."""
    return await CounterRepository(session).names(counter_ids)


async def _tell_owner(
    session: AsyncSession, user_id: int, now: datetime, render: OwnerNotice
) -> int:
    """A notice to the owner's private chat, if the bot can write there."""
    chat = await ChatRepository(session).get(user_id)
    if chat is None or not chat.is_active:
        return 0
    private = Destination(user_id, chat.language)
    for text in render(chat_language(chat.language)):
        await send_to(session, private, text, now=now)
    return 1
