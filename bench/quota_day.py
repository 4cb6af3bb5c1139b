"""Benchmark 4: a simulated day of one login's Metrica quota, the monitor against a naive poller.

    .venv/bin/python -m bench.quota_day [--quick] [--days N]

One login, 50 counters (each with 20 old, finished uploadings), 30 new uploadings a day at
random times, each moving UPLOADED -> EXPORTED -> MATCHED -> PROCESSED or LINKAGE_FAILURE over
about an hour. The clock is simulated: no real waiting, no HTTP. The monitor is modelled with
its own pure functions (`bot.monitor.diff.evaluate`, `bot.monitor.schedule.next_poll_at` with
the login's `Budget`, as `Recorder._next_poll` builds it), its poll pump's tick (a due counter
is claimed at the next tick) and its gate: before each request the login's monitor allowance
is asked (`Allowance.admits`, the check the database gate makes atomically); a refused poll
sends nothing and the counter waits for the reset. The baseline is the naive poller: every
counter every POLL_INTERVAL_SECONDS until Metrica answers 429 for the rest of the day.

Delay is from the moment Metrica shows a status to the poll that reports it (the sender wakes
on queueing; its own time is measured by bench.fanout). A status that came and went between
two polls is never reported: counted as skipped.
"""

from __future__ import annotations

import heapq
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from bench.common import banner, mean, parser, percentile, table
from bot.domain import Uploading
from bot.metrica import Allowance, RequestKind
from bot.monitor.diff import Seen, evaluate
from bot.monitor.schedule import Budget, Cadence, after_reset, next_poll_at

DAY = datetime(2026, 3, 2, tzinfo=UTC)
SECONDS = 86_400
COUNTERS = 50
NEW_PER_DAY = 30
OLD_PER_COUNTER = 20
DAILY_QUOTA = 5000
QUOTA_SHARE = 0.8
CADENCE = Cadence(hot=60, idle=600)  # POLL_INTERVAL_SECONDS, IDLE_POLL_INTERVAL_SECONDS
PUMP_TICK = 5.0  # the poll pump's interval: min(5, max(0.5, POLL_INTERVAL_SECONDS / 4))
STUCK_AFTER = timedelta(minutes=180)
LATEST_ARRIVAL = SECONDS - 2 * 3600  # so every uploading finishes within the simulated day


@dataclass
class Track:
    """One uploading's life: (second of the day, status) steps."""

    id: int
    counter: int
    steps: list[tuple[float, str]]
    created: float

    def status_at(self, t: float) -> str | None:
        current = None
        for at, status in self.steps:
            if at > t:
                break
            current = status
        return current


@dataclass
class World:
    """What Metrica shows, per counter, at any simulated second."""

    tracks: dict[int, list[Track]] = field(default_factory=dict)

    def listing(self, counter: int, t: float) -> list[Uploading]:
        found = []
        for track in self.tracks[counter]:
            status = track.status_at(t)
            if status is not None:
                created = DAY + timedelta(seconds=track.created)
                found.append(Uploading(track.id, status, create_time=created))
        return found

    def new_tracks(self) -> list[Track]:
        return [t for tracks in self.tracks.values() for t in tracks if t.created >= 0]


def make_world(rng: random.Random) -> World:
    """50 counters with history and 30 uploadings arriving at random times today."""
    world = World({c: [] for c in range(COUNTERS)})
    next_id = 1
    for counter in range(COUNTERS):
        for _ in range(OLD_PER_COUNTER):
            world.tracks[counter].append(Track(next_id, counter, [(-1.0, "PROCESSED")], -86_400))
            next_id += 1
    for _ in range(NEW_PER_DAY):
        start = rng.uniform(0, LATEST_ARRIVAL)
        exported = start + rng.uniform(60, 300)
        matched = exported + rng.uniform(300, 1200)
        final = start + rng.uniform(45 * 60, 75 * 60)
        ending = "PROCESSED" if rng.random() < 0.85 else "LINKAGE_FAILURE"
        steps = [(start, "UPLOADED"), (exported, "EXPORTED"), (matched, "MATCHED")]
        steps.append((max(final, matched + 60), ending))
        counter = rng.randrange(COUNTERS)
        world.tracks[counter].append(Track(next_id, counter, steps, start))
        next_id += 1
    return world


@dataclass
class Outcome:
    """Requests sent and, per (uploading id, step index), when the change was reported."""

    requests: int = 0
    refused: int = 0
    exhausted_at: float | None = None
    reported: dict[tuple[int, int], float] = field(default_factory=dict)


def _observe(world: World, counter: int, t: float, seen: dict[int, str], out: Outcome) -> bool:
    """Record what a poll at `t` reports; returns whether anything changed."""
    changed = False
    for track in world.tracks[counter]:
        status = track.status_at(t)
        if status is None or seen.get(track.id) == status:
            continue
        seen[track.id] = status
        changed = True
        index = next(i for i, (_, s) in enumerate(track.steps) if s == status)
        out.reported.setdefault((track.id, index), t)
    return changed


def _tick(t: float) -> float:
    """The pump tick at or after t, when a counter due at t is claimed."""
    return math.ceil(t / PUMP_TICK) * PUMP_TICK


def run_monitor(world: World, rand: Callable[[], float]) -> Outcome:
    """The bot's scheduling (cadence stretched to the login's budget) behind its gate."""
    out = Outcome()
    allowance = Allowance(DAILY_QUOTA, QUOTA_SHARE)
    allowed = allowance.monitor
    snapshots: dict[int, dict[int, Seen]] = {}
    seen: dict[int, dict[int, str]] = {}
    hot = dict.fromkeys(range(COUNTERS), False)
    queue: list[tuple[float, int]] = []
    for counter in range(COUNTERS):
        current = world.listing(counter, 0.0)
        snapshots[counter] = {u.id: Seen(u.status) for u in current}
        seen[counter] = {u.id: u.status for u in current}
        heapq.heappush(queue, (_tick(rand() * CADENCE.idle), counter))
    while queue:
        t, counter = heapq.heappop(queue)
        if t >= SECONDS:
            break
        now = DAY + timedelta(seconds=t)
        hot_now = sum(hot.values())
        if not allowance.admits(RequestKind.MONITOR, out.requests):
            # Refused before sending: the counter waits for the reset (the next day).
            out.refused += 1
            out.exhausted_at = out.exhausted_at or t
            heapq.heappush(queue, (_tick((after_reset(now, rand) - DAY).total_seconds()), counter))
            continue
        out.requests += 1
        current = world.listing(counter, t)
        result = evaluate(
            snapshots[counter], current, baseline=False, now=now, stuck_after=STUCK_AFTER
        )
        for u in result.to_write:
            snapshots[counter][u.id] = Seen(u.status)
        _observe(world, counter, t, seen[counter], out)
        hot[counter] = result.hot
        budget = Budget(allowed, out.requests, hot_now, COUNTERS - hot_now)
        due = next_poll_at(now, hot=result.hot, cadence=CADENCE, budget=budget, rand=rand)
        heapq.heappush(queue, (_tick((due - DAY).total_seconds()), counter))
    return out


def run_naive(world: World, rand: Callable[[], float], interval: float) -> Outcome:
    """Every counter every `interval` seconds; after DAILY_QUOTA requests Metrica says 429."""
    out = Outcome()
    seen = {c: {u.id: u.status for u in world.listing(c, 0.0)} for c in range(COUNTERS)}
    queue = [(rand() * interval, c) for c in range(COUNTERS)]
    heapq.heapify(queue)
    while queue:
        t, counter = heapq.heappop(queue)
        if t >= SECONDS:
            break
        if out.requests >= DAILY_QUOTA:
            out.refused += 1
            out.exhausted_at = out.exhausted_at or t
        else:
            out.requests += 1
            _observe(world, counter, t, seen[counter], out)
        heapq.heappush(queue, (t + interval, counter))
    return out


@dataclass
class Delays:
    """Delays (seconds) of reported changes, finals separately; unreported ones counted."""

    changes: list[float] = field(default_factory=list)
    arrivals: list[float] = field(default_factory=list)
    finals: list[float] = field(default_factory=list)
    skipped: int = 0
    not_today: int = 0


def delays(world: World, out: Outcome, into: Delays) -> None:
    """Per new uploading: when it was first seen, each reported status, the final status."""
    after_reset = SECONDS + CADENCE.hot / 2  # told only after 00:00, half an interval in
    for track in world.new_tracks():
        last = len(track.steps) - 1
        seen = [
            out.reported[(track.id, k)] for k in range(last + 1) if (track.id, k) in out.reported
        ]
        into.arrivals.append((min(seen) if seen else after_reset) - track.created)
        for index, (at, _) in enumerate(track.steps):
            reported = out.reported.get((track.id, index))
            if reported is None:
                if any((track.id, k) in out.reported for k in range(index + 1, last + 1)):
                    into.skipped += 1
                    continue
                into.not_today += 1
                reported = after_reset
            into.changes.append(reported - at)
            if index == last:
                into.finals.append(reported - at)


def clock(seconds: float | None) -> str:
    if seconds is None:
        return "never"
    return f"{int(seconds // 3600):02d}:{int(seconds % 3600 // 60):02d} UTC"


def main() -> None:
    args_parser = parser("A simulated day of Metrica quota: the monitor vs a naive poller.")
    args_parser.add_argument("--days", type=int, default=0, help="simulated days (default 200)")
    args = args_parser.parse_args()
    days = args.days or (20 if args.quick else 200)
    banner("bench.quota_day: a simulated day of quota", args)
    print(
        f"{days} simulated days, each: 1 login, {COUNTERS} counters, {NEW_PER_DAY} new uploadings"
        f" a day; quota {DAILY_QUOTA}, monitor's share {QUOTA_SHARE} = "
        f"{DAILY_QUOTA * QUOTA_SHARE:.0f}; POLL_INTERVAL_SECONDS={CADENCE.hot:.0f}, "
        f"IDLE_POLL_INTERVAL_SECONDS={CADENCE.idle:.0f}\n"
    )
    runs: dict[str, tuple[list[int], Delays, list[float | None]]] = {
        "monitor (bot)": ([], Delays(), []),
        "naive, every 60 s": ([], Delays(), []),
    }
    for day in range(days):
        world = make_world(random.Random(day))
        rand = random.Random(10_000 + day).random
        for name, outcome in (
            ("monitor (bot)", run_monitor(world, rand)),
            ("naive, every 60 s", run_naive(world, rand, CADENCE.hot)),
        ):
            requests, found, exhausted = runs[name]
            requests.append(outcome.requests)
            exhausted.append(outcome.exhausted_at)
            delays(world, outcome, found)
    rows = []
    for name, (requests, found, exhausted) in runs.items():
        ran_out = [e for e in exhausted if e is not None]
        rows.append(
            [
                name,
                round(mean(requests)),
                max(requests),
                f"{len(ran_out)}/{days}, at {clock(mean(ran_out)) if ran_out else 'never'}",
                mean(found.changes) / 60,
                percentile(found.changes, 0.95) / 60,
                mean(found.arrivals) / 60,
                percentile(found.arrivals, 0.95) / 60,
                mean(found.finals) / 60,
                percentile(found.finals, 0.95) / 60,
                found.skipped,
                found.not_today,
            ]
        )
    table(
        f"Quota day: requests per day and delay, {days} simulated days",
        [
            "poller",
            "requests/day (mean)",
            "max",
            "quota ran out (days, mean time)",
            "each reported status: delay mean, min",
            "p95, min",
            "new uploading first seen: mean, min",
            "p95, min",
            "final status mean, min",
            "final p95, min",
            "statuses skipped",
            "changes not told the same day",
        ],
        rows,
    )
    worst = max(runs["monitor (bot)"][0])
    limit = DAILY_QUOTA * QUOTA_SHARE
    verdict = "met" if worst <= limit else "NOT met"
    print(f"target: monitor's requests <= {limit:.0f} a day: {verdict} (worst day {worst})")


if __name__ == "__main__":
    main()
