"""The webhook takes updates only from Telegram: a secret token is always required."""

from __future__ import annotations

import stat
from pathlib import Path

import pytest

from fakes.telegram import FakeTelegram
from tests.e2e.conftest import BotFactory
from tests.e2e.helpers_webhook import SECRET_HEADER, new_webhook, telegram_json
from tests.e2e.test_monitor_processes import wait_for

pytestmark = pytest.mark.e2e

ANNA = 1001


def test_without_webhook_secret_one_is_generated_kept_and_required(
    fake_telegram: FakeTelegram, bot_process: BotFactory, tmp_path: Path
) -> None:
    webhook = new_webhook()
    fake_telegram.add_user(ANNA, "Anna", language_code="en")
    bot = bot_process(webhook.env, wait=False)
    wait_for(lambda: fake_telegram.webhook.get("url"))
    secret = fake_telegram.webhook.get("secret_token")

    assert secret, "setWebhook was called without a secret token"
    kept = tmp_path / "webhook.secret"
    assert kept.read_text().strip() == secret
    assert stat.S_IMODE(kept.stat().st_mode) == 0o600
    assert secret not in bot.log()

    forged = fake_telegram.send_text(ANNA, ANNA, "/token delete")
    assert webhook.deliver(fake_telegram, None) == [403]
    fake_telegram.send_text(ANNA, ANNA, "/start")
    assert webhook.deliver(fake_telegram, "guess") == [403]
    wait_for(lambda: bot.log().count("webhook: refused") == 2)

    fake_telegram.send_text(ANNA, ANNA, "/help")
    assert webhook.deliver(fake_telegram, secret) == [200]
    reply = fake_telegram.wait_for_message(ANNA, contains="/token", timeout=15)
    assert reply["message_id"] > forged["message_id"]
    assert [m["text"] for m in fake_telegram.sent(ANNA)] == [reply["text"]]

    bot.restart(wait=False)
    wait_for(lambda: len(fake_telegram.call_log("setWebhook")) == 2)
    assert fake_telegram.webhook["secret_token"] == secret


def test_a_configured_webhook_secret_is_the_one_required(
    fake_telegram: FakeTelegram, bot_process: BotFactory, tmp_path: Path
) -> None:
    webhook = new_webhook()
    fake_telegram.add_user(ANNA, "Anna", language_code="en")
    bot_process({**webhook.env, "WEBHOOK_SECRET": "s3cret-Token_1"}, wait=False)
    wait_for(lambda: fake_telegram.webhook.get("url"))

    assert fake_telegram.webhook["secret_token"] == "s3cret-Token_1"
    assert not (tmp_path / "webhook.secret").exists()
    update = {"update_id": 1, "message": {"message_id": 1, "date": 0, "chat": {"id": 1}}}
    assert webhook.post(telegram_json(update), {SECRET_HEADER: "s3cret-token_1"}) == 403
