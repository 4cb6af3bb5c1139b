"""Benchmark 6: what the per-login quota in the database costs, in statements and time.

    .venv/bin/python -m bench.gate_cost [--quick] [--database sqlite|postgres|both]

Every Metrica request now first asks the database (a conditional count of the login's
allowance and a lease of one of its three slots) and gives the slot back after. This counts the
SQL statements and transactions the bot's own code sends (SQLAlchemy's cursor and transaction
events on the bot's engine) for: one gated request alone; a quiet poll pass over many counters
(no change: what issue 15 wants cheap), per counter; a command's list fetch (a stale list).
The fake Metrica runs in this process's threads, answering at once.
"""

from __future__ import annotations

import asyncio
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from sqlalchemy import event, text

from bench.common import banner, parser, table
from bench.inproc import bot_services, bot_settings
from bench.seed import database
from bot.container import Services
from bot.metrica import Caller, RequestKind
from bot.monitor.poller import Poller
from bot.services.uploadings import uploadings_page
from fakes.metrica import FakeMetrica
from tests.monitor_seed import ChatSpec, seed_watch

TOKEN = "bench-gate-token"  # noqa: S105 - the fake's token
OWNER = 7_000_001
CHAT = ChatSpec(-100_700, "group", "en")


@dataclass
class Tally:
    """Statements and transactions seen on the engine while on."""

    statements: int = 0
    transactions: int = 0
    on: bool = False

    def attach(self, services: Services) -> None:
        sync = services.engine.sync_engine
        event.listen(sync, "before_cursor_execute", self._statement)
        event.listen(sync, "commit", self._commit)
        event.listen(sync, "rollback", self._commit)

    def _statement(self, *args: Any) -> None:
        statement = str(args[2]).lstrip().upper()
        # SQLite's BEGIN IMMEDIATE is sent as a statement; it is counted as a transaction.
        if self.on and not statement.startswith("BEGIN"):
            self.statements += 1

    def _commit(self, *args: Any) -> None:
        if self.on:
            self.transactions += 1

    @contextmanager
    def counting(self) -> Iterator[Tally]:
        self.statements = self.transactions = 0
        self.on = True
        try:
            yield self
        finally:
            self.on = False


async def measure(url: str, metrica: FakeMetrica, counters: int) -> list[list[Any]]:
    settings = bot_settings(url, metrica.url, login_api_url=metrica.url)
    services = bot_services(settings)
    tally = Tally()
    tally.attach(services)
    ids = list(range(30_000_000, 30_000_000 + counters))
    metrica.add_token(TOKEN, ids, login="bench")
    for counter_id in ids:
        metrica.add_uploading(counter_id, status="PROCESSED")
    await seed_watch(
        services.sessions,
        services.cipher,
        token=TOKEN,
        owner=OWNER,
        counters=[(c, f"c{c}") for c in ids],
        chats=[CHAT],
        login="bench",
    )
    rows: list[list[Any]] = []
    try:
        poller = Poller(services, owner="bench")
        await _pass(poller)  # baseline, and the stored lists written once
        rows.append(await _one_request(services, tally))
        rows.append(await _quiet_pass(services, poller, tally, counters))
        rows.append(await _command(services, tally, ids[0], refresh=False))
        rows.append(await _command(services, tally, ids[0], refresh=True))
    finally:
        await services.http.aclose()
        await services.login_http.aclose()
        await services.gate.close()
        await services.engine.dispose()
    return rows


async def _pass(poller: Poller) -> int:
    jobs = await poller.claim(1000)
    await asyncio.gather(*(poller.poll(job) for job in jobs))
    return len(jobs)


async def _one_request(services: Services, tally: Tally) -> list[Any]:
    caller = Caller("bench", RequestKind.MONITOR)
    rounds = 50
    started = time.perf_counter()
    with tally.counting():
        for _ in range(rounds):
            ticket = await services.gate.acquire(caller, datetime.now(UTC).date())
            await services.gate.release(ticket)
    elapsed = (time.perf_counter() - started) / rounds * 1000
    return [
        "gate alone (acquire + release)",
        tally.statements / rounds,
        tally.transactions / rounds,
        elapsed,
    ]


async def _quiet_pass(services: Services, poller: Poller, tally: Tally, counters: int) -> list[Any]:
    async with services.sessions.begin() as session:
        await session.execute(text("UPDATE counters SET next_poll_at = NULL"))
    started = time.perf_counter()
    with tally.counting():
        polled = await _pass(poller)
    elapsed = (time.perf_counter() - started) / max(1, polled) * 1000
    assert polled == counters, polled
    return [
        f"quiet poll, per counter ({counters} in one pass)",
        tally.statements / polled,
        tally.transactions / polled,
        elapsed,
    ]


async def _command(
    services: Services, tally: Tally, counter_id: int, *, refresh: bool
) -> list[Any]:
    started = time.perf_counter()
    with tally.counting():
        view = await uploadings_page(services, CHAT.id, OWNER, counter_id, 0, refresh=refresh)
    elapsed = (time.perf_counter() - started) * 1000
    assert view.page.total == 1
    what = "↻ (one list request)" if refresh else "/uploadings from the monitor's list"
    return [what, tally.statements, tally.transactions, elapsed]


def main() -> None:
    args_parser = parser("What the per-login quota in the database costs per Metrica request.")
    args_parser.add_argument("--database", choices=["sqlite", "postgres", "both"], default="both")
    args = args_parser.parse_args()
    counters = 20 if args.quick else 200
    banner("bench.gate_cost: database statements per Metrica request", args)
    kinds = ["sqlite", "postgres"] if args.database == "both" else [args.database]
    for kind in kinds:
        with FakeMetrica() as metrica, database(kind) as url:
            rows = asyncio.run(measure(url, metrica, counters))
        table(
            f"Database work per Metrica request ({kind})",
            ["what", "statements", "transactions", "ms each"],
            rows,
        )


if __name__ == "__main__":
    main()
