"""Two teams, two tokens, one counter: a revoked token pauses only its own chat, end to end."""

from __future__ import annotations

import re
import time

import pytest

from fakes.metrica import FakeMetrica
from fakes.telegram import FakeTelegram
from tests.e2e.conftest import BotFactory
from tests.e2e.helpers_chat import Talk

pytestmark = pytest.mark.e2e

ANNA, BORIS = 1001, 1002
TEAM, SALES = -1001500, -1001600
ANNA_TOKEN = "y0_AgAAAAAnna-shared-token-0123456789"
ANNA_NEW_TOKEN = "y0_AgAAAAAnna-renewed-token-0123456789"
BORIS_TOKEN = "y0_AgAAAABoris-shared-token-987654321"
SHOP = 101
ENV = {
    "POLL_INTERVAL_SECONDS": "1",
    "IDLE_POLL_INTERVAL_SECONDS": "1",
    "DAILY_QUOTA": "10000000",
    "LEASE_SECONDS": "5",
}
WAIT = 30.0


def about(telegram: FakeTelegram, chat_id: int, uploading_id: int) -> list[str]:
    """The bot's messages in a chat that mention an uploading (№42 in Russian, #42 in English)."""
    mark = re.compile(rf"[#№]{uploading_id}\b")
    return [m["text"] for m in telegram.sent(chat_id) if mark.search(m["text"])]


def wait_until(condition, what: str, timeout: float = WAIT) -> None:
    deadline = time.monotonic() + timeout
    while not condition():
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)


def test_a_revoked_token_pauses_only_its_chat_and_a_new_token_resumes_it_without_replay(
    fake_telegram: FakeTelegram, fake_metrica: FakeMetrica, bot_process: BotFactory
):
    fake_telegram.add_user(ANNA, "Anna", language_code="ru")
    fake_telegram.add_user(BORIS, "Boris", language_code="en")
    fake_telegram.add_group(TEAM, "Team", admins=[ANNA])
    fake_telegram.add_group(SALES, "Sales", admins=[BORIS])
    fake_metrica.add_token(ANNA_TOKEN, [SHOP], login="anna")
    fake_metrica.add_token(BORIS_TOKEN, [SHOP], login="boris")
    fake_metrica.add_counter(SHOP, "Shop", "shop.example")
    first = fake_metrica.add_uploading(SHOP, status="MATCHED")["id"]
    bot = bot_process(ENV)
    talk = Talk(fake_telegram)
    for user, token, group in ((ANNA, ANNA_TOKEN, TEAM), (BORIS, BORIS_TOKEN, SALES)):
        talk.say(user, user, f"/token {token}", expect="✅")
        talk.say(group, user, f"/link {SHOP}", expect="Shop")
        talk.say(group, user, f"/subscribe {SHOP}", expect="🔔")
    polls = len(fake_metrica.requests_for(ANNA_TOKEN)) + len(fake_metrica.requests_for(BORIS_TOKEN))
    wait_until(
        lambda: (
            len(fake_metrica.requests_for(ANNA_TOKEN)) + len(fake_metrica.requests_for(BORIS_TOKEN))
            >= polls + 2
        ),
        "the baseline",
    )

    fake_metrica.set_status(SHOP, first, "PROCESSED")
    for chat in (TEAM, SALES):
        wait_until(lambda chat=chat: about(fake_telegram, chat, first), "the first change")

    fake_metrica.revoke(ANNA_TOKEN)
    fake_telegram.wait_for_message(TEAM, contains="перестал работать", timeout=WAIT)
    fake_telegram.wait_for_message(ANNA, contains="/token", timeout=WAIT)
    second = fake_metrica.add_uploading(SHOP, status="UPLOADED")["id"]
    wait_until(lambda: len(about(fake_telegram, SALES, second)) == 1, "the new uploading")
    fake_metrica.set_status(SHOP, second, "PROCESSED")
    wait_until(lambda: len(about(fake_telegram, SALES, second)) == 2, "its status change")

    fake_metrica.add_token(ANNA_NEW_TOKEN, [SHOP], login="anna")
    talk.say(ANNA, ANNA, f"/token {ANNA_NEW_TOKEN}", expect="✅")
    fake_telegram.wait_for_message(TEAM, contains="снова работает", timeout=WAIT)
    third = fake_metrica.add_uploading(SHOP, status="UPLOADED")["id"]
    for chat in (TEAM, SALES):
        wait_until(lambda chat=chat: about(fake_telegram, chat, third), "the change after")
    time.sleep(2)  # more polls: nothing old may be replayed, nothing sent twice

    team = [m["text"] for m in fake_telegram.sent(TEAM)]
    assert len([text for text in team if "перестал работать" in text]) == 1
    assert about(fake_telegram, TEAM, second) == []  # what it could not see is not replayed
    assert len(about(fake_telegram, TEAM, first)) == 1
    assert len(about(fake_telegram, TEAM, third)) == 1
    assert len(about(fake_telegram, SALES, first)) == 1
    assert len(about(fake_telegram, SALES, third)) == 1
    owner = [m["text"] for m in fake_telegram.sent(ANNA) if "отклонила" in m["text"]]
    assert len(owner) == 1
    log = bot.log()
    assert "Traceback" not in log
    for token in (ANNA_TOKEN, ANNA_NEW_TOKEN, BORIS_TOKEN):
        assert token not in log
