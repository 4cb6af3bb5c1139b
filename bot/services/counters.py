"""/link, /unlink, /counters: which counters a chat may see, through whose token."""

from __future__ import annotations

from bot.container import Services
from bot.domain import Counter
from bot.errors import NotLinked, NoToken
from bot.metrica import Caller
from bot.services.chats import ChatRef, ensure_chat
from bot.services.metrica_calls import call_metrica, spend, user_token
from bot.storage.counters import CounterRepository
from bot.storage.links import LinkRepository
from bot.views import CounterView, Linked


async def link_counter(services: Services, chat: ChatRef, user_id: int, counter_id: int) -> Linked:
    """Link a counter the user's token can see to the chat; Metrica names it.

    The user's token becomes the chat's access to the counter (a suspended link resumes).
    """
    async with services.sessions.begin() as session:
        ref = await user_token(session, services.cipher, user_id)
    spend(services, user_id)

    async def fetch(token: str, caller: Caller | None) -> Counter:
        return await services.metrica.counter(token, counter_id, caller=caller)

    info = await call_metrica(services, ref, fetch, counter_id=counter_id)
    credential_id = ref.credential_id
    if credential_id is None:  # user_token only returns saved tokens
        raise NoToken
    async with services.sessions.begin() as session:
        await ensure_chat(session, chat)
        counters = CounterRepository(session)
        before = await counters.link_of(chat.id, info.id)
        await counters.remember(info)
        created = await counters.link(chat.id, info.id, user_id, credential_id)
        resumed = before is not None and before.suspended_at is not None
        if resumed and not await LinkRepository(session).listened_elsewhere(info.id, {chat.id}):
            # Nobody heard about it meanwhile: its snapshot is stale, so never flood.
            await counters.rebaseline(info.id)
    return Linked(CounterView.of(info), chat.title, created)


async def unlink_counter(services: Services, chat_id: int, counter_id: int) -> CounterView:
    """Remove the counter (and its subscription) from the chat."""
    async with services.sessions.begin() as session:
        counters = CounterRepository(session)
        stored = await counters.get(counter_id)
        if stored is None or not await counters.unlink(chat_id, counter_id):
            raise NotLinked(counter_id)
        return CounterView(stored.id, stored.name, stored.site)


async def linked_counters(services: Services, chat_id: int) -> list[CounterView]:
    """The chat's counters, each with whether the chat is subscribed and whether it is paused."""
    async with services.sessions.begin() as session:
        rows = await CounterRepository(session).links(chat_id)
    return [
        CounterView(counter.id, counter.name, counter.site, subscribed, suspended is not None)
        for counter, subscribed, suspended in rows
    ]
