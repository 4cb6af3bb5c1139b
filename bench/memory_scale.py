"""Benchmark 8: the poller's memory at 10,000 and 100,000 counters (PostgreSQL).

    .venv/bin/python -m bench.memory_scale [--quick]

Seeds PostgreSQL directly (10 uploadings a counter, a baseline snapshot that agrees with the
fake Metrica) and runs the bot's own Poller and Pump as shipped (30 Metrica requests a second)
in a fresh process for a fixed window: a pass over 100,000 counters takes 55 minutes at that
cap, so the window measures its first minutes. Peak memory (VmHWM) should not grow with the
number of counters: claims, candidates and demand are computed in bounded batches.
"""

from __future__ import annotations

import asyncio
from typing import Any

from bench.common import banner, parser, run_in_child, table
from bench.fakes import RemoteFake
from bench.poll_pass import LATENCY, PassOptions, bot_pass
from bench.seed import WatchPlan, database, seed_database

FULL = ((10_000, 120.0), (100_000, 120.0))
QUICK = ((2_000, 30.0), (20_000, 30.0))
UPLOADINGS = 10


def measure(counters: int, seconds: float) -> dict[str, Any]:
    """One window of the shipped poller over `counters` counters; its numbers."""
    plan = WatchPlan(counters, UPLOADINGS)
    with RemoteFake("bench.fakes.BulkMetrica", latency=LATENCY) as metrica:
        metrica.call("seed", plan.tokens(), plan.statuses())
        with database("postgres") as url:
            asyncio.run(seed_database(url, plan))
            options = PassOptions(seconds=seconds)
            return run_in_child(bot_pass, url, metrica.url, counters, True, options)


def main() -> None:
    args = parser("The poller's memory as the number of counters grows.").parse_args()
    banner("bench.memory_scale: poller memory, PostgreSQL, as shipped (30 requests/s)", args)
    rows = []
    first_peak = None
    for counters, seconds in QUICK if args.quick else FULL:
        print(f"measuring {counters:,} counters for {seconds:.0f} s ...", flush=True)
        r = measure(counters, seconds)
        first_peak = first_peak or r["peak"]
        rows.append(
            [
                f"{counters:,}",
                round(r["wall"], 1),
                r["polled"],
                r["cpu"] * 1000 / max(1, r["polled"]),
                round(r["rss_start"]),
                round(r["peak"]),
                f"{r['peak'] / first_peak:.2f}x",
            ]
        )
    table(
        "Poller memory on PostgreSQL (first counters of a pass)",
        [
            "counters",
            "window, s",
            "polled",
            "CPU ms/poll",
            "RSS at start, MB",
            "peak RSS, MB",
            "peak vs smallest",
        ],
        rows,
    )


if __name__ == "__main__":
    main()
