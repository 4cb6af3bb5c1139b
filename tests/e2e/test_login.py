"""Log in with Yandex (device code), end to end: the real bot against fake Telegram, Metrica and
Yandex OAuth. Code shown, approved, "Connected as"; denied; a restart while pending; a refresh
before expiry; /logout; and no secret in the DEBUG log.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator
from typing import Any

import pytest

from fakes.metrica import FakeMetrica
from fakes.telegram import FakeTelegram
from fakes.yandex_oauth import DEFAULT_CLIENT_ID, DEFAULT_CLIENT_SECRET, FakeYandexOAuth
from tests.e2e.conftest import BotFactory, BotProcess
from tests.e2e.helpers_chat import Talk, buttons

pytestmark = pytest.mark.e2e

ANNA = 1001
TEAM = -1001700
SHOP = 101
WAIT = 30.0


@pytest.fixture
def oauth(fake_metrica: FakeMetrica) -> Iterator[FakeYandexOAuth]:
    with FakeYandexOAuth(fake_metrica, interval=1) as fake:
        yield fake


def env(oauth: FakeYandexOAuth) -> dict[str, str]:
    return {
        "YANDEX_CLIENT_ID": DEFAULT_CLIENT_ID,
        "YANDEX_CLIENT_SECRET": DEFAULT_CLIENT_SECRET,
        "OAUTH_API_URL": oauth.url,
        "LEASE_SECONDS": "5",
    }


def wait_until(condition: Callable[[], Any], what: str, timeout: float = WAIT) -> Any:
    deadline = time.monotonic() + timeout
    while not (result := condition()):
        assert time.monotonic() < deadline, f"timed out waiting for {what}"
        time.sleep(0.05)
    return result


def start_login(talk: Talk, oauth: FakeYandexOAuth) -> tuple[dict[str, Any], str]:
    """/login in Anna's private chat: the message with the code, and the code."""
    message = talk.say(ANNA, ANNA, "/login", expect="<code>")
    code = oauth.wait_for_user_code()
    assert code in message["text"]
    urls = [b.get("url") for row in message["reply_markup"]["inline_keyboard"] for b in row]
    assert urls == [oauth.verification_url]
    return message, code


def assert_no_secrets(bot: BotProcess, oauth: FakeYandexOAuth) -> None:
    log = bot.log()
    assert "Traceback" not in log
    assert DEFAULT_CLIENT_SECRET not in log
    with oauth.lock:
        device_codes = list(oauth.world.codes)
    assert device_codes
    for secret in device_codes:
        assert secret not in log
    for issued in oauth.issued_tokens():
        assert issued.access_token not in log
        assert issued.refresh_token not in log


@pytest.fixture
def world(fake_telegram: FakeTelegram, fake_metrica: FakeMetrica) -> Talk:
    fake_telegram.add_user(ANNA, "Anna", language_code="en")
    fake_telegram.add_group(TEAM, "Team", admins=[ANNA])
    fake_metrica.add_counter(SHOP, "Shop", "shop.example")
    return Talk(fake_telegram)


def test_login_approved_connects_offers_counters_and_logout_revokes(
    world: Talk, oauth: FakeYandexOAuth, fake_telegram: FakeTelegram, bot_process: BotFactory
):
    bot = bot_process(env(oauth))
    message, code = start_login(world, oauth)
    oauth.approve(code, login="anna", counter_ids=[SHOP])
    connected = fake_telegram.wait_for_edit(
        ANNA, message["message_id"], contains="Connected as", timeout=WAIT
    )
    assert "anna" in connected["text"]
    assert f"ln:{SHOP}" in buttons(connected)
    access = oauth.issued_tokens()[-1].access_token
    world.say(ANNA, ANNA, "/token", expect="Metrica accepts it")

    world.say(ANNA, ANNA, "/logout", expect="Logged out")
    revocation = oauth.wait_for_revocations()[-1]
    assert revocation.access_token == access
    assert revocation.revoked
    world.say(ANNA, ANNA, "/token", expect="No token saved")
    world.say(ANNA, ANNA, "/logout", expect="not logged in")
    assert_no_secrets(bot, oauth)


def test_login_in_a_group_points_to_the_private_chat(
    world: Talk, oauth: FakeYandexOAuth, bot_process: BotFactory
):
    bot_process(env(oauth))
    answer = world.say(TEAM, ANNA, "/login", expect="private chat")
    urls = [b.get("url") for row in answer["reply_markup"]["inline_keyboard"] for b in row]
    assert len(urls) == 1
    assert urls[0].endswith("?start=login")
    assert oauth.device_requests() == []


def test_login_denied_says_so_and_try_again_gives_a_new_code(
    world: Talk, oauth: FakeYandexOAuth, fake_telegram: FakeTelegram, bot_process: BotFactory
):
    bot = bot_process(env(oauth))
    message, code = start_login(world, oauth)
    oauth.deny(code)
    denied = fake_telegram.wait_for_edit(
        ANNA, message["message_id"], contains="refused", timeout=WAIT
    )
    assert "lgn" in buttons(denied)
    again = world.press(denied, ANNA, "lgn", expect="<code>")
    new_code = oauth.wait_for_user_code()
    assert new_code != code
    assert new_code in again["text"]
    assert_no_secrets(bot, oauth)


def test_a_restart_while_pending_still_completes(
    world: Talk, oauth: FakeYandexOAuth, fake_telegram: FakeTelegram, bot_process: BotFactory
):
    bot = bot_process(env(oauth))
    message, code = start_login(world, oauth)
    oauth.wait_for_polls(1, user_code=code, timeout=WAIT)
    bot.restart()
    oauth.approve(code, login="anna", counter_ids=[SHOP])
    fake_telegram.wait_for_edit(ANNA, message["message_id"], contains="Connected as", timeout=WAIT)
    assert [p.error for p in oauth.token_polls(code)].count(None) == 1
    assert_no_secrets(bot, oauth)


def test_without_a_client_id_login_points_to_token(world: Talk, bot_process: BotFactory):
    bot_process()
    world.say(ANNA, ANNA, "/login", expect="/token")


def test_a_token_is_refreshed_before_it_expires_and_the_new_one_is_used(
    world: Talk,
    fake_metrica: FakeMetrica,
    fake_telegram: FakeTelegram,
    bot_process: BotFactory,
):
    with FakeYandexOAuth(fake_metrica, interval=1, token_expires_in=6) as oauth:
        bot = bot_process(env(oauth))
        message, code = start_login(world, oauth)
        oauth.approve(code, login="anna", counter_ids=[SHOP])
        fake_telegram.wait_for_edit(
            ANNA, message["message_id"], contains="Connected as", timeout=WAIT
        )
        # Two refreshes in a row work only if the first one's new refresh token was stored.
        refreshes = oauth.wait_for_refreshes(2, timeout=WAIT)
        assert [r.error for r in refreshes[:2]] == [None, None]
        newest = wait_until(
            lambda: oauth.refreshes()[-1].issued if oauth.refreshes()[-1].error is None else None,
            "a successful refresh",
        )
        world.say(ANNA, ANNA, f"/link {SHOP}", expect="Shop")
        used = {r.token for r in fake_metrica.requests if r.token is not None}
        assert {issued.access_token for issued in oauth.issued_tokens()[1:]} & used
        assert newest.access_token
        assert_no_secrets(bot, oauth)


def test_fewer_rights_are_named_and_a_refused_refresh_is_handled_as_revoked(
    world: Talk,
    fake_metrica: FakeMetrica,
    fake_telegram: FakeTelegram,
    bot_process: BotFactory,
):
    with FakeYandexOAuth(fake_metrica, interval=1, token_expires_in=8) as oauth:
        bot = bot_process(env(oauth))
        message, code = start_login(world, oauth)
        oauth.approve(code, login="anna", scopes=["metrika:read"], counter_ids=[SHOP])
        connected = fake_telegram.wait_for_edit(
            ANNA, message["message_id"], contains="Connected as", timeout=WAIT
        )
        assert "metrika:offline_data" in connected["text"]
        world.say(TEAM, ANNA, f"/link {SHOP}", expect="Shop")

        oauth.revoke_login("anna")  # the user withdrew access in Yandex ID
        refused = wait_until(
            lambda: [r for r in oauth.refreshes() if r.error == "invalid_grant"],
            "a refused refresh",
        )
        assert refused
        fake_telegram.wait_for_message(ANNA, contains="refused your saved token", timeout=WAIT)
        fake_telegram.wait_for_message(TEAM, contains="stopped working", timeout=WAIT)
        world.say(ANNA, ANNA, "/token", expect="refused it")
        assert_no_secrets(bot, oauth)
