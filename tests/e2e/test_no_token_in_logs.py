"""No saved token appears anywhere in the log, even at DEBUG where PTB logs whole updates.

The real bot process at LOG_LEVEL=DEBUG, by long polling and by webhook; each token is sent
with another separator after /token (PTB escapes them: '\\n', '\\xa0', '\\t'; the webhook
body is JSON with '\\/' and '\\u00a0'); then the whole log is searched for every form of it.
"""

from __future__ import annotations

import json
from urllib.parse import quote

import pytest

from fakes.metrica import FakeMetrica
from fakes.telegram import FakeTelegram
from tests.e2e.conftest import BotFactory
from tests.e2e.helpers_webhook import new_webhook
from tests.e2e.test_monitor_processes import wait_for

pytestmark = pytest.mark.e2e

SEPARATORS = {"newline": "\n", "no-break space": "\u00a0", "tab": "\t", "spaces": "   "}
USERS = {name: 2001 + index for index, name in enumerate(SEPARATORS)}


def token_for(name: str) -> str:
    """A distinct token per separator; one with '/' and '+', which JSON and URLs escape."""
    suffix = "Ab/c+d=" if name == "newline" else "AbCdEf"
    return f"y0_AgAAAAB{USERS[name]}-{suffix}_0123456789abcdef"


def forms(token: str) -> set[str]:
    """The token as it could appear in a log line, escaped or not."""
    return {
        token,
        json.dumps(token)[1:-1].replace("/", "\\/"),
        quote(token, safe=""),
        token[-20:],  # no tail left behind by a partial mask either
    }


@pytest.mark.parametrize("mode", ["polling", "webhook"])
def test_no_saved_token_is_in_the_debug_log(
    fake_telegram: FakeTelegram, fake_metrica: FakeMetrica, bot_process: BotFactory, mode: str
) -> None:
    webhook = new_webhook() if mode == "webhook" else None
    for name, user_id in USERS.items():
        fake_telegram.add_user(user_id, name.title(), language_code="en")
        fake_metrica.add_token(token_for(name), [101])
    fake_metrica.add_counter(101, "Shop", "shop.example")
    bot = bot_process(webhook.env if webhook else None, wait=webhook is None)
    if webhook:
        wait_for(lambda: fake_telegram.webhook.get("secret_token"))

    for name, separator in SEPARATORS.items():
        user_id = USERS[name]
        posted = fake_telegram.send_text(user_id, user_id, f"/token{separator}{token_for(name)}")
        if webhook:
            assert webhook.deliver(fake_telegram, fake_telegram.webhook["secret_token"]) == [200]
        fake_telegram.wait_for_message(
            user_id, contains="Token saved", after=posted["message_id"], timeout=15
        )
        assert fake_metrica.requests_for(token_for(name)), "the token was never checked"
    assert bot.terminate() == 0, bot.log_tail()

    log = bot.log()
    assert "/token" in log, "PTB's DEBUG lines about the updates are missing: test is void"
    leaked = [name for name in SEPARATORS for form in forms(token_for(name)) if form in log]
    assert leaked == [], bot.log_tail()
