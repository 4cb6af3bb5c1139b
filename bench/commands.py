"""Benchmark 3: /uploadings from many users at once, the bot's own latency per reply.

    .venv/bin/python -m bench.commands [--quick]

The real bot process (`python -m bot`, SQLite) against the fake Bot API (Telegram's limits on)
and the fake Metrica answering after 50 ms. Each user has a token, a private chat and a linked
counter with 30 uploadings. After a warm-up, a burst of users (all in one getUpdates batch)
sends `/uploadings <counter>`; a reply's latency runs from the burst to the moment the fake
Telegram accepted the reply. The baseline is the fake Metrica's own latency for the same burst
measured by a bare httpx client (one request per user, all at once). Added latency = the bot's
latency - the baseline's, at the same percentile.

Each reply is also split where the fake Metrica saw the request arrive: "before Metrica"
(PTB, database, token decryption, and waiting for the client's requests-per-second limiter) and
"after" (Metrica's 50 ms, rendering, sendMessage).

Each burst finds the users' stored lists (bot.services.lists) in one state: "none" (never
fetched: one Metrica request per reply), "fresh" (stored just before the burst: no request) or
"stale" (stored two days ago: one request per reply). Replies also meet Telegram's own limit,
30 messages in any rolling second: the k-th of N replies (from 0) cannot be accepted before
k // 30 seconds ("Telegram bound"). Added latency is measured against the larger bound.
"""

from __future__ import annotations

import asyncio
import tempfile
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import httpx

from bench.botproc import BotProcess
from bench.common import (
    BOT_TOKEN,
    banner,
    mean,
    parser,
    percentile,
    table,
)
from bench.fakes import BulkMetrica, TimedTelegram
from bench.profiling import print_profile, spy_attach, spy_rows
from bench.seed import FIRST_USER, database, seed_lists, seed_users

LATENCY = 0.050
UPLOADINGS = 30
WARMUP = 5
FIRST_COUNTER = 32_000_000
LIST_PATH = "/management/v1/counter/{}/offline_conversions/calls_uploadings"
REPLY_TIMEOUT = 60.0
TELEGRAM_PER_SECOND = 30
STALE = timedelta(days=2)


def users(count: int, first: int = 0) -> list[tuple[int, str, int]]:
    """(user id, token, counter id) of `count` users."""
    return [
        (FIRST_USER + n, f"bench-user-token-{n}", FIRST_COUNTER + n)
        for n in range(first, first + count)
    ]


async def _bare_burst(metrica_url: str, group: list[tuple[int, str, int]]) -> list[float]:
    """Latency of one list request per user, all sent at once by a bare client."""
    limits = httpx.Limits(max_connections=len(group), max_keepalive_connections=len(group))
    async with httpx.AsyncClient(base_url=metrica_url, timeout=30, limits=limits) as client:

        async def one(token: str, counter_id: int) -> float:
            started = time.perf_counter()
            response = await client.get(
                LIST_PATH.format(counter_id), headers={"Authorization": f"OAuth {token}"}
            )
            response.raise_for_status()
            response.json()
            return time.perf_counter() - started

        await one(group[0][1], group[0][2])  # open a connection first, as the bot has one
        return await asyncio.gather(*(one(token, cid) for _, token, cid in group))


def _burst(
    telegram: TimedTelegram, metrica: BulkMetrica, group: list[tuple[int, str, int]]
) -> dict[str, Any]:
    """Send /uploadings from every user in one batch; latencies and their split."""
    with telegram.lock:
        for user, _, counter_id in group:
            telegram.send_text(user, user, f"/uploadings {counter_id}")
        started = time.time()
    chats = {user for user, _, _ in group}
    deadline = time.monotonic() + REPLY_TIMEOUT
    replied: dict[int, float] = {}
    while time.monotonic() < deadline and len(replied) < len(chats):
        time.sleep(0.2)
        for at, chat_id, status in telegram.send_log():
            if status == 200 and chat_id in chats and at >= started:
                replied.setdefault(chat_id, at)
    asked = [r for r in metrica.requests if r.at >= started and "calls_uploadings" in r.path]
    arrivals = {r.token: r.at for r in reversed(asked) if r.token}
    before = [arrivals[token] - started for _, token, _ in group if token in arrivals]
    after = [
        replied[user] - arrivals[token]
        for user, token, _ in group
        if user in replied and token in arrivals
    ]
    latencies = [replied[user] - started for user in chats if user in replied]
    wrong = [
        m["raw_text"]
        for user, _, counter_id in group
        for m in telegram.sent(user)
        if str(counter_id) not in m["raw_text"]
    ]
    return {
        "latencies": latencies,
        "before": before,
        "after": after,
        "lost": len(chats) - len(replied),
        "wrong": len(wrong),
        "wrong_sample": wrong[:1],
        "arrival_span": max(before) - min(before) if before else float("nan"),
        "requests": len(asked),
        "actions": sum(len(telegram.chat_actions(user)) for user in chats),
    }


def rounds(latencies: list[float]) -> tuple[float, float]:
    """When the 5th reply was out, and the median of how much more than 1 s reply k + 30 came
    after reply k (what the pace's held window costs per round of Telegram's 30 a second)."""
    out = sorted(latencies)
    fifth = out[4] if len(out) > 4 else float("nan")
    gaps = [
        out[k] - out[k - TELEGRAM_PER_SECOND] - 1.0 for k in range(TELEGRAM_PER_SECOND, len(out))
    ]
    return fifth, sorted(gaps)[len(gaps) // 2] if gaps else float("nan")


def telegram_bound(size: int) -> list[float]:
    """The earliest each of `size` replies can be accepted under Telegram's 30 a second."""
    return [float(k // TELEGRAM_PER_SECOND) for k in range(size)]


def _store(url: str, group: list[tuple[int, str, int]], mode: str) -> None:
    """Put the group's stored lists in the state the burst is about."""
    if mode == "none":
        return
    at = datetime.now(UTC) - (STALE if mode == "stale" else timedelta(0))
    listing = [(n, "PROCESSED") for n in range(1, UPLOADINGS + 1)]
    asyncio.run(seed_lists(url, [cid for *_, cid in group], listing, at))


def run(
    bursts: list[tuple[int, str]], kind: str, spy: Path | None
) -> list[tuple[int, str, list[float], dict[str, Any]]]:
    """Warm up, then one burst of each size, each from new users; with the bare baseline."""
    everyone = users(WARMUP + sum(size for size, _ in bursts))
    with (
        TimedTelegram(BOT_TOKEN, enforce_limits=True) as telegram,
        BulkMetrica(latency=LATENCY) as metrica,
        database(kind) as url,
    ):
        for user, _, _ in everyone:
            telegram.add_user(user, f"User {user}", "en")
        listing = [(n, "PROCESSED") for n in range(1, UPLOADINGS + 1)]
        metrica.seed(
            {token: [cid] for _, token, cid in everyone}, {cid: listing for *_, cid in everyone}
        )
        asyncio.run(seed_users(url, everyone))
        results = []
        start = WARMUP
        groups = []
        for size, _ in bursts:
            groups.append(everyone[start : start + size])
            start += size
        baselines = [asyncio.run(_bare_burst(metrica.url, group)) for group in groups]
        bot = BotProcess(telegram, metrica, url, name="commands").start()
        try:
            for user, _, counter_id in everyone[:WARMUP]:
                telegram.send_text(user, user, f"/uploadings {counter_id}")
                telegram.wait_for_message(user, timeout=30)
            spying = spy_attach(bot.pid, spy, rate=1000) if spy else None
            for group, baseline, (_, mode) in zip(groups, baselines, bursts, strict=True):
                _store(url, group, mode)
                time.sleep(2.0)
                cpu, refused = bot.cpu_seconds(), telegram.count_429
                result = _burst(telegram, metrica, group)
                result["cpu_ms"] = 1000 * (bot.cpu_seconds() - cpu) / len(group)
                result["429"] = telegram.count_429 - refused
                results.append((len(group), mode, baseline, result))
        finally:
            bot.stop()
            if spying is not None:
                spying.wait(timeout=30)
    return results


def main() -> None:
    args_parser = parser("Many users asking for uploadings at once.")
    args_parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args_parser.add_argument("--profile", action="store_true", help="py-spy the bot process")
    args_parser.add_argument(
        "--lists", choices=("fresh", "stale", "none"), help="only bursts with stored lists so"
    )
    args = args_parser.parse_args()
    banner(
        f"bench.commands: /uploadings bursts, Metrica at {LATENCY * 1000:.0f} ms, {args.database}",
        args,
    )
    quick = [(25, "fresh"), (50, "fresh"), (50, "stale")]
    full = [(25, "fresh"), (100, "fresh"), (25, "stale"), (100, "stale"), (100, "none")]
    bursts = [b for b in (quick if args.quick else full) if args.lists in {None, b[1]}]
    spy = Path(tempfile.mkdtemp(prefix="bench-spy-")) / "commands.raw" if args.profile else None
    rows = []
    results = run(bursts, args.database, spy)
    for size, mode, baseline, r in results:
        bot_ms = [1000 * x for x in r["latencies"]]
        base_ms = [1000 * x for x in baseline] if mode != "fresh" else []
        paced_ms = [1000 * x for x in telegram_bound(size)]
        p50, p95 = percentile(bot_ms, 0.5), percentile(bot_ms, 0.95)
        b50, b95 = percentile(base_ms, 0.5), percentile(base_ms, 0.95)
        t50, t95 = percentile(paced_ms, 0.5), percentile(paced_ms, 0.95)
        rows.append(
            [
                size,
                mode,
                b50 if base_ms else "-",
                b95 if base_ms else "-",
                t50,
                t95,
                p50,
                p95,
                p50 - max(t50, b50 if base_ms else 0.0),
                p95 - max(t95, b95 if base_ms else 0.0),
                r["requests"],
                1000 * mean(r["before"]),
                1000 * mean(r["after"]),
                1000 * r["arrival_span"],
                r["cpu_ms"],
                r["lost"],
                r["wrong"],
                r["429"],
                r["actions"],
                1000 * rounds(r["latencies"])[0],
                1000 * rounds(r["latencies"])[1],
            ]
        )
    table(
        f"Commands under load, {args.database} (ms; baselines: bare httpx to the same fake "
        "Metrica, same burst; Telegram's 30/s)",
        [
            "users at once",
            "stored list",
            "Metrica baseline p50",
            "p95",
            "Telegram bound p50",
            "p95",
            "bot p50",
            "bot p95",
            "added p50",
            "added p95",
            "Metrica requests",
            "before Metrica mean",
            "after Metrica mean",
            "Metrica arrivals spread over",
            "bot CPU per reply",
            "no reply",
            "error instead of the list",
            "429s",
            "chat actions",
            "5th reply out",
            "round over 1 s (median)",
        ],
        rows,
    )
    for size, _, _, r in results:
        for text in r["wrong_sample"]:
            print(f"an error reply in the burst of {size}: {text[:300]!r}")
    if spy is not None:
        if spy.exists():
            print_profile(
                "Profile of the bot process during the bursts", spy_rows(spy, "bot/__main__")
            )
        else:
            print("--profile needs py-spy: .venv/bin/pip install py-spy")


if __name__ == "__main__":
    main()
