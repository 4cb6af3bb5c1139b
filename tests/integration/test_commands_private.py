"""Commands in a private chat, over a real database file and the fake Bot API and Metrica."""

from __future__ import annotations

import asyncio

import pytest
from sqlalchemy import text
from sqlalchemy.exc import OperationalError
from telegram import Update

from bot.metrica import token_fingerprint
from bot.telegram.commands import COMMANDS
from tests.integration.chat_harness import ChatHarness, buttons
from tests.integration.conftest import ANNA, TOKEN

OTHER = "y0_other-token-9876543210"


@pytest.fixture
def chat(harness: ChatHarness) -> ChatHarness:
    harness.telegram.add_user(ANNA, "Anna", "ru")
    harness.metrica.add_token(TOKEN, [101, 102])
    harness.metrica.add_counter(101, "Магазин <Главный>", "shop.example")
    harness.metrica.add_counter(300, "Чужой", "other.example")
    return harness


async def say(chat: ChatHarness, text: str) -> str:
    """Anna writes; the visible text of everything the bot answered."""
    return "\n".join(message["text"] for message in await chat.say(ANNA, ANNA, text))


async def with_token(chat: ChatHarness) -> None:
    await chat.say(ANNA, ANNA, f"/token {TOKEN}")


async def linked(chat: ChatHarness, *counters: int) -> None:
    await with_token(chat)
    for counter in counters:
        await chat.say(ANNA, ANNA, f"/link {counter}")


async def test_start_greets_in_the_users_language(chat: ChatHarness) -> None:
    chat.telegram.add_user(2002, "Bob", "en")
    assert "С чего начать" in await say(chat, "/start")
    [reply] = await chat.say(2002, 2002, "/start")
    assert "How to begin" in reply["text"]
    assert reply["parse_mode"] == "HTML"


async def test_ukrainian_users_get_russian_and_others_english(chat: ChatHarness) -> None:
    chat.telegram.add_user(2003, "Olena", "uk")
    chat.telegram.add_user(2004, "Hans", "de")
    [ru] = await chat.say(2003, 2003, "/help")
    [en] = await chat.say(2004, 2004, "/help")
    assert "Команды" in ru["text"]
    assert "Commands" in en["text"]


async def test_start_from_the_group_deep_link_asks_for_the_token(chat: ChatHarness) -> None:
    assert "metrika:read" in await say(chat, "/start token")


async def test_a_good_token_is_saved_encrypted_its_message_deleted_and_counters_offered(
    chat: ChatHarness,
) -> None:
    message = chat.telegram.send_text(ANNA, ANNA, f"/token {TOKEN}")
    await chat.deliver()
    [reply] = chat.telegram.sent(ANNA)
    assert (ANNA, message["message_id"]) not in chat.telegram.world.messages
    assert "Токен сохранён" in reply["text"]
    assert TOKEN not in reply["raw_text"]
    assert buttons(reply) == [
        ("Counter 102 (102)", "ln:102"),
        ("Магазин <Главный> (101)", "ln:101"),
    ]
    [(stored, fingerprint, valid)] = await chat.query(
        "select token_encrypted, fingerprint, is_valid from credentials where user_id = :u", u=ANNA
    )
    assert TOKEN.encode() not in stored
    assert fingerprint == token_fingerprint(TOKEN)
    assert valid


async def test_a_refused_token_is_deleted_too_and_nothing_is_stored(chat: ChatHarness) -> None:
    message = chat.telegram.send_text(ANNA, ANNA, "/token y0_wrong-token-000")
    await chat.deliver()
    [reply] = chat.telegram.sent(ANNA)
    assert (ANNA, message["message_id"]) not in chat.telegram.world.messages
    assert "Метрика не приняла этот токен" in reply["text"]
    assert await chat.query("select id from credentials") == []


async def test_a_malformed_token_gets_the_usage_and_is_deleted(chat: ChatHarness) -> None:
    message = chat.telegram.send_text(ANNA, ANNA, "/token two words")
    await chat.deliver()
    assert (ANNA, message["message_id"]) not in chat.telegram.world.messages
    assert "Как пользоваться" in chat.telegram.sent(ANNA)[0]["text"]


async def test_token_alone_says_whether_one_is_saved_never_showing_it(chat: ChatHarness) -> None:
    assert "Токен не сохранён" in await say(chat, "/token")
    await with_token(chat)
    status = await say(chat, "/token")
    assert "Метрика его принимает" in status
    assert TOKEN not in status


async def test_token_counters_page_through_buttons(chat: ChatHarness) -> None:
    chat.metrica.add_token(OTHER, range(1, 13))
    [reply] = await chat.say(ANNA, ANNA, f"/token {OTHER}")
    assert buttons(reply)[-1] == ("▶", "tp:1")
    await chat.press(ANNA, reply["message_id"], ANNA, "tp:1")
    edited = chat.message(ANNA, reply["message_id"])
    # sorted by name: "Counter 1", "Counter 10", ..., "Counter 8", "Counter 9"
    assert [data for _, data in buttons(edited)] == ["ln:8", "ln:9", "tp:0", "nop"]


async def test_a_counter_button_links_it_here(chat: ChatHarness) -> None:
    [reply] = await chat.say(ANNA, ANNA, f"/token {TOKEN}")
    answer = await chat.press(ANNA, reply["message_id"], ANNA, "ln:101")
    assert "show_alert" not in answer
    assert "Магазин <Главный>" in chat.telegram.sent(ANNA)[-1]["text"]
    assert await chat.query("select counter_id from chat_counters") == [(101,)]


async def test_link_names_the_counter_by_its_name_and_site(chat: ChatHarness) -> None:
    await with_token(chat)
    reply = await say(chat, "/link 101")
    assert "Магазин <Главный> (shop.example, 101) привязан" in reply
    assert "/subscribe 101" in reply
    [(name, site, credential)] = await chat.query(
        "select c.name, c.site, l.credential_id from counters c "
        "join chat_counters l on l.counter_id = c.id"
    )
    assert (name, site) == ("Магазин <Главный>", "shop.example")
    assert credential is not None  # the link carries the token that proved access


async def test_link_without_a_token_says_how_to_add_one(chat: ChatHarness) -> None:
    assert "/token" in await say(chat, "/link 101")


async def test_link_refuses_a_counter_the_token_cannot_see(chat: ChatHarness) -> None:
    await with_token(chat)
    assert "нет доступа к счётчику 300" in await say(chat, "/link 300")
    assert "нет счётчика 999" in await say(chat, "/link 999")
    assert await chat.query("select * from chat_counters") == []


async def test_link_without_an_id_shows_the_usage(chat: ChatHarness) -> None:
    assert "Как пользоваться: /link" in await say(chat, "/link")
    assert "Как пользоваться: /link" in await say(chat, "/link abc")


async def test_a_busy_metrica_says_when_to_try_again(chat: ChatHarness) -> None:
    await with_token(chat)
    chat.metrica.fail_next("/counter/101", status=503, retry_after=0, count=3)
    assert "через 1 мин" in await say(chat, "/link 101")


async def test_a_spent_daily_quota_says_it_resets_at_midnight_utc(chat: ChatHarness) -> None:
    await with_token(chat)
    chat.metrica.set_quota(TOKEN, 0)
    assert "после 00:00 UTC" in await say(chat, "/link 101")


async def test_a_revoked_token_is_marked_invalid_and_reported(chat: ChatHarness) -> None:
    await linked(chat, 101)
    chat.metrica.revoke(TOKEN)
    assert "больше не принимает" in await say(chat, "/uploadings")
    assert await chat.query("select is_valid from credentials") == [(False,)]
    assert "отклонила его" in await say(chat, "/token")


async def test_unlink_removes_the_counter_and_its_subscription(chat: ChatHarness) -> None:
    await linked(chat, 101)
    await chat.say(ANNA, ANNA, "/subscribe 101")
    assert "отвязан" in await say(chat, "/unlink 101")
    assert await chat.query("select * from subscriptions") == []
    assert "не привязан" in await say(chat, "/unlink 101")


async def test_counters_lists_links_and_subscriptions(chat: ChatHarness) -> None:
    assert "Привязанных счётчиков в этом чате пока нет" in await say(chat, "/counters")
    await linked(chat, 101, 102)
    await chat.say(ANNA, ANNA, "/subscribe 102")
    listing = await say(chat, "/counters")
    assert "Магазин <Главный> (shop.example, 101)\n   🔕" in listing
    assert "Counter 102 (site102.example, 102)\n   🔔" in listing


async def test_uploadings_of_the_only_counter_come_newest_first_with_paging(
    chat: ChatHarness,
) -> None:
    for day in range(1, 24):
        chat.metrica.add_uploading(101, id=day, create_time=f"2026-11-{day:02d}T09:15:00Z")
    await linked(chat, 101)
    [page] = await chat.say(ANNA, ANNA, "/uploadings")
    assert "1–10 из 23" in page["text"]
    assert page["text"].index("23 · 2026-11-23 09:15 UTC") < page["text"].index("14 · ")
    assert buttons(page) == [("1/3", "nop"), ("▶", "pg:101:1"), ("↻", "rf:101:0")]
    await chat.press(ANNA, page["message_id"], ANNA, "pg:101:2")
    last = chat.message(ANNA, page["message_id"])
    assert "21–23 из 23" in last["text"]
    assert buttons(last) == [("◀", "pg:101:1"), ("3/3", "nop"), ("↻", "rf:101:2")]
    assert len(chat.telegram.sent(ANNA)) == 3  # token, link, the page: edited in place


async def test_uploadings_with_several_counters_offers_a_choice(chat: ChatHarness) -> None:
    chat.metrica.add_uploading(102, id=55)
    await linked(chat, 101, 102)
    [choice] = await chat.say(ANNA, ANNA, "/uploadings")
    assert [data for _, data in buttons(choice)] == ["pg:101:0", "pg:102:0"]
    await chat.press(ANNA, choice["message_id"], ANNA, "pg:102:0")
    assert "55 · " in chat.message(ANNA, choice["message_id"])["text"]


async def test_uploadings_of_a_counter_not_linked_here_are_refused(chat: ChatHarness) -> None:
    await linked(chat, 101)
    assert "Счётчик 102 не привязан в этом чате" in await say(chat, "/uploadings 102")
    assert "Привязанных счётчиков" not in await say(chat, "/uploadings 101")


async def test_a_button_for_a_counter_not_linked_here_is_refused(chat: ChatHarness) -> None:
    await linked(chat, 101)
    [page] = await chat.say(ANNA, ANNA, "/uploadings")
    before = len(chat.telegram.sent(ANNA))
    answer = await chat.press(ANNA, page["message_id"], ANNA, "pg:102:0")
    # Issue 11: the press is answered at once; the refusal arrives as a message.
    assert "show_alert" not in answer
    [refusal] = chat.telegram.sent(ANNA)[before:]
    assert "не привязан" in refusal["text"]
    stale = await chat.press(ANNA, page["message_id"], ANNA, "pg:abc")
    assert stale["text"] == "Эта кнопка устарела."


async def test_uploading_shows_one_in_full_with_what_its_status_means(chat: ChatHarness) -> None:
    chat.metrica.add_uploading(101, id=7, status="LINKAGE_FAILURE", comment="<b>&</b>")
    await linked(chat, 101)
    detail = await say(chat, "/uploading 7")
    assert "Ошибка связывания (LINKAGE_FAILURE)" in detail
    assert "Комментарий: <b>&</b>" in detail
    assert "21" in detail
    assert "нет загрузки 8" in await say(chat, "/uploading 8")
    assert "Как пользоваться: /uploading" in await say(chat, "/uploading")


async def test_uploading_with_several_counters_offers_a_choice(chat: ChatHarness) -> None:
    chat.metrica.add_uploading(102, id=9, line_quantity=0, source_quantity=5)
    await linked(chat, 101, 102)
    [choice] = await chat.say(ANNA, ANNA, "/uploading 9")
    assert [data for _, data in buttons(choice)] == ["ud:101:9", "ud:102:9"]
    await chat.press(ANNA, choice["message_id"], ANNA, "ud:102:9")
    assert "Ни одна из 5 строк" in chat.message(ANNA, choice["message_id"])["text"]


async def test_subscribe_unsubscribe_and_subscriptions(chat: ChatHarness) -> None:
    assert "Привязанных счётчиков" in await say(chat, "/subscribe")
    await linked(chat, 101)
    assert "Подписка оформлена" in await say(chat, "/subscribe")
    assert "уже есть" in await say(chat, "/subscribe 101")
    assert "Магазин <Главный>" in await say(chat, "/subscriptions")
    assert "отменена" in await say(chat, "/unsubscribe")
    assert "Подписок в этом чате пока нет" in await say(chat, "/unsubscribe")
    assert "Подписок в этом чате пока нет" in await say(chat, "/subscriptions")
    assert "не привязан" in await say(chat, "/subscribe 102")


async def test_subscribing_to_a_counter_nobody_heard_about_starts_from_a_fresh_baseline(
    chat: ChatHarness,
) -> None:
    await linked(chat, 101)
    async with chat.services.sessions.begin() as session:
        await session.execute(text("update counters set has_baseline = 1"))
    await chat.say(ANNA, ANNA, "/subscribe 101")
    assert await chat.query("select has_baseline, next_poll_at from counters") == [(0, None)]


async def test_subscribe_with_several_counters_offers_buttons(chat: ChatHarness) -> None:
    await linked(chat, 101, 102)
    [choice] = await chat.say(ANNA, ANNA, "/subscribe")
    assert [data for _, data in buttons(choice)] == ["sb:101", "sb:102"]
    await chat.press(ANNA, choice["message_id"], ANNA, "sb:102")
    assert "Подписка оформлена" in chat.message(ANNA, choice["message_id"])["text"]
    assert await chat.query("select counter_id from subscriptions") == [(102,)]


async def test_lang_switches_the_chat_language(chat: ChatHarness) -> None:
    assert "Language of this chat: English." in await say(chat, "/lang en")
    assert "Commands" in await say(chat, "/help")
    assert "Usage: /lang" in await say(chat, "/lang de")
    assert "Язык этого чата: русский." in await say(chat, "/lang RU")


async def test_token_delete_tells_the_other_chats_that_used_it(chat: ChatHarness) -> None:
    chat.telegram.add_group(-100777, "Team", admins=[ANNA])
    await linked(chat, 101)
    await chat.say(-100777, ANNA, "/link 101")
    reply = await say(chat, "/token delete")
    assert "Токен удалён" in reply
    assert "сообщил об этом: 1" in reply
    [(chat_id, text)] = await chat.query("select chat_id, text from outbox")
    assert chat_id == -100777
    assert "Anna" in text
    assert "101" in text
    assert await chat.query("select credential_id, suspended_reason from chat_counters") == [
        (None, "deleted"),
        (None, "deleted"),
    ]
    assert "Сохранённого токена не было" in await say(chat, "/token delete")


async def test_a_new_token_resumes_counters_paused_for_the_old_one(chat: ChatHarness) -> None:
    await linked(chat, 101)
    async with chat.services.sessions.begin() as session:
        await session.execute(text("update counters set paused_reason = 'token'"))
    await with_token(chat)
    assert await chat.query("select paused_reason from counters") == [(None,)]


async def test_a_slow_metrica_call_does_not_hold_up_other_chats(chat: ChatHarness) -> None:
    await linked(chat, 101)
    chat.telegram.add_user(2002, "Bob", "en")
    chat.metrica.latency = 1.0
    chat.telegram.send_text(ANNA, ANNA, "/uploadings")
    with chat.telegram.lock:
        [raw] = chat.telegram.world.updates
        chat.telegram.world.updates.clear()
    slow = asyncio.create_task(chat.app.process_update(Update.de_json(raw, chat.app.bot)))
    await chat.metrica.wait_for_requests_async(1, path_contains="calls_uploadings")
    async with asyncio.timeout(0.5):
        [reply] = await chat.say(2002, 2002, "/counters")
    assert "No counters are linked here yet" in reply["text"]
    assert not slow.done()
    await slow


async def test_an_unexpected_failure_still_gets_one_sentence_never_silence(
    chat: ChatHarness,
) -> None:
    await linked(chat, 101)
    async with chat.services.sessions.begin() as session:  # a bug, or a database gone wrong
        await session.execute(text("alter table chat_counters rename to chat_counters_gone"))
    with pytest.raises(OperationalError, match="chat_counters"):
        await chat.say(ANNA, ANNA, "/uploadings")
    assert "Что-то пошло не так" in chat.telegram.sent(ANNA)[-1]["text"]


async def test_a_daily_quota_spent_during_paging_is_an_alert(chat: ChatHarness) -> None:
    for number in range(1, 15):
        chat.metrica.add_uploading(101, id=number)
    await linked(chat, 101)
    [page] = await chat.say(ANNA, ANNA, "/uploadings")
    chat.metrica.set_quota(TOKEN, 0)
    # Pages come from the stored list now; only ↻ asks Metrica.
    answer = await chat.press(ANNA, page["message_id"], ANNA, "rf:101:0")
    assert answer["show_alert"] is True
    assert "00:00 UTC" in answer["text"]
    assert "1–10 из 14" in chat.message(ANNA, page["message_id"])["text"]


async def test_a_reply_refused_with_429_is_sent_after_the_wait_not_lost(chat: ChatHarness) -> None:
    chat.telegram.fail_next(
        "sendMessage", status=429, description="Too Many Requests: retry after 1", retry_after=1
    )
    text = await say(chat, "/help")
    assert "/uploadings" in text
    assert len([m for m, _ in chat.telegram.requests if m == "sendMessage"]) == 2


async def test_help_lists_every_command_of_the_table_but_start_and_help(chat: ChatHarness) -> None:
    text = await say(chat, "/help")
    for command in COMMANDS:
        assert (f"/{command.name} " in text or f"/{command.name}:" in text) == command.in_help
