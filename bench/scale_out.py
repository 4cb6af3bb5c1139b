"""Benchmark 5: scale-out on PostgreSQL, one bot process against two.

    .venv/bin/python -m bench.scale_out [--quick]

The poll pass world of bench.poll_pass (1,000 counters of 100 uploadings, 10 tokens; 300 with
--quick) on PostgreSQL, polled by one real bot process, then by two (the second with
RECEIVE_UPDATES=false), against the fake Metrica (20 ms) and the fake Bot API (limits on).
Every counter is due again a second after its poll (POLL_INTERVAL_SECONDS=1, a quota large
enough not to stretch it), so the processes poll as fast as they can for a fixed window:
passes per minute = list requests in the window / counters. A third into the window 1% of all
uploadings change in Metrica; every change must reach its chat exactly once.
The baseline is the same world with one process.

Metrica allows 30 requests a second per IP. Two processes on one host share them
(METRICA_REQUESTS_PER_SECOND=15 each); two processes at 30 each are what two hosts (two IPs)
would send: the fake Metrica does not tell IPs apart, so that row stands for two hosts.
"""

from __future__ import annotations

import asyncio
import re
import time
from collections import Counter, deque
from itertools import pairwise
from typing import Any

from bench.botproc import BotProcess
from bench.common import BOT_TOKEN, banner, parser, percentile, table
from bench.fakes import BulkMetrica, TimedTelegram
from bench.seed import WatchPlan, database, seed_database

LATENCY = 0.020
ENV = {
    "POLL_INTERVAL_SECONDS": "1",
    "IDLE_POLL_INTERVAL_SECONDS": "1",
    "DAILY_QUOTA": "100000000",
}
WARMUP = 5.0
_ID = re.compile(r"#(\d+)")


def run(plan: WatchPlan, processes: int, window: float, per_second: int = 30) -> dict[str, Any]:
    """Start `processes` bots on a fresh world; measure one window; check the notifications."""
    with (
        TimedTelegram(BOT_TOKEN, enforce_limits=True) as telegram,
        BulkMetrica(latency=LATENCY) as metrica,
        database("postgres") as url,
    ):
        with telegram.lock:
            for index in range(plan.token_count):
                telegram.world.private_chat(plan.user(index))
        metrica.seed(plan.tokens(), plan.statuses())
        asyncio.run(seed_database(url, plan))
        bots = [
            BotProcess(
                telegram,
                metrica,
                url,
                ENV
                | {
                    "RECEIVE_UPDATES": "true" if n == 0 else "false",
                    "METRICA_REQUESTS_PER_SECOND": str(per_second),
                },
                name=f"scale{processes}-{n + 1}",
            )
            for n in range(processes)
        ]
        try:
            for n, bot in enumerate(bots):
                bot.start(wait_for_polling=n == 0)
            metrica.wait_for_requests(1, path_contains="calls_uploadings", timeout=60)
            time.sleep(WARMUP)
            cpu = [bot.cpu_seconds() for bot in bots]
            started = time.time()
            time.sleep(window / 3)
            changed = time.time()
            metrica.set_statuses(plan.changes("PROCESSED"))
            time.sleep(window - window / 3)
            ended = time.time()
            cpu = [bot.cpu_seconds() - before for bot, before in zip(bots, cpu, strict=True)]
            deadline = time.monotonic() + 120
            while time.monotonic() < deadline and _told(telegram) < len(plan.changing):
                time.sleep(2)
            result = _result(plan, telegram, metrica, started, ended)
            result |= _tell_delays(plan, telegram, changed)
            result["cpu"] = cpu
            result["rss"] = [bot.peak_rss_mb() for bot in bots]
            result["lost_leases"] = sum(b.count_in_log("lease lost") for b in bots)
            return result
        finally:
            for bot in bots:
                bot.stop()


def _tell_delays(plan: WatchPlan, telegram: TimedTelegram, changed: float) -> dict[str, Any]:
    """Seconds from the change in Metrica to the message in the chat, per changed uploading."""
    first: dict[str, float] = {}
    for at, _, text in telegram.delivered():
        for uploading_id in _ID.findall(text):
            first.setdefault(uploading_id, at)
    delays = [first[str(uid)] - changed for _, uid in plan.changing if str(uid) in first]
    return {"tell_p50": percentile(delays, 0.5), "tell_max": max(delays, default=float("nan"))}


def _told(telegram: TimedTelegram) -> int:
    return sum(len(_ID.findall(m["raw_text"])) for m in telegram.all_sent())


def _result(
    plan: WatchPlan,
    telegram: TimedTelegram,
    metrica: BulkMetrica,
    started: float,
    ended: float,
) -> dict[str, Any]:
    polls = [(at, path) for at, path, _ in metrica.list_requests(started) if at < ended]
    requests = [at for at, _ in polls]
    per_counter: dict[int, list[float]] = {plan.counter_id(c): [] for c in range(plan.counters)}
    for at, path in polls:
        per_counter[int(path.split("/")[4])].append(at)
    gaps = [_longest_gap(times, started, ended) for times in per_counter.values()]
    told: Counter[str] = Counter()
    for message in telegram.all_sent():
        told.update(_ID.findall(message["raw_text"]))
    expected = {str(uid) for _, uid in plan.changing}
    window = ended - started
    return {
        "requests": len(requests),
        "passes_per_minute": len(requests) / plan.counters * 60 / window,
        "requests_per_second": len(requests) / window,
        "max_in_one_second": _max_in_window(requests, 1.0),
        "min_polls_per_minute": min(len(t) for t in per_counter.values()) * 60 / window,
        "never_polled": sum(1 for t in per_counter.values() if not t),
        "longest_gap": max(gaps),
        "missing": len(expected - set(told)),
        "duplicates": sum(n - 1 for uid, n in told.items() if uid in expected and n > 1),
        "messages": len(telegram.all_sent()),
        "parallel_429": metrica.parallel_rejections,
        "429": telegram.count_429,
    }


def _longest_gap(times: list[float], start: float, end: float) -> float:
    """The longest time within [start, end) that a counter went unpolled."""
    edges = [start, *sorted(times), end]
    return max(b - a for a, b in pairwise(edges))


def _max_in_window(times: list[float], span: float) -> int:
    best, window = 0, deque[float]()
    for at in sorted(times):
        window.append(at)
        while at - window[0] >= span:
            window.popleft()
        best = max(best, len(window))
    return best


def main() -> None:
    args = parser("One bot process against two on PostgreSQL.").parse_args()
    banner("bench.scale_out: 1 and 2 bot processes on PostgreSQL", args)
    plan = WatchPlan(300 if args.quick else 1000, 100)
    window = 30.0 if args.quick else 60.0
    rows = []
    setups = [(1, 30, "one host"), (2, 15, "one host"), (2, 30, "two hosts (simulated)")]
    for processes, per_second, where in setups:
        print(
            f"measuring {processes} process(es) at {per_second}/s, {window:.0f} s ...", flush=True
        )
        r = run(plan, processes, window, per_second)
        rows.append(
            [
                processes,
                f"{per_second}/s each, {where}",
                f"{plan.counters} x {plan.uploadings}",
                r["passes_per_minute"],
                r["min_polls_per_minute"],
                r["never_polled"],
                r["longest_gap"],
                r["requests_per_second"],
                r["max_in_one_second"],
                " + ".join(f"{c:.1f}" for c in r["cpu"]),
                1000 * sum(r["cpu"]) / max(1, r["requests"]),
                " + ".join(f"{m:.0f}" for m in r["rss"]),
                len(plan.changing),
                r["messages"],
                r["missing"],
                r["duplicates"],
                r["tell_p50"],
                r["tell_max"],
                r["parallel_429"],
                r["429"],
                r["lost_leases"],
            ]
        )
    table(
        f"Scale-out on PostgreSQL, {window:.0f} s window (baseline: one process)",
        [
            "processes",
            "METRICA_REQUESTS_PER_SECOND",
            "counters x uploadings",
            "passes/min (requests / counters)",
            "fewest polls of one counter /min",
            "counters not polled",
            "longest a counter went unpolled, s",
            "Metrica requests/s",
            "most requests in 1 s",
            "bot CPU s",
            "CPU ms/poll",
            "peak RSS MB",
            "changes",
            "messages",
            "changes not told",
            "told twice",
            "change to chat p50, s",
            "max, s",
            "Metrica 429 parallel",
            "429s",
            "leases lost",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
