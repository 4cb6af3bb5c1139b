"""Delivering updates to the bot's webhook ourselves: FakeTelegram records setWebhook but never
calls the webhook, so tests POST the updates it queued, as Telegram would (JSON with escaped
slashes and non-ASCII, the secret token in a header)."""

from __future__ import annotations

import json
import socket
import time
from dataclasses import dataclass
from typing import Any

import httpx

from fakes.telegram import FakeTelegram

SECRET_HEADER = "X-Telegram-Bot-Api-Secret-Token"


def free_port() -> int:
    """A TCP port nobody listens on now."""
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass(frozen=True)
class Webhook:
    """Where the bot listens for updates."""

    port: int
    path: str = "/hook"

    @property
    def env(self) -> dict[str, str]:
        """WEBHOOK_* settings for the bot process."""
        return {
            "WEBHOOK_URL": f"https://bot.example{self.path}",
            "WEBHOOK_LISTEN": "127.0.0.1",
            "WEBHOOK_PORT": str(self.port),
        }

    def wait_listening(self, timeout: float = 30.0) -> None:
        """Until the bot's webhook server accepts connections (it starts after setWebhook)."""
        deadline = time.monotonic() + timeout
        while True:
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=1).close()
            except OSError:
                assert time.monotonic() < deadline, f"nothing listens on port {self.port}"
                time.sleep(0.05)
            else:
                return

    def post(self, body: bytes, headers: dict[str, str] | None = None) -> int:
        """POST a raw body to the webhook (once it listens); the HTTP status."""
        self.wait_listening()
        response = httpx.post(
            f"http://127.0.0.1:{self.port}{self.path}",
            content=body,
            headers={"Content-Type": "application/json", **(headers or {})},
            timeout=10,
        )
        return response.status_code

    def deliver(self, telegram: FakeTelegram, secret: str | None) -> list[int]:
        """POST every update the fake queued; the HTTP status of each."""
        with telegram.lock:
            pending = list(telegram.world.updates)
            telegram.world.updates.clear()
        headers = {SECRET_HEADER: secret} if secret is not None else {}
        return [self.post(telegram_json(update), headers) for update in pending]


def telegram_json(update: dict[str, Any]) -> bytes:
    """JSON as the Bot API writes it: non-ASCII as \\uXXXX, '/' as '\\/'."""
    return json.dumps(update, ensure_ascii=True).replace("/", "\\/").encode()


def new_webhook() -> Webhook:
    """A webhook on a free port."""
    return Webhook(free_port())
