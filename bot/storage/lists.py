"""Each counter's latest list of uploadings, kept for commands (the poller's or a command's).

Stored compressed, with the digest of Metrica's answer: the poller writes only when the answer
differs from the one it stored last (`counters.list_digest`), so a quiet poll costs no write
here; the stored list then stays as true as of the counter's last good poll.
"""

from __future__ import annotations

import json
import zlib
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import bindparam, select
from sqlalchemy.ext.asyncio import AsyncSession

from bot.domain import Uploading
from bot.storage.links import LinkAccess, listening
from bot.storage.models import ChatCounter, Counter, CounterList, Credential
from bot.storage.upsert import upsert


@dataclass(frozen=True, slots=True)
class StoredList:
    """What is known of a counter's stored list without reading it."""

    counter_id: int
    fetched_at: datetime | None
    digest: str | None
    polled_digest: str | None  # what the poller stored last
    last_polled_at: datetime | None
    next_poll_at: datetime | None
    monitored: bool  # listened to, not paused, last poll good

    @property
    def as_of(self) -> datetime | None:
        """When the stored list was last known true: its fetch, or a later poll that agreed."""
        if self.fetched_at is None:
            return None
        confirmed = self.digest == self.polled_digest and self.last_polled_at is not None
        if confirmed and self.last_polled_at is not None and self.last_polled_at > self.fetched_at:
            return self.last_polled_at
        return self.fetched_at


@dataclass(frozen=True, slots=True)
class LinkedList:
    """A chat's link to a counter, the counter's name and site, and its stored list's state."""

    link: LinkAccess
    name: str
    site: str
    stored: StoredList


_LINKED_LIST = (
    select(
        ChatCounter.linked_by,
        ChatCounter.credential_id,
        ChatCounter.suspended_reason,
        Credential.is_valid,
        Credential.quota_key,
        Credential.token_encrypted,
        Counter.name,
        Counter.site,
        Counter.list_digest,
        Counter.last_polled_at,
        Counter.next_poll_at,
        Counter.paused_reason,
        Counter.failures,
        Counter.has_baseline,
        CounterList.fetched_at,
        CounterList.digest,
        listening(Counter.id),
    )
    .join(Counter, Counter.id == ChatCounter.counter_id)
    .outerjoin(Credential, Credential.id == ChatCounter.credential_id)
    .outerjoin(CounterList, CounterList.counter_id == Counter.id)
    .where(
        ChatCounter.chat_id == bindparam("chat_id"),
        ChatCounter.counter_id == bindparam("counter_id"),
    )
)


def encode(uploadings: Sequence[Uploading]) -> bytes:
    """The list as compressed JSON rows (a list of fields each, in _FIELDS order)."""
    rows = [
        [
            u.id,
            u.status,
            u.create_time.timestamp() if u.create_time else None,
            u.source_quantity,
            u.line_quantity,
            u.comment,
            u.client_id_type,
            u.static_calls_quantity,
            u.dynamic_calls_quantity,
        ]
        for u in uploadings
    ]
    return zlib.compress(json.dumps(rows, separators=(",", ":")).encode(), 6)


def decode(payload: bytes) -> list[Uploading]:
    """The list back from compressed JSON rows."""
    rows: list[list[Any]] = json.loads(zlib.decompress(payload))
    return [_uploading(row) for row in rows]


class CounterListRepository:
    """Reads and writes stored lists; never commits."""

    def __init__(self, session: AsyncSession) -> None:
        self._session = session

    async def state(self, counter_id: int) -> StoredList:
        """The stored list's times and digests and whether the monitor keeps it fresh."""
        row = (
            await self._session.execute(
                select(Counter, CounterList.fetched_at, CounterList.digest, listening(Counter.id))
                .outerjoin(CounterList, CounterList.counter_id == Counter.id)
                .where(Counter.id == counter_id)
            )
        ).first()
        if row is None:
            return StoredList(counter_id, None, None, None, None, None, monitored=False)
        counter, fetched_at, stored_digest, listened = row
        monitored = bool(listened) and counter.paused_reason is None and counter.failures == 0
        return StoredList(
            counter_id,
            fetched_at,
            stored_digest,
            counter.list_digest,
            counter.last_polled_at,
            counter.next_poll_at,
            monitored=monitored and counter.has_baseline,
        )

    async def linked(self, chat_id: int, counter_id: int) -> LinkedList | None:
        """The chat's link to the counter with the stored list's state, in one query; None if
        the chat has no link to it (what `state` and LinkRepository.access read, together)."""
        params = {"chat_id": chat_id, "counter_id": counter_id}
        row = (await self._session.execute(_LINKED_LIST, params)).first()
        if row is None:
            return None
        owner, credential_id, suspended, valid, quota_key, token, name, site, *rest = row
        polled_digest, polled_at, next_poll_at, paused, failures, baseline, *stored_row = rest
        fetched_at, stored_digest, listened = stored_row
        link = LinkAccess(
            counter_id=counter_id,
            owner_user_id=owner,
            credential_id=credential_id,
            suspended_reason=suspended,
            valid=bool(valid),
            quota_key=quota_key,
            token_encrypted=token,
        )
        monitored = bool(listened) and paused is None and failures == 0 and bool(baseline)
        stored = StoredList(
            counter_id,
            fetched_at,
            stored_digest,
            polled_digest,
            polled_at,
            next_poll_at,
            monitored=monitored,
        )
        return LinkedList(link, name, site, stored)

    async def load(self, counter_id: int) -> tuple[str, list[Uploading]] | None:
        """The stored list and its digest."""
        row = (
            await self._session.execute(
                select(CounterList.digest, CounterList.payload).where(
                    CounterList.counter_id == counter_id
                )
            )
        ).first()
        return None if row is None else (row[0], decode(row[1]))

    async def save(
        self, counter_id: int, uploadings: Sequence[Uploading], list_digest: str, now: datetime
    ) -> None:
        """Store a counter's latest list."""
        row = {
            "counter_id": counter_id,
            "fetched_at": now,
            "digest": list_digest,
            "payload": encode(uploadings),
        }
        update = ("fetched_at", "digest", "payload")
        await upsert(self._session, CounterList, [row], keys=("counter_id",), update=update)


def _uploading(row: list[Any]) -> Uploading:
    """One row of `encode` back to an uploading."""
    created = row[2]
    when = datetime.fromtimestamp(created, UTC) if created is not None else None
    return Uploading(row[0], row[1], when, *row[3:])
