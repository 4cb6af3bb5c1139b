"""A counter's list for a chat: the stored one while fresh, else one shared fetch, in budget.

Fresh: fetched less than POLL_INTERVAL_SECONDS ago, or kept by the monitor (the counter is
polled, its last poll succeeded and found this list, and polls are on schedule). Otherwise, or
on ↻, one request is made for everybody asking about the counter at that moment (single
flight), paid from the asking user's COMMANDS_PER_MINUTE and the login's command reserve; when
either is spent the stored list answers, saying why, and only ↻ is refused outright.
"""

from __future__ import annotations

from dataclasses import dataclass, replace
from datetime import datetime, timedelta

from bot.clock import utc_now
from bot.container import Services
from bot.errors import (
    LinkSuspended,
    NoAccess,
    QuotaNearlySpent,
    QuotaUsedUp,
    TokenRevoked,
    TokenUnreadable,
    TooManyRequests,
)
from bot.metrica import Caller, Listing
from bot.services.budget import FetchedList
from bot.services.metrica_calls import TokenRef, call_metrica, link_token, linked_token, spend
from bot.storage.lists import CounterListRepository, StoredList
from bot.views import CounterView, ListNote

Refused = TooManyRequests | QuotaNearlySpent | QuotaUsedUp
"""Why a command may not ask Metrica now (the stored list may answer instead)."""
REFUSED = (TooManyRequests, QuotaNearlySpent, QuotaUsedUp)
TokenTrouble = TokenRevoked | TokenUnreadable | LinkSuspended | NoAccess
"""A fetch failed for the token it was made with (another chat's may still work)."""
TOKEN_TROUBLE = (TokenRevoked, TokenUnreadable, LinkSuspended, NoAccess)


@dataclass(frozen=True, slots=True)
class Asked:
    """What one command knows before it decides to ask Metrica."""

    counter: CounterView
    ref: TokenRef
    stored: StoredList
    at: datetime


async def ask(services: Services, chat_id: int, counter_id: int) -> Asked:
    """The chat's access to the counter and the stored list's state: one read, every time."""
    async with services.reads.begin() as session:
        return await _ask(CounterListRepository(session), chat_id, counter_id)


async def _ask(lists: CounterListRepository, chat_id: int, counter_id: int) -> Asked:
    """`ask` in a transaction already open."""
    at = utc_now()
    found = await lists.linked(chat_id, counter_id)
    ref = linked_token(found.link if found else None, chat_id, counter_id)
    assert found is not None  # noqa: S101 - linked_token refused a missing link
    return Asked(CounterView(counter_id, found.name, found.site), ref, found.stored, at)


async def from_memory(
    services: Services,
    chat_id: int,
    counter_id: int,
    *,
    refresh: bool = False,
    order: int | None = None,
) -> tuple[Asked, FetchedList | None]:
    """The chat's access checked and, while fresh (and not on ↻), the stored list.

    Only database reads happen inside, one asker at a time, the earliest update (`order`) first
    (bot.lane): a burst of answers from memory then leaves in the updates' order, instead of
    all together when the last one is ready (BENCHMARKS.md §9, 15d and 15e).
    """
    async with services.answering.turn(order), services.reads.begin() as session:
        lists = CounterListRepository(session)  # one read transaction: access, state, list
        asked = await _ask(lists, chat_id, counter_id)
        if refresh or not is_fresh(services, asked.stored, asked.at):
            return asked, None
        found = await _stored_list(services, lists, asked.stored)
    return asked, None if found is None else _as_of(found, asked.stored)


def is_fresh(services: Services, stored: StoredList, now: datetime) -> bool:
    """Whether the stored list may answer without asking Metrica."""
    interval = timedelta(seconds=services.settings.poll_interval_seconds)
    if stored.as_of is None:
        return False
    if now - stored.as_of < interval:
        return True
    kept = stored.monitored and stored.digest == stored.polled_digest
    return kept and (stored.next_poll_at is None or stored.next_poll_at > now - interval)


async def stored_list(services: Services, stored: StoredList) -> FetchedList | None:
    """The stored list, parsed (cached in this process by its digest)."""
    return await _stored_list(services, None, stored)


async def _stored_list(
    services: Services, lists: CounterListRepository | None, stored: StoredList
) -> FetchedList | None:
    """The stored list, remembered or read (in `lists`' transaction when given)."""
    if stored.digest is None or stored.fetched_at is None:
        return None
    cache = services.budget.lists
    cached = cache.get(stored.counter_id, stored.digest)
    if cached is not None:
        return cached
    if lists is not None:
        loaded = await lists.load(stored.counter_id)
    else:
        async with services.reads.begin() as session:
            loaded = await CounterListRepository(session).load(stored.counter_id)
    if loaded is None:
        return None
    found = FetchedList(loaded[1], loaded[0], stored.fetched_at)
    cache.put(stored.counter_id, found)
    return found


async def current_list(
    services: Services, asked: Asked, user: int, *, refresh: bool
) -> tuple[FetchedList, ListNote | None]:
    """The list to answer with, as of when, and why it is not fresh from Metrica (if so)."""
    stored = asked.stored
    if not refresh and is_fresh(services, stored, asked.at):
        found = await stored_list(services, stored)
        if found is not None:
            return _as_of(found, stored), None
    # Someone's fetch finished while we read the database: it is as fresh as ours would be.
    recent = services.budget.lists.fetched_since(stored.counter_id, asked.at)
    if recent is not None:
        return recent, None
    try:
        return await fetch_list(services, asked.ref, stored.counter_id, user), None
    except REFUSED as refused:
        found = None if refresh else await stored_list(services, stored)
        if found is None:
            raise
        return _as_of(found, stored), note(services, refused)


async def fetch_list(services: Services, ref: TokenRef, counter_id: int, user: int) -> FetchedList:
    """One request for everybody asking now; whoever starts it pays from their budget.

    A fetch started by someone else may fail for their token only: then ours is tried, once.
    """
    try:
        return await _shared(services, ref, counter_id, user)
    except _NotOurs as failed:
        if ref.chat_id is None:
            raise failed.error from None
        async with services.sessions.begin() as session:  # was it our token too?
            ref = await link_token(session, services.cipher, ref.chat_id, counter_id)
    try:
        return await _shared(services, ref, counter_id, user)
    except _NotOurs as again:
        raise again.error from None


class _NotOurs(Exception):
    """Someone else's fetch failed for their token."""

    def __init__(self, error: TokenTrouble) -> None:
        super().__init__(str(error))
        self.error = error


async def _shared(services: Services, ref: TokenRef, counter_id: int, user: int) -> FetchedList:
    """Start the fetch (paying for it) or join the one running."""
    flights = services.budget.fetches
    started = flights.running(counter_id) is None
    if started:
        spend(services, user)
    try:
        return await flights.run(counter_id, lambda: _fetch(services, ref, counter_id, user))
    except TOKEN_TROUBLE as error:
        if started:
            raise
        raise _NotOurs(error) from None


async def _fetch(services: Services, ref: TokenRef, counter_id: int, user: int) -> FetchedList:
    """Ask Metrica, store the list for everyone, remember it parsed."""

    async def request(token: str, caller: Caller | None) -> Listing:
        return await services.metrica.listing(token, counter_id, caller=caller)

    listing = await call_metrica(services, ref, request, counter_id=counter_id, asking=user)
    fetched = FetchedList(listing.uploadings, listing.digest, utc_now())
    async with services.sessions.begin() as session:
        await CounterListRepository(session).save(
            counter_id, listing.uploadings, fetched.digest, fetched.at
        )
    fetched = replace(fetched, stored_at=utc_now())
    services.budget.lists.put(counter_id, fetched)
    return fetched


def note(services: Services, refused: Refused) -> ListNote:
    """What to tell a user who got the stored list instead."""
    if isinstance(refused, TooManyRequests):
        limit = services.settings.commands_per_minute
        return ListNote("rate", seconds=refused.seconds, limit=limit)
    return ListNote("quota", resets_at=refused.resets_at)


def _as_of(found: FetchedList, stored: StoredList) -> FetchedList:
    """The stored list dated by when the database last knew it true (a poll may confirm it)."""
    if stored.digest != found.digest or stored.as_of is None:
        return found
    return FetchedList(found.uploadings, found.digest, stored.as_of)
