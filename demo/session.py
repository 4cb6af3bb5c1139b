"""Start the fakes, the demo world and the bot; run the chat; stop it all cleanly at the end."""

from __future__ import annotations

import argparse
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Sequence
from pathlib import Path
from types import FrameType

from demo.bot import BotProcess
from demo.chat import TerminalChat, add_chats
from demo.terminal import Console
from demo.world import DemoMetrica
from fakes.telegram import FakeTelegram

BOT_TOKEN = "123456:DEMO-token"
START_TIMEOUT = 60.0
LOG_TAIL = 30

BANNER = """\
Metrica calls bot: the demo. The real bot runs against local stand-ins of Telegram and
Metrica; nothing leaves this machine. Its database: {data_dir} (removed at the end).

You are a user in a private chat with the bot. Try:
  /token demo      save the demo's Yandex token, then press a counter's number to link it
  /uploadings      that counter's call uploadings
  /subscribe       hear about status changes (new uploadings move on every {step:g} s)
Buttons show as [1] [2]...: type the number to press one. :help lists the demo's commands;
Ctrl-C or :quit stops everything.
The demo is ready."""


def main(argv: Sequence[str] | None = None) -> int:
    """Run the demo until :quit, the end of input, Ctrl-C or SIGTERM."""
    parser = argparse.ArgumentParser(prog="python -m demo", description=__doc__)
    parser.add_argument("--lang", choices=("en", "ru"), default="en", help="your Telegram language")
    parser.add_argument("--step", type=float, default=6.0, help="seconds between world changes")
    args = parser.parse_args(argv)
    signal.signal(signal.SIGTERM, _interrupt)
    demo = Demo(args.step)
    try:
        return demo.run(args.lang)
    except KeyboardInterrupt:
        demo.console.show("")
        return 0
    finally:
        signal.signal(signal.SIGINT, signal.SIG_IGN)  # a second Ctrl-C must not cut this short
        demo.close()


class Demo:
    """The fakes, the world, the bot and the chat, started and stopped together."""

    def __init__(self, step: float) -> None:
        self.step = step
        self.console = Console()
        self.data_dir = Path(tempfile.mkdtemp(prefix="metrica-demo-"))
        self.telegram = FakeTelegram(BOT_TOKEN).start()
        self.world = DemoMetrica(step)
        self.bot = BotProcess(
            telegram_url=self.telegram.url,
            token=BOT_TOKEN,
            metrica_url=self.world.url,
            data_dir=self.data_dir,
        )
        self.stop = threading.Event()

    def run(self, language: str) -> int:
        """Start the bot, then chat until the end; 1 when the bot fails."""
        add_chats(self.telegram, language)
        self.console.show("Starting the bot...")
        self.bot.start()
        if not self.bot.wait_until(lambda: self.telegram.get_updates_calls > 0, START_TIMEOUT):
            self.console.show("The bot did not start. Its log:\n" + self._log_tail())
            return 1
        self.world.start()
        chat = TerminalChat(self.telegram, self.console, self.world, self.bot)
        threading.Thread(target=chat.watch, args=(self.stop,), daemon=True).start()
        threading.Thread(target=self._watch_bot, daemon=True).start()
        self.console.prompt = "you › "
        self.console.show(BANNER.format(data_dir=self.data_dir, step=self.step))
        while (line := self.console.read()) is not None:
            if not chat.handle(line):
                break
            if self.bot.exit_code is not None:
                return 1
        return 0

    def close(self) -> None:
        """Stop the bot first (it talks to the fakes while stopping), then the fakes."""
        self.stop.set()
        code = self.bot.stop()
        self.world.stop()
        self.telegram.stop()
        shutil.rmtree(self.data_dir, ignore_errors=True)
        self.console.show(
            f"Demo stopped: the bot exited with code {code}, {self.data_dir} is removed."
        )

    def _watch_bot(self) -> None:
        """Tell once if the bot dies."""
        while not self.stop.wait(0.5):
            if self.bot.exit_code is not None:
                self.console.show(
                    f"The bot exited with code {self.bot.exit_code}. Its log:\n{self._log_tail()}"
                )
                return

    def _log_tail(self) -> str:
        return "\n".join(self.bot.log_tail(LOG_TAIL))


def _interrupt(signum: int, frame: FrameType | None) -> None:
    """SIGTERM stops the demo like Ctrl-C."""
    raise KeyboardInterrupt


if __name__ == "__main__":  # pragma: no cover
    sys.exit(main())
