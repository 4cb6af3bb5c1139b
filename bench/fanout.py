"""Benchmark 2: fan-out of one status change to thousands of chats, under Telegram's limits.

    .venv/bin/python -m bench.fanout [--quick]

The real bot process (`python -m bot`, SQLite) against the fake Bot API enforcing Telegram's
flood limits (30 messages a second overall, 20 a minute per group, about 1 a second per
private chat; a refused send answers 429) and the fake Metrica. One counter is subscribed by
5,000 private chats (1,000 with --quick); one of its uploadings moves MATCHED -> PROCESSED in
Metrica and every chat must get one message. Then 200 groups (50 with --quick) hear about
10 changes made one poll apart: per-group limit, 429s, each change told to each group once.
The baseline is the fake's own limit: 30 messages a second.
"""

from __future__ import annotations

import asyncio
import re
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

from bench.botproc import BotProcess
from bench.common import BOT_TOKEN, banner, parser, table
from bench.fakes import BulkMetrica, TimedTelegram
from bench.profiling import print_profile, spy_attach, spy_rows
from bench.seed import database, seed_audience
from fakes.telegram_limits import GLOBAL_PER_SECOND, GROUP_PER_MINUTE

TOKEN = "bench-fanout-token"  # noqa: S105 - a token of the fake Metrica
COUNTER = 31_000_001
FIRST_PRIVATE = 7_000_000_000
FIRST_GROUP = -1_001_900_000_000
HISTORY = 20  # finished uploadings the counter already has
ENV = {
    "POLL_INTERVAL_SECONDS": "1",
    "IDLE_POLL_INTERVAL_SECONDS": "2",
    # A large quota so the budget does not stretch the 1-second polling of this benchmark.
    "DAILY_QUOTA": "100000000",
}
_ID = re.compile(r"#(\d+)")


def _uploadings(changing: int) -> list[tuple[int, str]]:
    done = [(n, "PROCESSED") for n in range(1, HISTORY + 1)]
    return done + [(HISTORY + k, "MATCHED") for k in range(1, changing + 1)]


def run(
    chats: list[tuple[int, str]],
    changes: int,
    gap: float,
    kind: str = "sqlite",
    spy: Path | None = None,
) -> dict[str, Any]:
    """Start the bot, make `changes` status changes `gap` seconds apart, wait for delivery."""
    uploadings = _uploadings(changes)
    with (
        TimedTelegram(BOT_TOKEN, enforce_limits=True) as telegram,
        BulkMetrica() as metrica,
        database(kind) as url,
    ):
        with telegram.lock:
            for chat_id, chat_type in chats:
                if chat_type == "private":
                    telegram.world.private_chat(chat_id)
                else:
                    telegram.add_group(chat_id, f"Team {chat_id}")
        metrica.seed({TOKEN: [COUNTER]}, {COUNTER: uploadings})
        asyncio.run(seed_audience(url, TOKEN, COUNTER, uploadings, chats))
        bot = BotProcess(telegram, metrica, url, ENV, name="fanout").start()
        try:
            metrica.wait_for_requests(1, path_contains="calls_uploadings", timeout=30)
            spying = spy_attach(bot.pid, spy) if spy else None
            cpu0, threads0, started = bot.cpu_seconds(), bot.thread_cpu(), time.time()
            for k in range(changes):
                if k:
                    time.sleep(gap)
                metrica.set_status(COUNTER, HISTORY + 1 + k, "PROCESSED")
            expected = len(chats) * changes
            deadline = time.monotonic() + expected / 20 + 120
            while time.monotonic() < deadline and _told(telegram) < expected:
                time.sleep(2.0)
            result = _result(telegram, chats, changes, started) | {
                "bot_cpu": bot.cpu_seconds() - cpu0,
                "loop_cpu": bot.thread_cpu()[0] - threads0[0],
                "bot_rss": bot.peak_rss_mb(),
                "exit": bot.stop(),
            }
            if spying is not None:
                spying.wait(timeout=30)
            return result
        finally:
            bot.stop()


def _told(telegram: TimedTelegram) -> int:
    """Notifications (uploading ids) delivered so far."""
    return sum(len(_ID.findall(m["raw_text"])) for m in telegram.all_sent())


def _result(
    telegram: TimedTelegram, chats: list[tuple[int, str]], changes: int, started: float
) -> dict[str, Any]:
    sends = telegram.send_log()
    ok = sorted(at for at, _, status in sends if status == 200)
    told: Counter[tuple[int, str]] = Counter()
    per_minute: dict[int, list[float]] = {}
    for message in telegram.all_sent():
        for uploading_id in _ID.findall(message["raw_text"]):
            told[(message["chat_id"], uploading_id)] += 1
    for at, chat_id, status in sends:
        if status == 200:
            per_minute.setdefault(chat_id, []).append(at)
    span = ok[-1] - ok[0] if len(ok) > 1 else float("nan")
    return {
        "chats": len(chats),
        "changes": changes,
        "messages": len(ok),
        "rate": (len(ok) - 1) / span if len(ok) > 1 else float("nan"),
        "first_30s": sum(1 for at in ok if at < ok[0] + 30) / 30 if ok else float("nan"),
        "first": ok[0] - started if ok else float("nan"),
        "last": ok[-1] - started if ok else float("nan"),
        "429": telegram.count_429,
        "missing": len(chats) * changes - len(told),
        "duplicates": sum(n - 1 for n in told.values() if n > 1),
        "max_per_chat_minute": max(
            (_max_in_window(v, 60.0) for v in per_minute.values()), default=0
        ),
    }


def _max_in_window(times: list[float], span: float) -> int:
    """The most sends to one chat within any `span` seconds."""
    times, best, start = sorted(times), 0, 0
    for end, at in enumerate(times):
        while at - times[start] >= span:
            start += 1
        best = max(best, end - start + 1)
    return best


def main() -> None:
    args_parser = parser("Fan-out of status changes to many chats.")
    args_parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    args_parser.add_argument("--profile", action="store_true", help="py-spy the private fan-out")
    args = args_parser.parse_args()
    spy = Path(tempfile.mkdtemp(prefix="bench-spy-")) / "fanout.raw" if args.profile else None
    banner(f"bench.fanout: one change to many chats, Telegram limits on, {args.database}", args)
    privates = 1000 if args.quick else 5000
    groups = 50 if args.quick else 200
    print(f"measuring {privates} private chats, 1 change ...", flush=True)
    private = run(
        [(FIRST_PRIVATE + i, "private") for i in range(privates)], 1, 0.0, args.database, spy
    )
    print(f"measuring {groups} groups, 10 changes 1.5 s apart ...", flush=True)
    group = run([(FIRST_GROUP - i, "supergroup") for i in range(groups)], 10, 1.5, args.database)
    rows = []
    for name, r in ((f"{privates} private chats", private), (f"{groups} groups", group)):
        rows.append(
            [
                name,
                r["changes"],
                r["messages"],
                r["rate"],
                100 * r["rate"] / GLOBAL_PER_SECOND,
                r["first_30s"],
                r["first"],
                r["last"],
                r["429"],
                r["missing"],
                r["duplicates"],
                r["max_per_chat_minute"],
                r["bot_cpu"],
                r["bot_cpu"] - r["loop_cpu"],
                round(r["bot_rss"]),
            ]
        )
    table(
        f"Fan-out, {args.database} (baseline: the fake's limit, {GLOBAL_PER_SECOND} messages/s; "
        f"groups {GROUP_PER_MINUTE}/min)",
        [
            "chats",
            "changes",
            "messages sent",
            "messages/s",
            "% of 30/s",
            "messages/s, first 30 s",
            "first after change, s",
            "last, s",
            "429s",
            "notices missing",
            "duplicates",
            "max to one chat in 60 s",
            "bot CPU s",
            "of which outside the event loop (SQLite threads)",
            "bot peak RSS MB",
        ],
        rows,
    )
    if spy is not None:
        if spy.exists():
            profile = spy_rows(spy, "bot/__main__")
            print_profile(f"Profile of the bot process during the {privates}-chat fan-out", profile)
        else:
            print("--profile needs py-spy: .venv/bin/pip install py-spy")


if __name__ == "__main__":
    main()
