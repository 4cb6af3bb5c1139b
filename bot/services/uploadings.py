"""/uploadings and /uploading: a linked counter's call uploadings, inside the quota.

Both answer from the counter's stored list while it is fresh (bot.services.lists), say as of
when, and ask Metrica only when it is stale or on ↻, within the user's and the login's budget.
"""

from __future__ import annotations

from bot.clock import utc_now
from bot.container import Services
from bot.domain import Uploading
from bot.errors import CounterNotFound, UploadingNotFound
from bot.metrica import Caller
from bot.services.budget import FetchedList, payer
from bot.services.lists import REFUSED, Asked, current_list, from_memory, note, stored_list
from bot.services.metrica_calls import call_metrica, spend
from bot.views import UploadingsView, UploadingView, paginate


async def uploadings_page(
    services: Services,
    chat_id: int,
    user_id: int | None,
    counter_id: int,
    page: int,
    *,
    refresh: bool = False,
    order: int | None = None,
) -> UploadingsView:
    """One page (of ten) of the counter's uploadings, newest first (`order`: the update's id)."""
    asked, found = await from_memory(services, chat_id, counter_id, refresh=refresh, order=order)
    why = None
    if found is None:
        found, why = await current_list(services, asked, payer(user_id, chat_id), refresh=refresh)
    items = paginate(services.budget.lists.newest(counter_id, found), page)
    return UploadingsView(asked.counter, items, found.at, why, found.digest)


async def uploading_detail(
    services: Services,
    chat_id: int,
    user_id: int | None,
    counter_id: int,
    uploading_id: int,
    *,
    refresh: bool = False,
    order: int | None = None,
) -> UploadingView:
    """One uploading of a linked counter, in full: from a fresh stored list, else Metrica."""
    asked, listed = await from_memory(services, chat_id, counter_id, refresh=refresh, order=order)
    found = _in_list(asked, listed, uploading_id) if listed is not None else None
    if found is not None:
        return found
    try:
        return await _fetch_one(services, asked, payer(user_id, chat_id), uploading_id)
    except REFUSED as refused:
        found = None if refresh else await _from_list(services, asked, uploading_id)
        if found is None:
            raise
        return UploadingView(found.counter, found.uploading, found.as_of, note(services, refused))


async def _fetch_one(
    services: Services, asked: Asked, user: int, uploading_id: int
) -> UploadingView:
    """One request for one uploading, paid from the user's budget."""
    counter_id = asked.counter.id
    spend(services, user)

    async def request(token: str, caller: Caller | None) -> Uploading:
        return await services.metrica.uploading(token, counter_id, uploading_id, caller=caller)

    try:
        uploading = await call_metrica(
            services, asked.ref, request, counter_id=counter_id, asking=user
        )
    except CounterNotFound:
        raise UploadingNotFound(counter_id, uploading_id) from None
    return UploadingView(asked.counter, uploading, utc_now())


async def _from_list(services: Services, asked: Asked, uploading_id: int) -> UploadingView | None:
    """The uploading as the stored list has it, if it has it."""
    found = await stored_list(services, asked.stored)
    if found is None:
        return None
    return _in_list(asked, found, uploading_id)


def _in_list(asked: Asked, found: FetchedList, uploading_id: int) -> UploadingView | None:
    """The uploading as this list has it, if it has it."""
    for uploading in found.uploadings:
        if uploading.id == uploading_id:
            return UploadingView(asked.counter, uploading, asked.stored.as_of or found.at)
    return None
