"""Forum topics, what each subscription hears, Details buttons and "typing", end to end.

The real bot process against the fake Bot API (a forum supergroup with topics) and Metrica.
Everything is set up the way a team would: /token in private, /link and /subscribe in the
chat (in a topic where it matters).
"""

from __future__ import annotations

from typing import Any

import pytest

from fakes.metrica import FakeMetrica
from fakes.telegram import FakeTelegram
from tests.e2e.conftest import BotFactory
from tests.e2e.helpers_chat import REPLY_TIMEOUT, Talk, buttons

pytestmark = pytest.mark.e2e

ANNA, BORIS = 1001, 1002
FORUM, ALL, FINAL, FAILURES = -1003100, -1003200, -1003300, -1003400
CALLS = 7  # the topic "Calls"
SHOP = 101
ANNA_TOKEN = "y0_AgAAAAAnna-topics-token-0123456789"
BORIS_TOKEN = "y0_AgAAAABoris-topics-token-987654321"
ENV = {
    "POLL_INTERVAL_SECONDS": "1",
    "IDLE_POLL_INTERVAL_SECONDS": "1",
    "DAILY_QUOTA": "10000000",  # polling every second all day must fit the budget
}
LIST_PATH = "/calls_uploadings"


@pytest.fixture
def world(fake_telegram: FakeTelegram, fake_metrica: FakeMetrica) -> Talk:
    fake_telegram.add_user(ANNA, "Anna", language_code="en")
    fake_telegram.add_user(BORIS, "Boris", language_code="en")
    fake_telegram.add_forum(FORUM, "Team", admins=[ANNA])
    fake_telegram.create_topic(FORUM, "Calls", thread_id=CALLS)
    for chat_id, title in ((ALL, "All"), (FINAL, "Final"), (FAILURES, "Failures")):
        fake_telegram.add_group(chat_id, title, admins=[ANNA])
    fake_metrica.add_token(ANNA_TOKEN, [SHOP], login="anna")
    fake_metrica.add_counter(SHOP, "Shop", "shop.example")
    return Talk(fake_telegram)


def in_topic(
    world: Talk, text: str, *, expect: str, user: int = ANNA, thread: int = CALLS
) -> dict[str, Any]:
    """Write in a topic of the forum and wait for the bot's answer there."""
    sent = world.telegram.send_text(FORUM, user, text, thread_id=thread)
    return world.telegram.wait_for_message(
        FORUM, contains=expect, after=sent["message_id"], thread_id=thread, timeout=REPLY_TIMEOUT
    )


def baseline_after(metrica: FakeMetrica, polls_before: int) -> None:
    """Two more list requests: the first poll after subscribing (the baseline) is committed."""
    metrica.wait_for_requests(polls_before + 2, path_contains=LIST_PATH, timeout=20)


def polls(metrica: FakeMetrica) -> int:
    return len([r for r in metrica.requests if LIST_PATH in r.path])


def link_shop(world: Talk, chat_id: int) -> None:
    world.say(chat_id, ANNA, f"/link {SHOP}", expect="is linked here")


def test_a_subscription_made_in_a_topic_notifies_it_and_falls_back_to_general_when_it_is_gone(
    world: Talk, fake_metrica: FakeMetrica, bot_process: BotFactory
) -> None:
    bot = bot_process(ENV)
    first = fake_metrica.add_uploading(SHOP, status="MATCHED")
    second = fake_metrica.add_uploading(SHOP, status="MATCHED")
    world.say(ANNA, ANNA, f"/token {ANNA_TOKEN}", expect="Token saved")
    link_shop(world, FORUM)

    before = polls(fake_metrica)
    reply = in_topic(world, f"/subscribe {SHOP}", expect="Subscribed")
    assert "in the topic “Calls”" in reply["text"]
    baseline_after(fake_metrica, before)

    fake_metrica.set_status(SHOP, first["id"], "PROCESSED")
    notice = world.telegram.wait_for_message(
        FORUM, contains=f"#{first['id']}", thread_id=CALLS, timeout=REPLY_TIMEOUT
    )
    assert "PROCESSED" in notice["text"]

    world.telegram.delete_topic(FORUM, CALLS)
    fake_metrica.set_status(SHOP, second["id"], "LINKAGE_FAILURE")
    moved = world.telegram.wait_for_message(
        FORUM, contains=f"#{second['id']}", thread_id=None, timeout=REPLY_TIMEOUT
    )
    assert "I can no longer write to the topic “Calls”" in moved["text"]
    assert "LINKAGE_FAILURE" in moved["text"]

    listing = world.say(FORUM, ANNA, "/subscriptions", expect="Subscriptions")
    assert "📌 General" in listing["text"]
    assert "Calls" not in listing["text"]
    assert "Traceback" not in bot.log()


def test_each_subscription_hears_what_its_filter_lets_through_silently_if_asked(
    world: Talk, fake_metrica: FakeMetrica, bot_process: BotFactory
) -> None:
    bot_process(ENV)
    uploading = fake_metrica.add_uploading(SHOP, status="PREPARED")
    failing = fake_metrica.add_uploading(SHOP, status="MATCHED")
    world.say(ANNA, ANNA, f"/token {ANNA_TOKEN}", expect="Token saved")
    for chat_id in (ALL, FINAL, FAILURES):
        link_shop(world, chat_id)
    before = polls(fake_metrica)
    world.say(ALL, ANNA, f"/subscribe silent {SHOP}", expect="without sound")
    world.say(FINAL, ANNA, f"/subscribe {SHOP} final", expect="only PROCESSED")
    world.say(FAILURES, ANNA, f"/subscribe FAILURES {SHOP}", expect="only LINKAGE_FAILURE")
    baseline_after(fake_metrica, before)
    replies = {chat_id: len(world.telegram.sent(chat_id)) for chat_id in (ALL, FINAL, FAILURES)}

    def heard(chat_id: int) -> list[dict[str, Any]]:
        return world.telegram.sent(chat_id)[replies[chat_id] :]

    def told(chat_id: int) -> str:
        return "\n".join(message["text"] for message in heard(chat_id))

    fake_metrica.set_status(SHOP, uploading["id"], "UPLOADED")
    world.telegram.wait_for_message(ALL, contains="(UPLOADED)", timeout=REPLY_TIMEOUT)
    fake_metrica.set_status(SHOP, uploading["id"], "PROCESSED")
    world.telegram.wait_for_message(FINAL, contains="(PROCESSED)", timeout=REPLY_TIMEOUT)
    fake_metrica.set_status(SHOP, failing["id"], "LINKAGE_FAILURE")
    for chat_id in (ALL, FINAL, FAILURES):
        world.telegram.wait_for_message(chat_id, contains="(LINKAGE_FAILURE)", timeout=20)

    # Per chat, messages go out in order: whatever the filter let through came before the last.
    first, second = f"#{uploading['id']}:", f"#{failing['id']}:"
    assert told(ALL).count(first) == 2  # → UPLOADED, → PROCESSED
    assert told(ALL).count(second) == 1
    assert told(FINAL).count(first) == 1
    assert "(PREPARED) →" not in told(FINAL)
    assert "Processed (PROCESSED)" in told(FINAL)
    assert told(FINAL).count(second) == 1
    assert first not in told(FAILURES)
    assert told(FAILURES).count(second) == 1
    assert all(m["disable_notification"] for m in heard(ALL))
    assert not any(m["disable_notification"] for m in heard(FINAL) + heard(FAILURES))


def test_a_details_button_shows_the_uploading_in_the_topic_after_typing(
    world: Talk, fake_metrica: FakeMetrica, bot_process: BotFactory
) -> None:
    bot_process(ENV)
    uploading = fake_metrica.add_uploading(SHOP, status="MATCHED", comment="weekly calls")
    world.say(ANNA, ANNA, f"/token {ANNA_TOKEN}", expect="Token saved")
    link_shop(world, FORUM)
    before = polls(fake_metrica)
    reply = in_topic(world, f"/subscribe {SHOP} final", expect="Subscribed")
    baseline_after(fake_metrica, before)
    fake_metrica.set_status(SHOP, uploading["id"], "PROCESSED")
    notice = world.telegram.wait_for_message(
        FORUM,
        contains="(PROCESSED)",
        after=reply["message_id"],
        thread_id=CALLS,
        timeout=REPLY_TIMEOUT,
    )
    assert buttons(notice) == [f"dt:{SHOP}:{uploading['id']}"]
    assert "metrika.yandex.ru/dashboard?id=101" in notice["raw_text"]

    fake_metrica.pause()  # Metrica is slow: the press is answered and "typing" shown first
    try:
        query_id = world.telegram.press_button(
            FORUM, notice["message_id"], BORIS, f"dt:{SHOP}:{uploading['id']}"
        )
        answer = world.telegram.wait_for_request(
            "answerCallbackQuery",
            predicate=lambda params: str(params.get("callback_query_id")) == query_id,
            timeout=REPLY_TIMEOUT,
        )
        typing = world.telegram.wait_for_chat_action(
            FORUM, action="typing", thread_id=CALLS, timeout=REPLY_TIMEOUT
        )
    finally:
        fake_metrica.resume()
    detail = world.telegram.wait_for_message(
        FORUM,
        contains=f"Uploading {uploading['id']}",
        after=notice["message_id"],
        thread_id=CALLS,
        timeout=REPLY_TIMEOUT,
    )
    assert not answer.get("show_alert")
    assert "Comment: weekly calls" in detail["text"]
    assert "Rows:" in detail["text"]
    assert typing["index"] < detail["call_index"]
    assert world.telegram.sent(FORUM, thread_id=CALLS)[-1] == detail


def test_a_slow_metrica_shows_typing_before_the_answer_in_the_topic(
    world: Talk, fake_metrica: FakeMetrica, bot_process: BotFactory
) -> None:
    bot_process(ENV)
    fake_metrica.add_uploading(SHOP, status="PROCESSED")
    world.say(ANNA, ANNA, f"/token {ANNA_TOKEN}", expect="Token saved")
    link_shop(world, FORUM)

    fake_metrica.pause()
    try:
        sent = world.telegram.send_text(FORUM, BORIS, "/uploadings", thread_id=CALLS)
        typing = world.telegram.wait_for_chat_action(
            FORUM, action="typing", thread_id=CALLS, timeout=REPLY_TIMEOUT
        )
        assert world.telegram.sent(FORUM)[-1]["message_id"] < sent["message_id"]  # no answer yet
    finally:
        fake_metrica.resume()
    page = world.telegram.wait_for_message(
        FORUM, contains="1–1 of 1", after=sent["message_id"], timeout=REPLY_TIMEOUT
    )
    assert page["message_thread_id"] == CALLS
    assert typing["index"] < page["call_index"]


def test_a_token_posted_in_a_topic_is_deleted_and_the_warning_stays_in_the_topic(
    world: Talk, bot_process: BotFactory
) -> None:
    bot = bot_process(ENV)
    leaked = world.telegram.send_text(FORUM, BORIS, f"/token {BORIS_TOKEN}", thread_id=CALLS)
    warning = world.telegram.wait_for_message(
        FORUM, contains="exposed", after=leaked["message_id"], timeout=REPLY_TIMEOUT
    )
    assert warning["message_thread_id"] == CALLS
    assert not world.exists(FORUM, leaked["message_id"])
    assert BORIS_TOKEN not in warning["raw_text"]
    assert BORIS_TOKEN not in bot.log()
