"""Benchmark 1: the cost of one poll pass over many watched counters.

    .venv/bin/python -m bench.poll_pass [--quick] [--database sqlite|postgres]

Seeds the fake Metrica (in its own process, answering after 20 ms) and the bot's database with
the same counters and a baseline snapshot, then measures, each in a fresh process:

* baseline: a bare httpx client fetching and JSON-parsing the same lists with the same
  concurrency (16 counters in flight, 3 per token) and the same requests-per-second cap;
* warm-up (not measured): one bot pass, so the database holds every list and its digest, as
  in a bot that has been running;
* bot, no change: the bot's own Poller driven by its own Pump (as `python -m bot` runs them,
  with logging at INFO into a file) until every counter was polled once;
* bot, 1% changed: the same after 1% of all uploadings moved MATCHED -> PROCESSED in Metrica.

"throttled" is the bot as shipped: at most 30 Metrica requests a second per process (Metrica's
per-IP limit), so a pass cannot take less than counters / 30 seconds. "unthrottled" lifts that
cap (3 in flight per token stays) to show what the bot itself could do.
"""

from __future__ import annotations

import asyncio
import contextlib
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import httpx

from bench.common import (
    RowCounter,
    Usage,
    banner,
    parser,
    peak_rss_mb,
    rss_mb,
    run_in_child,
    table,
)
from bench.fakes import RemoteFake
from bench.inproc import UNTHROTTLED_PER_SECOND, bot_services, bot_settings, log_to_file
from bench.profiling import print_profile, spy_attach, spy_rows, thread_cpu_seconds
from bench.seed import WatchPlan, database, reset_schedule, revert_changes, seed_database
from bot.metrica import RequestLimiter
from bot.monitor.poller import Poller
from bot.monitor.pump import Pump
from bot.monitor.runner import POLL_CONCURRENCY

LATENCY = 0.020
METRICA_PER_SECOND = 30
LIST_PATH = "/management/v1/counter/{}/offline_conversions/calls_uploadings"


@dataclass(frozen=True)
class Case:
    """One world (a plan) and the modes to measure it in."""

    name: str
    plan: WatchPlan
    modes: tuple[bool, ...]  # throttled?


FULL = (
    Case("1,000 x 100", WatchPlan(1000, 100), (True, False)),
    Case("10,000 x 100", WatchPlan(10_000, 100), (False,)),
    Case("1 x 10,000", WatchPlan(1, 10_000, counters_per_token=1), (True,)),
)
QUICK = (
    Case("300 x 100", WatchPlan(300, 100), (True,)),
    Case("1,000 x 100", WatchPlan(1000, 100), (False,)),
    Case("1 x 10,000", WatchPlan(1, 10_000, counters_per_token=1), (True,)),
)


@dataclass(frozen=True)
class PassOptions:
    """How a measured bot pass differs from the plain one."""

    seconds: float | None = None  # stop after this long (a pass need not finish)
    memory_gate: bool = False  # the per-login gate in memory: what the database gate costs


# --- measured in a child process -----------------------------------------------------------
def baseline_pass(
    metrica_url: str, tokens: dict[str, list[int]], throttled: bool
) -> dict[str, Any]:
    """Bare fetch + json of every list, as fast as the same limits allow."""
    return asyncio.run(_baseline(metrica_url, tokens, throttled))


async def _baseline(
    metrica_url: str, tokens: dict[str, list[int]], throttled: bool
) -> dict[str, Any]:
    per_second = METRICA_PER_SECOND if throttled else UNTHROTTLED_PER_SECOND
    limiter = RequestLimiter(per_second=per_second)
    slots = asyncio.Semaphore(POLL_CONCURRENCY)
    parsed = 0
    async with httpx.AsyncClient(base_url=metrica_url, timeout=30) as client:

        async def fetch(token: str, counter_id: int) -> None:
            nonlocal parsed
            async with slots, limiter.slot(token):
                response = await client.get(
                    LIST_PATH.format(counter_id),
                    params={"limit": 10000, "offset": 0},
                    headers={"Authorization": f"OAuth {token}"},
                )
            response.raise_for_status()
            parsed += len(response.json()["uploadings"])

        rss_start = rss_mb()
        usage = Usage().start()
        await asyncio.gather(*(fetch(t, c) for t, ids in tokens.items() for c in ids))
        usage.stop()
    return {"wall": usage.wall, "cpu": usage.cpu, "rss_start": rss_start, "peak": peak_rss_mb()}


def bot_pass(
    database_url: str,
    metrica_url: str,
    counters: int,
    throttled: bool,
    options: PassOptions | None = None,
) -> dict[str, Any]:
    """The bot's poller over every due counter once (or for at most `options.seconds`)."""
    return asyncio.run(
        _bot_pass(database_url, metrica_url, counters, throttled, options or PassOptions())
    )


async def _bot_pass(
    database_url: str,
    metrica_url: str,
    counters: int,
    throttled: bool,
    options: PassOptions,
) -> dict[str, Any]:
    settings = bot_settings(database_url, metrica_url)
    log_to_file(settings)
    services = bot_services(settings, unthrottled=not throttled, memory_gate=options.memory_gate)
    rows = RowCounter().attach(services.engine)
    poller = Poller(services, owner="bench-poller")
    polled = 0
    finished = asyncio.Event()

    async def work(job: Any) -> None:
        nonlocal polled
        await poller.poll(job)
        polled += 1
        if polled >= counters:
            finished.set()

    interval = min(5.0, max(0.5, settings.poll_interval_seconds / 4))
    pump = Pump(
        "poller",
        claim=poller.claim,
        work=work,
        concurrency=POLL_CONCURRENCY,
        interval=interval,
        batch=POLL_CONCURRENCY // 2,
    )
    rss_start, threads_before = rss_mb(), thread_cpu_seconds()
    usage = Usage().start()
    pump.start()
    with contextlib.suppress(TimeoutError):
        await asyncio.wait_for(finished.wait(), options.seconds)
    usage.stop()
    threads = {
        name: seconds - threads_before.get(name, 0.0)
        for name, seconds in thread_cpu_seconds().items()
    }
    await pump.stop(5)
    await services.http.aclose()
    await services.gate.close()  # as the bot does at a stop: kept slots and blocks go back
    await services.engine.dispose()
    return {
        "wall": usage.wall,
        "cpu": usage.cpu,
        "rss_start": rss_start,
        "peak": peak_rss_mb(),
        "rows": rows.total,
        "rows_by_table": rows.summary(),
        "polled": polled,
        "threads": threads,
    }


# --- orchestration -------------------------------------------------------------------------
def measure_case(case: Case, kind: str) -> list[tuple[list[Any], dict[str, Any]]]:
    """(table row, raw result) of the baseline and both bot passes in every mode."""
    plan = case.plan
    results: list[tuple[list[Any], dict[str, Any]]] = []
    with RemoteFake("bench.fakes.BulkMetrica", latency=LATENCY) as metrica, database(kind) as url:
        metrica.call("seed", plan.tokens(), plan.statuses())
        asyncio.run(seed_database(url, plan))
        for throttled in case.modes:
            # A first pass stores every list and its digest (as a running bot has): the measured
            # passes are the steady state, not the first after a restart from nothing (nor the
            # first after the previous mode's reverted change).
            asyncio.run(reset_schedule(url))
            run_in_child(bot_pass, url, metrica.url, plan.counters, False)
            mode = "throttled" if throttled else "unthrottled"
            bound = plan.counters / METRICA_PER_SECOND if throttled else None
            base = run_in_child(baseline_pass, metrica.url, plan.tokens(), throttled)
            results.append((_row(case, mode, "baseline: bare fetch+parse", base, bound), base))
            for label, change in (("bot, no change", False), ("bot, 1% changed", True)):
                if change and not throttled:  # what the database gate costs, no change
                    results.append(_memory_gate_row(case, mode, url, metrica, bound))
                asyncio.run(reset_schedule(url))
                if change:
                    metrica.call("set_statuses", plan.changes("PROCESSED"))
                fake_cpu = metrica.cpu_seconds()
                result = run_in_child(bot_pass, url, metrica.url, plan.counters, throttled)
                result["fake_cpu"] = metrica.cpu_seconds() - fake_cpu
                results.append((_row(case, mode, label, result, bound), result))
                if change:
                    metrica.call("set_statuses", plan.changes("MATCHED"))
                    asyncio.run(revert_changes(url, plan))
    return results


def _memory_gate_row(
    case: Case, mode: str, url: str, metrica: RemoteFake, bound: float | None
) -> tuple[list[Any], dict[str, Any]]:
    """The no-change pass with the per-login gate in memory: what the database gate costs."""
    asyncio.run(reset_schedule(url))
    fake_cpu = metrica.cpu_seconds()
    options = PassOptions(memory_gate=True)
    result = run_in_child(bot_pass, url, metrica.url, case.plan.counters, False, options)
    result["fake_cpu"] = metrica.cpu_seconds() - fake_cpu
    label = "bot, no change, gate in memory (diagnostic)"
    return _row(case, mode, label, result, bound), result


def _row(case: Case, mode: str, label: str, r: dict[str, Any], bound: float | None) -> list[Any]:
    counters = case.plan.counters
    return [
        case.name,
        mode,
        label,
        r["wall"],
        "-" if bound is None else f"{bound:.1f}",
        counters / r["wall"],
        r["cpu"] * 1000 / counters,
        r.get("rows", "-"),
        r.get("rows_by_table", "-"),
        round(r["peak"]),
    ]


def _threads(row: list[Any], result: dict[str, Any]) -> list[Any]:
    loop = result["threads"].get("MainThread", 0.0)
    return [*row[:3], result["cpu"], loop, result["cpu"] - loop, result["fake_cpu"]]


HEADERS = [
    "counters x uploadings",
    "Metrica cap",
    "run",
    "wall, s",
    "bound N/30, s",
    "counters/s",
    "CPU ms/counter",
    "rows written",
    "rows by table",
    "peak RSS, MB",
]


def main() -> None:
    args_parser = parser("Cost of one poll pass.")
    args_parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args_parser.add_argument(
        "--profile", action="store_true", help="also profile one unthrottled no-change pass"
    )
    args = args_parser.parse_args()
    banner(
        f"bench.poll_pass: one poll pass, Metrica at {LATENCY * 1000:.0f} ms, {args.database}", args
    )
    measured: list[tuple[list[Any], dict[str, Any]]] = []
    for case in QUICK if args.quick else FULL:
        print(f"measuring {case.name} ...", flush=True)
        measured += measure_case(case, args.database)
    rows = [row for row, _ in measured]
    table(f"Poll pass ({args.database}, Metrica latency {LATENCY * 1000:.0f} ms)", HEADERS, rows)
    table(
        "Where the bot passes' CPU went (s), and the fake Metrica's CPU (s)",
        [
            "counters x uploadings",
            "Metrica cap",
            "run",
            "bot total",
            "event-loop thread",
            "other threads (SQLite, DNS; incl. exited)",
            "fake Metrica",
        ],
        [_threads(row, result) for row, result in measured if "threads" in result],
    )
    if args.profile:
        profile_pass(QUICK[1].plan if args.quick else FULL[0].plan, args.database)


def profile_pass(plan: WatchPlan, kind: str) -> None:
    """One unthrottled no-change pass sampled by py-spy (CPU of the thread holding the GIL)."""
    raw = Path(tempfile.mkdtemp(prefix="bench-spy-")) / "poll_pass.raw"
    spies: list[Any] = []
    with RemoteFake("bench.fakes.BulkMetrica", latency=LATENCY) as metrica, database(kind) as url:
        metrica.call("seed", plan.tokens(), plan.statuses())
        asyncio.run(seed_database(url, plan))
        run_in_child(bot_pass, url, metrica.url, plan.counters, False)  # warm-up, as above
        asyncio.run(reset_schedule(url))
        result = run_in_child(
            bot_pass,
            url,
            metrica.url,
            plan.counters,
            False,
            on_start=lambda pid: spies.append(spy_attach(pid, raw)),
        )
    if not spies or spies[0] is None:
        print("--profile needs py-spy: .venv/bin/pip install py-spy")
        return
    spies[0].wait(timeout=60)
    title = f"Profile, {plan.counters} x {plan.uploadings}, no change, unthrottled"
    print(f"{title}: wall {result['wall']:.2f} s, CPU {result['cpu']:.2f} s (sampled)")
    print_profile(title, spy_rows(raw, keep="asyncio/runners.py"))


if __name__ == "__main__":
    main()
