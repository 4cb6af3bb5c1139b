"""Databases and worlds at scale: a fresh migrated database, and one plan seeding both sides.

A `WatchPlan` says how many tokens, counters and uploadings there are; the same plan fills the
fake Metrica (`BulkMetrica.seed`) and the bot's database (`seed_database`, bulk inserts), so the
bot starts with a baseline snapshot that agrees with Metrica: a pass finds no change until the
benchmark moves some uploadings.
"""

from __future__ import annotations

import random
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import cached_property
from pathlib import Path
from typing import Any

from sqlalchemy import Table, insert, text, update

from bench.common import POSTGRES_URL, SECRET_KEY
from bot.crypto import TokenCipher
from bot.domain import Uploading
from bot.metrica import token_fingerprint
from bot.storage.db import create_engine
from bot.storage.lists import encode
from bot.storage.migrate import upgrade
from bot.storage.models import (
    Chat,
    ChatCounter,
    Counter,
    CounterList,
    Credential,
    Subscription,
    UploadingState,
)
from tests.databases import postgres_database

FIRST_COUNTER = 20_000_000
FIRST_USER = 5_000_000
CREATE_TIME = datetime(2026, 1, 1, tzinfo=UTC)
_CHUNK = 20_000


@dataclass(frozen=True)
class WatchPlan:
    """Tokens, each watching `counters_per_token` counters of `uploadings` uploadings.

    Each token's owner has a private chat subscribed to all of the token's counters.
    `changing` uploadings (a random `changing_share` of all) are MATCHED, the rest PROCESSED.
    """

    counters: int
    uploadings: int
    counters_per_token: int = 100
    changing_share: float = 0.01
    seed: int = 1

    @property
    def token_count(self) -> int:
        return -(-self.counters // self.counters_per_token)

    def token(self, index: int) -> str:
        return f"bench-token-{index:05d}"

    def user(self, index: int) -> int:
        return FIRST_USER + index

    def counter_id(self, index: int) -> int:
        return FIRST_COUNTER + index

    def uploading_id(self, counter_index: int, number: int) -> int:
        return (counter_index + 1) * 100_000 + number

    def tokens(self) -> dict[str, list[int]]:
        """Each token with the counters it sees."""
        found: dict[str, list[int]] = {}
        for index in range(self.counters):
            found.setdefault(self.token(index // self.counters_per_token), []).append(
                self.counter_id(index)
            )
        return found

    @cached_property
    def changing(self) -> list[tuple[int, int]]:
        """(counter id, uploading id) of the uploadings that will change, sorted."""
        total = self.counters * self.uploadings
        count = round(total * self.changing_share)
        picks = random.Random(self.seed).sample(range(total), count)
        return sorted(
            (self.counter_id(p // self.uploadings), self.uploading_id(*divmod(p, self.uploadings)))
            for p in picks
        )

    def statuses(self) -> dict[int, list[tuple[int, str]]]:
        """For each counter, its uploadings as (id, status) before any change."""
        unfinished = set(self.changing)
        return {
            self.counter_id(c): [
                (
                    uid := self.uploading_id(c, n),
                    "MATCHED" if (self.counter_id(c), uid) in unfinished else "PROCESSED",
                )
                for n in range(self.uploadings)
            ]
            for c in range(self.counters)
        }

    def changes(self, status: str = "PROCESSED") -> list[tuple[int, int, str]]:
        """The change the benchmark makes in Metrica: every changing uploading to `status`."""
        return [(counter_id, uid, status) for counter_id, uid in self.changing]


# --- databases -----------------------------------------------------------------------------
@contextmanager
def database(kind: str) -> Iterator[str]:
    """An empty database of the kind ('sqlite' or 'postgres') migrated to head."""
    if kind == "sqlite":
        with tempfile.TemporaryDirectory(prefix="bench-") as directory:
            url = f"sqlite+aiosqlite:///{Path(directory) / 'bot.sqlite3'}"
            upgrade(url)
            yield url
        return
    with postgres_database(POSTGRES_URL, prefix="bench") as url:
        upgrade(url)
        yield url


async def _insert(conn: Any, model: Any, rows: list[dict[str, Any]]) -> None:
    table: Table = model.__table__
    for start in range(0, len(rows), _CHUNK):
        await conn.execute(insert(table), rows[start : start + _CHUNK])


async def seed_database(url: str, plan: WatchPlan, *, chats_per_token: int = 1) -> None:
    """Credentials, chats, counters with a baseline snapshot, links and subscriptions."""
    cipher = TokenCipher(SECRET_KEY.encode())
    engine = create_engine(url)
    tokens = plan.tokens()
    statuses = plan.statuses()
    async with engine.begin() as conn:
        credentials, chats, counters, links, subs = [], [], [], [], []
        for index, (token, counter_ids) in enumerate(tokens.items()):
            user = plan.user(index)
            credentials.append(_credential(index + 1, user, token, cipher))
            chat_ids = [user] + [-(10**12) - user * 1000 - k for k in range(1, chats_per_token)]
            chats += [_chat(chat_id) for chat_id in chat_ids]
            for counter_id in counter_ids:
                counters.append(_counter(counter_id))
                for chat_id in chat_ids:
                    links.append(_link(chat_id, counter_id, user, index + 1))
                    subs.append({"chat_id": chat_id, "counter_id": counter_id, "hears": "all"})
        for model, rows in (
            (Credential, credentials),
            (Chat, chats),
            (Counter, counters),
            (ChatCounter, links),
            (Subscription, subs),
        ):
            await _insert(conn, model, rows)
        for counter_id, items in statuses.items():
            await _insert(conn, UploadingState, [_state(counter_id, u, s) for u, s in items])
    if engine.dialect.name == "postgresql":
        # Planner statistics, as autovacuum would soon gather: without them PostgreSQL plans
        # the poll claim for empty tables and reads every link of 100,000 counters per claim.
        async with engine.begin() as conn:
            await conn.execute(text("ANALYZE"))
    await engine.dispose()


async def reset_schedule(url: str) -> None:
    """Make every counter due now and unleased (between two measured passes)."""
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(
            text("UPDATE counters SET next_poll_at = NULL, lease_owner = NULL, lease_until = NULL")
        )
    await engine.dispose()


async def count_rows(url: str, table_name: str) -> int:
    """Rows in a table."""
    engine = create_engine(url)
    async with engine.connect() as conn:
        found = await conn.scalar(text(f"SELECT count(*) FROM {table_name}"))  # noqa: S608
    await engine.dispose()
    return int(found or 0)


def _credential(cid: int, user: int, token: str, cipher: TokenCipher) -> dict[str, Any]:
    return {
        "id": cid,
        "user_id": user,
        "token_encrypted": cipher.encrypt(token),
        "fingerprint": token_fingerprint(token),
        "login": f"login{cid}",
        "quota_key": f"login{cid}",
        "is_valid": True,
        "created_at": CREATE_TIME,
    }


def _chat(chat_id: int) -> dict[str, Any]:
    kind = "private" if chat_id > 0 else "supergroup"
    return {
        "id": chat_id,
        "type": kind,
        "title": None if kind == "private" else f"Team {chat_id}",
        "language": "en",
        "is_active": True,
        "created_at": CREATE_TIME,
    }


def _counter(counter_id: int) -> dict[str, Any]:
    return {
        "id": counter_id,
        "name": f"Counter {counter_id}",
        "site": f"site{counter_id}.example",
        "has_baseline": True,
        "is_hot": False,
        "failures": 0,
    }


def _link(chat_id: int, counter_id: int, user: int, credential_id: int) -> dict[str, Any]:
    return {
        "chat_id": chat_id,
        "counter_id": counter_id,
        "linked_by": user,
        "credential_id": credential_id,
        "created_at": CREATE_TIME,
    }


def _state(counter_id: int, uploading_id: int, status: str) -> dict[str, Any]:
    # Unfinished ones were already warned about: a no-change pass must not turn them "stuck".
    return {
        "counter_id": counter_id,
        "uploading_id": uploading_id,
        "status": status,
        "create_time": CREATE_TIME,
        "first_seen_at": CREATE_TIME,
        "changed_at": CREATE_TIME,
        "stuck_warned": status != "PROCESSED",
    }


async def revert_changes(url: str, plan: WatchPlan) -> None:
    """Undo a measured change pass: the changed uploadings MATCHED again, the outbox empty."""
    engine = create_engine(url)
    by_counter: dict[int, list[int]] = {}
    for counter_id, uploading_id in plan.changing:
        by_counter.setdefault(counter_id, []).append(uploading_id)
    async with engine.begin() as conn:
        for counter_id, ids in by_counter.items():
            await conn.execute(
                update(UploadingState)
                .where(
                    UploadingState.counter_id == counter_id,
                    UploadingState.uploading_id.in_(ids),
                )
                .values(status="MATCHED", stuck_warned=True)
            )
        await conn.execute(text("DELETE FROM outbox"))
        await conn.execute(
            text("UPDATE counters SET next_poll_at = NULL, lease_owner = NULL, lease_until = NULL")
        )
    await engine.dispose()


async def seed_audience(
    url: str,
    token: str,
    counter_id: int,
    uploadings: list[tuple[int, str]],
    chats: list[tuple[int, str]],
) -> None:
    """One token's counter, with a baseline snapshot, subscribed by many chats (id, type)."""
    cipher = TokenCipher(SECRET_KEY.encode())
    engine = create_engine(url)
    owner = FIRST_USER
    async with engine.begin() as conn:
        await _insert(conn, Credential, [_credential(1, owner, token, cipher)])
        rows = [{**_chat(chat_id), "type": kind} for chat_id, kind in chats]
        await _insert(conn, Chat, rows)
        await _insert(conn, Counter, [_counter(counter_id)])
        await _insert(conn, ChatCounter, [_link(c, counter_id, owner, 1) for c, _ in chats])
        subs = [{"chat_id": c, "counter_id": counter_id, "hears": "all"} for c, _ in chats]
        await _insert(conn, Subscription, subs)
        states = [_state(counter_id, uid, status) for uid, status in uploadings]
        await _insert(conn, UploadingState, states)
    await engine.dispose()


async def seed_users(url: str, users: list[tuple[int, str, int]]) -> None:
    """Users (id, token, counter id), each with a private chat where the counter is linked."""
    cipher = TokenCipher(SECRET_KEY.encode())
    engine = create_engine(url)
    async with engine.begin() as conn:
        credentials, chats, counters, links = [], [], [], []
        for number, (user, token, counter_id) in enumerate(users, start=1):
            credentials.append(_credential(number, user, token, cipher))
            chats.append(_chat(user))
            counters.append(_counter(counter_id) | {"has_baseline": False})
            links.append(_link(user, counter_id, user, number))
        for model, rows in (
            (Credential, credentials),
            (Chat, chats),
            (Counter, counters),
            (ChatCounter, links),
        ):
            await _insert(conn, model, rows)
    await engine.dispose()


async def seed_lists(
    url: str, counters: list[int], statuses: list[tuple[int, str]], fetched_at: datetime
) -> None:
    """Every counter's stored list (as a command or the poller would keep it), fetched then."""
    payload = encode([Uploading(n, status, CREATE_TIME) for n, status in statuses])
    rows = [
        {"counter_id": cid, "fetched_at": fetched_at, "digest": f"bench-{cid}", "payload": payload}
        for cid in counters
    ]
    engine = create_engine(url)
    async with engine.begin() as conn:
        await conn.execute(
            CounterList.__table__.delete().where(CounterList.counter_id.in_(counters))
        )
        await _insert(conn, CounterList, rows)
    await engine.dispose()
