"""/uploadings and /uploading: read a linked counter's call uploadings from Metrica."""

from __future__ import annotations

from bot.container import Services
from bot.domain import Uploading, newest_first
from bot.errors import CounterNotFound, UploadingNotFound
from bot.services.metrica_calls import TokenRef, call_metrica, link_token
from bot.storage.counters import CounterRepository
from bot.views import CounterView, UploadingsView, UploadingView, paginate


async def uploadings_page(
    services: Services, chat_id: int, user_id: int | None, counter_id: int, page: int
) -> UploadingsView:
    """One page (of ten) of the counter's uploadings, newest first."""
    counter, ref = await _linked(services, chat_id, user_id, counter_id)

    async def fetch(token: str) -> list[Uploading]:
        return await services.metrica.uploadings(token, counter_id)

    items = await call_metrica(services, ref, fetch, counter_id=counter_id)
    return UploadingsView(counter, paginate(newest_first(items), page))


async def uploading_detail(
    services: Services, chat_id: int, user_id: int | None, counter_id: int, uploading_id: int
) -> UploadingView:
    """One uploading of a linked counter, in full."""
    counter, ref = await _linked(services, chat_id, user_id, counter_id)

    async def fetch(token: str) -> Uploading:
        return await services.metrica.uploading(token, counter_id, uploading_id)

    try:
        uploading = await call_metrica(services, ref, fetch, counter_id=counter_id)
    except CounterNotFound:
        raise UploadingNotFound(counter_id, uploading_id) from None
    return UploadingView(counter, uploading)


async def _linked(
    services: Services, chat_id: int, user_id: int | None, counter_id: int
) -> tuple[CounterView, TokenRef]:
    """The counter as stored for a chat it is linked to, and the token to read it with."""
    async with services.sessions.begin() as session:
        ref = await link_token(session, services.cipher, chat_id, counter_id, user_id)
        stored = await CounterRepository(session).get(counter_id)
    name, site = (stored.name, stored.site) if stored else ("", "")
    return CounterView(counter_id, name, site), ref
