"""Benchmark 7: checking an /upload CSV (bot/calls_csv.py), by file size: time and peak memory.

    .venv/bin/python -m bench.calls_csv

The check runs in a worker thread (it holds the GIL, so a busy loop still slows down while a
20 MB file is checked, but it is never blocked by it). Rows look like a real export: an id, the
unix time, a price, a phone number, a duration and a tag.
"""

from __future__ import annotations

import time
import tracemalloc

from bot.calls_csv import MAX_FILE_SIZE, validate

HEADER = b"UserId,DateTime,Price,PhoneNumber,TalkDuration,Tag\n"
ROW = b"4219630451718722437,1732867200,1500,+79001234567,95,first call\n"


def sample(megabytes: float) -> bytes:
    """A good file of about this size (at most the download limit)."""
    size = min(int(megabytes * 1024 * 1024), MAX_FILE_SIZE) - len(HEADER)
    return HEADER + ROW * (size // len(ROW))


def main() -> None:
    """Print one line per size: rows, seconds (best of three), peak MB."""
    print("| file | rows | check, s (best of 3) | peak memory, MB |")
    print("|---|---|---|---|")
    for megabytes in (1, 5, 20):
        content = sample(megabytes)
        best = min(_timed(content) for _ in range(3))
        tracemalloc.start()
        checked = validate(content)
        peak = tracemalloc.get_traced_memory()[1]
        tracemalloc.stop()
        print(f"| {megabytes} MB | {checked.rows} | {best:.2f} | {peak / 1e6:.0f} |")


def _timed(content: bytes) -> float:
    started = time.perf_counter()
    validate(content)
    return time.perf_counter() - started


if __name__ == "__main__":
    main()
