"""Where the CPU goes: per-thread CPU, and py-spy samples summarized into small tables.

py-spy is optional (`.venv/bin/pip install py-spy`; not a project dependency). It samples only
the thread holding the GIL (`--gil`), without pausing the process (`--nonblocking`); CPU that C
code spends with the GIL released (SQLite in aiosqlite's thread) shows in the per-thread CPU.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
import threading
from collections import Counter
from pathlib import Path
from typing import Any

from bench.common import table


def thread_cpu_seconds() -> dict[str, float]:
    """CPU seconds of each live thread of this process, by thread name (from /proc)."""
    ticks = os.sysconf("SC_CLK_TCK")
    names = {t.native_id: t.name for t in threading.enumerate()}
    found: dict[str, float] = {}
    for task in Path("/proc/self/task").iterdir():
        try:
            fields = (task / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        name = names.get(int(task.name), f"thread {task.name}")
        if name.startswith("Thread-") and "_connection_worker_thread" in name:
            name = "aiosqlite worker"
        found[name] = found.get(name, 0.0) + (int(fields[11]) + int(fields[12])) / ticks
    return found


def print_profile(title: str, rows: dict[str, list[list[Any]]]) -> None:
    """Print the tables of `spy_rows`."""
    print(f"{title}: {rows['samples'][0][0]} py-spy samples of the thread holding the GIL\n")
    table(f"{title}: CPU by package (leaf frame)", ["package", "% of CPU"], rows["package"])
    table(f"{title}: hottest functions (self)", ["function", "% of CPU"], rows["self"])
    table(f"{title}: the bot's functions (inclusive)", ["function", "% of CPU"], rows["bot"])


_FRAME = re.compile(r"^(?P<name>.*) \((?P<path>[^()]*?)(?::(?P<line>\d+))?\)$")


def spy_attach(pid: int, output: Path, rate: int = 250) -> subprocess.Popen[bytes] | None:
    """Sample a process with py-spy (only the thread holding the GIL) until it exits."""
    exe = Path(sys.executable).with_name("py-spy")
    if not exe.exists():
        return None
    command = [str(exe), "record", "--pid", str(pid), "--gil", "--rate", str(rate)]
    command += ["--nonblocking", "--format", "raw", "--output", str(output)]
    return subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)


def spy_rows(raw: Path, keep: str, *, top: int = 15) -> dict[str, list[list[Any]]]:
    """py-spy raw stacks that contain `keep`, summarized: CPU by package, hottest, inclusive."""
    by_package: Counter[str] = Counter()
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    total = 0
    for line in raw.read_text().splitlines():
        stack, _, count = line.rpartition(" ")
        if keep not in stack:
            continue
        samples = int(count)
        total += samples
        frames = [_frame(text) for text in stack.split(";")]
        own[frames[-1][0]] += samples
        by_package[frames[-1][1]] += samples
        for name in {name for name, package in frames if package.startswith("bot")}:
            inclusive[name] += samples
    total = total or 1
    return {
        "package": [[k, 100 * v / total] for k, v in by_package.most_common(12)],
        "self": [[k, 100 * v / total] for k, v in own.most_common(top)],
        "bot": [[k, 100 * v / total] for k, v in inclusive.most_common(top)],
        "samples": [[total]],
    }


def _frame(text: str) -> tuple[str, str]:
    """('function (file)', package) of one py-spy frame."""
    match = _FRAME.match(text.strip())
    if match is None:
        return text, "other"
    path = match["path"].rsplit("site-packages/", 1)[-1]
    parts = path.split("/")
    if parts[0] == "bot" and len(parts) > 2:
        package = "/".join(parts[:2])
    elif path.startswith("<"):
        package = "importlib (frozen)"
    else:
        package = parts[0].removesuffix(".py")
    return f"{match['name']} ({path})", package
