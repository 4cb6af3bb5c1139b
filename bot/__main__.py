"""python -m bot: catch stop signals first, then run the subcommand (bot/cli.py).

`python -m bot` (or `run`) runs the bot until SIGINT/SIGTERM (exit code 0, even during
start-up, within bot.stopping.STOP_DEADLINE); `python -m bot health` checks a running one
(bot/health.py); `python -m bot rotate-key` re-encrypts every stored token with the first
BOT_SECRET_KEY. bot/cli.py is imported only once the signals are caught: importing it takes a
moment, and a stop signal meanwhile must not kill the process half-started.
"""

from __future__ import annotations

import sys

from bot.stopping import StopSignal


def main(argv: list[str] | None = None) -> int:
    """Catch SIGINT/SIGTERM, then run the subcommand; the process's exit code."""
    stop = StopSignal()
    stop.install()
    from bot.cli import main as run  # noqa: PLC0415 - imported only after the signals are caught

    return run(sys.argv[1:] if argv is None else argv, stop)


if __name__ == "__main__":
    sys.exit(main())
