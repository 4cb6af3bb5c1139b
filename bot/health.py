"""`python -m bot health`: exit 0 when this process is healthy, 1 with one line why not.

Healthy means both: the database answers `SELECT 1` within `DATABASE_TIMEOUT`, and the
heartbeat in DATA_DIR (bot/heartbeat.py) is younger than the limit. The poll loop turns at
least every 5 s (a quarter of POLL_INTERVAL_SECONDS, between 0.5 and 5 s), so the default
limit of 60 s is a dozen missed turns, or twice POLL_INTERVAL_SECONDS when that is longer.
Run it where the bot runs (same DATA_DIR and settings): Docker's HEALTHCHECK, a Kubernetes exec
probe, a systemd timer.
"""

from __future__ import annotations

import argparse
import asyncio
from collections.abc import Sequence
from pathlib import Path

from sqlalchemy import text
from sqlalchemy.engine import make_url

from bot import heartbeat
from bot.config import ConfigError, Settings, load_settings
from bot.storage.db import create_engine, read_only

DATABASE_TIMEOUT = 5.0
MIN_STALE_AFTER = 60.0


def main(argv: Sequence[str]) -> int:
    """Check, print one line, return the exit code."""
    parser = argparse.ArgumentParser(prog="python -m bot health", description=__doc__)
    parser.add_argument(
        "--max-age", type=float, default=None, help="heartbeat age limit in seconds"
    )
    args = parser.parse_args(list(argv))
    try:
        settings = load_settings()
    except ConfigError as exc:
        print(f"unhealthy: configuration error: {'; '.join(exc.problems)}")
        return 1
    problem, detail = check(settings, max_age=args.max_age)
    print(f"unhealthy: {problem}" if problem else f"healthy: {detail}")
    return 1 if problem else 0


def stale_after(settings: Settings) -> float:
    """How old the heartbeat may be: 60 s, or twice POLL_INTERVAL_SECONDS when longer."""
    return max(MIN_STALE_AFTER, 2.0 * settings.poll_interval_seconds)


def check(settings: Settings, *, max_age: float | None = None) -> tuple[str | None, str]:
    """(the problem or None, what was seen)."""
    problem = _missing_sqlite_file(settings.effective_database_url) or asyncio.run(
        _database_problem(settings.effective_database_url)
    )
    if problem:
        return f"database does not answer: {problem}", ""
    limit = stale_after(settings) if max_age is None else max_age
    path = settings.data_dir / heartbeat.FILE_NAME
    beat = heartbeat.read(path)
    if beat is None:
        return f"no heartbeat at {path}: the monitor has not completed a pass", ""
    if beat.age > limit:
        return f"heartbeat of {beat.instance} is {beat.age:.0f} s old (limit {limit:.0f} s)", ""
    return None, f"database answers; heartbeat of {beat.instance} {beat.age:.0f} s old"


def _missing_sqlite_file(url: str) -> str | None:
    """Connecting to a missing SQLite file would create an empty one: say it is missing."""
    parsed = make_url(url)
    database = parsed.database
    if parsed.get_backend_name() != "sqlite" or not database or database == ":memory:":
        return None
    return None if Path(database).exists() else f"no SQLite file at {database}"


async def _database_problem(url: str) -> str | None:
    """None when `SELECT 1` works in time; else a short reason (never the URL: it may hold a
    password)."""
    engine = create_engine(url)
    try:
        # Read-only: a bot stopped while it held SQLite's write lock still lets this answer.
        async with asyncio.timeout(DATABASE_TIMEOUT), read_only(engine).connect() as connection:
            await connection.execute(text("SELECT 1"))
    except TimeoutError:
        return f"no answer within {DATABASE_TIMEOUT:.0f} s"
    except Exception as exc:
        return f"{type(exc).__name__}: {str(exc).splitlines()[0][:200] if str(exc) else ''}"
    finally:
        await engine.dispose()
    return None
