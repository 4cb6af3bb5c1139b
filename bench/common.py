"""Shared measuring tools: machine description, CPU/memory/row counters, tables, processes.

Every benchmark prints the machine first, then small tables. CPU is `time.process_time()` (all
threads of this process, so aiosqlite's worker thread counts as the bot's); memory is peak RSS
(VmHWM: not `ru_maxrss`, which Linux carries across exec); rows written are counted per table
from the driver's rowcount of every INSERT, UPDATE and DELETE the engine executes.
"""

from __future__ import annotations

import argparse
import datetime as dt
import multiprocessing
import os
import platform
import re
import statistics
import sys
import time
import traceback
from collections import Counter
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

ROOT = Path(__file__).resolve().parents[1]
BOT_TOKEN = "123456:BENCH-token"  # noqa: S105 - the fake Bot API's token
# A fixed Fernet key, so the bench can store tokens the bot process can read.
SECRET_KEY = "QbT4iFUASe7WFL2JFASCDJhuRA4Sj1fYu7sHPC6pccg="  # noqa: S105 - bench only
POSTGRES_URL = os.environ.get(
    "BENCH_DATABASE_URL",
    os.environ.get("TEST_DATABASE_URL", "postgresql+asyncpg://postgres@127.0.0.1:5432/test"),
)


# --- the machine ---------------------------------------------------------------------------
def machine() -> dict[str, str]:
    """What the numbers were measured on."""
    model = "unknown"
    with Path("/proc/cpuinfo").open() as cpuinfo:
        for line in cpuinfo:
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    return {
        "date": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "cpus": f"{os.cpu_count()} x {model}",
        "memory": f"{_mem_total_gb():.1f} GB",
        "python": f"{platform.python_implementation()} {platform.python_version()}",
        "os": platform.platform(terse=True),
    }


def _mem_total_gb() -> float:
    for line in Path("/proc/meminfo").read_text().splitlines():
        if line.startswith("MemTotal:"):
            return int(line.split()[1]) / 1024 / 1024
    return 0.0


def banner(title: str, args: argparse.Namespace | None = None) -> None:
    """The benchmark's name, mode and machine, printed before any number."""
    mode = " (--quick)" if args is not None and getattr(args, "quick", False) else ""
    print(f"== {title}{mode}")
    for key, value in machine().items():
        print(f"   {key:7} {value}")
    print(flush=True)


def parser(description: str) -> argparse.ArgumentParser:
    """An argument parser with the common --quick flag."""
    result = argparse.ArgumentParser(description=description)
    result.add_argument("--quick", action="store_true", help="smaller sizes, about a minute")
    return result


# --- numbers -------------------------------------------------------------------------------
def percentile(values: Sequence[float], share: float) -> float:
    """The value below which `share` (0..1) of the values fall (nearest rank)."""
    if not values:
        return float("nan")
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(share * len(ordered) + 0.5) - 1))
    return ordered[index]


def mean(values: Sequence[float]) -> float:
    """The mean, NaN for nothing."""
    return statistics.fmean(values) if values else float("nan")


def fmt(value: Any, digits: int = 2) -> str:
    """Numbers with a fixed number of decimals, thousands separated; others as they are."""
    if isinstance(value, bool) or value is None:
        return str(value)
    if isinstance(value, int):
        return f"{value:,}"
    if isinstance(value, float):
        return f"{value:,.{digits}f}"
    return str(value)


def table(title: str, headers: Sequence[str], rows: Iterable[Sequence[Any]]) -> str:
    """A Markdown table (pastes into BENCHMARKS.md as it is), printed and returned."""
    cells = [[fmt(cell) for cell in row] for row in rows]
    widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
    lines = [f"### {title}", ""]
    lines.append("| " + " | ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)) + " |")
    lines.append("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells:
        lines.append("| " + " | ".join(c.rjust(w) for c, w in zip(row, widths, strict=True)) + " |")
    text = "\n".join(lines) + "\n"
    print(text, flush=True)
    return text


# --- CPU, memory ---------------------------------------------------------------------------
def rss_mb() -> float:
    """This process's resident memory now, in MB."""
    for line in Path("/proc/self/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def peak_rss_mb() -> float:
    """This process's peak resident memory so far, in MB (VmHWM).

    Not ru_maxrss: Linux carries that across exec, so a spawned child would report the
    peak of the parent it was forked from.
    """
    return process_peak_rss_mb(os.getpid())


def process_cpu_seconds(pid: int) -> float:
    """User plus system CPU seconds of another process, from /proc."""
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    ticks = os.sysconf("SC_CLK_TCK")
    return (int(fields[11]) + int(fields[12])) / ticks


def process_thread_cpu(pid: int) -> tuple[float, float]:
    """CPU seconds of another process's main thread and of all its other live threads."""
    ticks = os.sysconf("SC_CLK_TCK")
    main = others = 0.0
    for task in Path(f"/proc/{pid}/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        seconds = (int(fields[11]) + int(fields[12])) / ticks
        if int(task.name) == pid:
            main += seconds
        else:
            others += seconds
    return main, others


def process_peak_rss_mb(pid: int) -> float:
    """Peak resident memory (VmHWM) of another process, in MB."""
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


@dataclass
class Usage:
    """Wall and CPU seconds spent between `start()` and `stop()`."""

    wall: float = 0.0
    cpu: float = 0.0
    _wall0: float = 0.0
    _cpu0: float = 0.0

    def start(self) -> Usage:
        self._wall0, self._cpu0 = time.perf_counter(), time.process_time()
        return self

    def stop(self) -> Usage:
        self.wall = time.perf_counter() - self._wall0
        self.cpu = time.process_time() - self._cpu0
        return self


# --- rows written --------------------------------------------------------------------------
_WRITE = re.compile(r'^\s*(INSERT\s+INTO|UPDATE|DELETE\s+FROM)\s+"?(\w+)"?', re.IGNORECASE)


class RowCounter:
    """Counts rows written per (verb, table) by every statement the engine runs."""

    def __init__(self) -> None:
        self.rows: Counter[tuple[str, str]] = Counter()
        self.statements: Counter[tuple[str, str]] = Counter()

    def attach(self, engine: AsyncEngine) -> RowCounter:
        event.listen(engine.sync_engine, "after_cursor_execute", self._after)
        return self

    def _after(self, conn: Any, cursor: Any, statement: str, params: Any, *args: Any) -> None:
        match = _WRITE.match(statement)
        if match is None:
            return
        key = (match.group(1).split()[0].upper(), match.group(2))
        self.statements[key] += 1
        rows = max(0, getattr(cursor, "rowcount", 0) or 0)
        if not rows and args and args[-1] and isinstance(params, list | tuple):
            # asyncpg's executemany reports no rowcount: count a row per parameter set (at most).
            rows = len(params)
        self.rows[key] += rows

    @property
    def total(self) -> int:
        return sum(self.rows.values())

    def summary(self) -> str:
        """'UPDATE counters 1000, INSERT outbox 10' or 'none'."""
        parts = [f"{verb} {name} {n}" for (verb, name), n in sorted(self.rows.items()) if n]
        return ", ".join(parts) or "none"

    def reset(self) -> None:
        self.rows.clear()
        self.statements.clear()


# --- child processes -----------------------------------------------------------------------
def _child_main(conn: Any, target: Callable[..., Any], args: tuple[Any, ...]) -> None:
    try:
        conn.send(("ok", target(*args)))
    except BaseException as exc:
        conn.send(("error", f"{type(exc).__name__}: {exc}\n{traceback.format_exc()}"))
    finally:
        conn.close()


def run_in_child(
    target: Callable[..., Any],
    *args: Any,
    timeout: float = 900,
    on_start: Callable[[int], object] | None = None,
) -> Any:
    """Run a top-level function in a fresh (spawned) process; its return value or an error.

    Used so a measured bot pass owns a process: its CPU, its peak memory and nothing else.
    `on_start(pid)` runs once the child exists (to attach a profiler).
    """
    context = multiprocessing.get_context("spawn")
    parent, child = context.Pipe(duplex=False)
    process = context.Process(target=_child_main, args=(child, target, args), daemon=True)
    process.start()
    child.close()
    if on_start is not None and process.pid is not None:
        on_start(process.pid)
    try:
        if not parent.poll(timeout):
            raise TimeoutError(f"{target.__name__} did not finish within {timeout}s")
        status, value = parent.recv()
    finally:
        process.join(timeout=30)
        if process.is_alive():
            process.kill()
    if status != "ok":
        raise RuntimeError(f"child {target.__name__} failed: {value}")
    return value


def python() -> str:
    """The interpreter running the benchmark (the project's virtualenv)."""
    return sys.executable
