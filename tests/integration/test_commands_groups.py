"""Commands in groups: admins change things, everyone reads, one group never sees another's."""

from __future__ import annotations

import pytest

from tests.integration.chat_harness import ChatHarness
from tests.integration.conftest import ANNA, BORIS, with_team

GROUP, OTHER_GROUP = -1001500, -1001600


@pytest.fixture
async def chat(harness: ChatHarness) -> ChatHarness:
    harness.telegram.add_group(GROUP, "Team", admins=[ANNA])
    harness.telegram.add_group(OTHER_GROUP, "Others", admins=[ANNA])
    return await with_team(harness)


async def say(chat: ChatHarness, user: int, text: str, where: int = GROUP) -> str:
    return "\n".join(message["text"] for message in await chat.say(where, user, text))


async def test_an_admin_links_a_counter_and_commands_carry_the_bot_name(chat: ChatHarness) -> None:
    [reply] = await chat.say(GROUP, ANNA, "/link@metrica_calls_bot 101")
    assert "Shop (shop.example, 101) привязан в этом чате" in reply["text"]
    assert "/subscribe@metrica_calls_bot 101" in reply["text"]
    assert reply["reply_to_message_id"] is not None


async def test_a_non_admin_may_not_change_anything(chat: ChatHarness) -> None:
    await chat.say(GROUP, ANNA, "/link 101")
    for command in ("/link 102", "/unlink 101", "/subscribe 101", "/unsubscribe 101", "/lang en"):
        assert "Это могут делать только администраторы" in await say(chat, BORIS, command)
    assert await chat.query("select counter_id from chat_counters") == [(101,)]
    assert await chat.query("select * from subscriptions") == []


async def test_everyone_may_read(chat: ChatHarness) -> None:
    chat.metrica.add_uploading(101, id=42, comment="hello")
    await chat.say(GROUP, ANNA, "/link 101")
    assert "42 · " in await say(chat, BORIS, "/uploadings")
    assert "Shop" in await say(chat, BORIS, "/counters")
    assert "hello" in await say(chat, BORIS, "/uploading 42")
    assert "Подписок в этом чате пока нет" in await say(chat, BORIS, "/subscriptions")


async def test_the_group_speaks_the_language_of_whoever_spoke_first(chat: ChatHarness) -> None:
    assert "Commands" in await say(chat, BORIS, "/help", OTHER_GROUP)
    assert "Commands" in await say(chat, ANNA, "/help", OTHER_GROUP)


async def test_an_anonymous_admin_may_subscribe_but_must_link_from_a_private_chat(
    chat: ChatHarness,
) -> None:
    await chat.say(GROUP, ANNA, "/link 101")
    chat.telegram.send_anonymous_admin_text(GROUP, "/subscribe")
    await chat.deliver()
    assert "Подписка оформлена" in chat.telegram.sent(GROUP)[-1]["text"]
    chat.telegram.send_anonymous_admin_text(GROUP, "/link 102")
    await chat.deliver()
    hint = chat.telegram.sent(GROUP)[-1]["text"]
    assert f"/link <номер счётчика> {GROUP}" in hint


async def test_commands_for_another_bot_are_ignored(chat: ChatHarness) -> None:
    assert await chat.say(GROUP, ANNA, "/counters@some_other_bot") == []
    assert await chat.say(GROUP, ANNA, "/link@some_other_bot 101") == []
    assert await chat.query("select * from chat_counters") == []


async def test_a_token_posted_in_a_group_is_deleted_and_called_exposed(chat: ChatHarness) -> None:
    message = chat.telegram.send_text(GROUP, BORIS, "/token y0_boris-secret-token")
    await chat.deliver()
    [reply] = chat.telegram.sent(GROUP)
    assert (GROUP, message["message_id"]) not in chat.telegram.world.messages
    assert "I deleted the message" in reply["text"]  # Boris spoke first: English
    assert "https://id.yandex.ru/personal/data-access" in reply["raw_text"]
    assert "y0_boris-secret-token" not in reply["raw_text"]
    assert await chat.query("select user_id from credentials") == [(ANNA,)]


async def test_a_token_the_bot_cannot_delete_must_be_deleted_by_hand(chat: ChatHarness) -> None:
    chat.telegram.set_bot_admin(GROUP, is_admin=False)
    message = chat.telegram.send_text(GROUP, BORIS, "/token y0_boris-secret-token")
    await chat.deliver()
    assert (GROUP, message["message_id"]) in chat.telegram.world.messages
    assert "delete it yourself" in chat.telegram.sent(GROUP)[0]["text"]


async def test_token_without_a_value_in_a_group_points_to_the_private_chat(
    chat: ChatHarness,
) -> None:
    [reply] = await chat.say(GROUP, ANNA, "/token")
    assert "?start=token" in reply["raw_text"]


async def test_a_counter_linked_in_one_group_is_invisible_in_another(chat: ChatHarness) -> None:
    await chat.say(GROUP, ANNA, "/link 101")
    assert "не привязан" in await say(chat, ANNA, "/uploadings 101", OTHER_GROUP)
    assert "не привязан" in await say(chat, ANNA, "/uploading 1 101", OTHER_GROUP)
    assert "не привязан" in await say(chat, ANNA, "/subscribe 101", OTHER_GROUP)
    assert "пока нет" in await say(chat, ANNA, "/counters", OTHER_GROUP)


async def test_a_chat_argument_works_only_in_a_private_chat(chat: ChatHarness) -> None:
    assert "только в личном чате" in await say(chat, ANNA, f"/link 101 {OTHER_GROUP}")


async def test_changing_buttons_check_the_presser(chat: ChatHarness) -> None:
    await chat.say(GROUP, ANNA, "/link 101")
    await chat.say(GROUP, ANNA, "/link 102")
    [choice] = await chat.say(GROUP, ANNA, "/subscribe")
    refused = await chat.press(GROUP, choice["message_id"], BORIS, "sb:101")
    assert refused["show_alert"] is True
    assert "только администраторы" in refused["text"]
    assert await chat.query("select * from subscriptions") == []
    await chat.press(GROUP, choice["message_id"], ANNA, "sb:101")
    assert await chat.query("select counter_id from subscriptions") == [(101,)]


async def test_paging_buttons_work_for_everyone(chat: ChatHarness) -> None:
    for number in range(1, 15):
        chat.metrica.add_uploading(101, id=number)
    await chat.say(GROUP, ANNA, "/link 101")
    [page] = await chat.say(GROUP, BORIS, "/uploadings")
    answer = await chat.press(GROUP, page["message_id"], BORIS, "pg:101:1")
    assert "show_alert" not in answer
    assert "11–14" in chat.message(GROUP, page["message_id"])["text"]


async def test_removal_makes_the_chat_inactive_and_readding_revives_it(chat: ChatHarness) -> None:
    await chat.say(GROUP, ANNA, "/link 101")
    chat.telegram.my_chat_member(
        GROUP, old_status="administrator", new_status="kicked", by_user_id=ANNA
    )
    await chat.deliver()
    assert await chat.query("select is_active from chats where id = :g", g=GROUP) == [(False,)]
    assert await chat.query("select chat_id from chat_counters") == [(GROUP,)]
    chat.telegram.my_chat_member(GROUP, old_status="kicked", new_status="member", by_user_id=ANNA)
    await chat.deliver()
    assert await chat.query("select is_active from chats where id = :g", g=GROUP) == [(True,)]
    assert "С чего начать" in chat.telegram.sent(GROUP)[-1]["text"]


async def test_a_user_blocking_the_bot_makes_the_private_chat_inactive(chat: ChatHarness) -> None:
    chat.telegram.my_chat_member(ANNA, old_status="member", new_status="kicked", by_user_id=ANNA)
    await chat.deliver()
    assert await chat.query("select is_active from chats where id = :a", a=ANNA) == [(False,)]


async def test_a_group_upgraded_to_a_supergroup_keeps_links_and_subscriptions(
    chat: ChatHarness,
) -> None:
    old, new = -4500, -1004500
    chat.telegram.add_group(old, "Small team", type="group", admins=[ANNA])
    await chat.say(old, ANNA, "/link 101")
    await chat.say(old, ANNA, "/subscribe 101")
    chat.telegram.migrate_update(old, new)
    await chat.deliver()
    assert await chat.query("select id, type from chats where id in (:o, :n)", o=old, n=new) == [
        (new, "supergroup")
    ]
    assert await chat.query("select chat_id from chat_counters") == [(new,)]
    assert await chat.query("select chat_id from subscriptions") == [(new,)]
    assert "🔔" in await say(chat, ANNA, "/counters", new)


async def test_an_upgrade_heard_late_still_moves_the_setup_to_the_supergroup(
    chat: ChatHarness,
) -> None:
    old, new = -4600, -1004600
    chat.telegram.add_group(old, "Small team", type="group", admins=[ANNA])
    await chat.say(old, ANNA, "/link 101")
    chat.telegram.migrate(old, new)
    await chat.say(new, ANNA, "/help")  # the supergroup is heard of before the service messages
    with chat.telegram.lock:
        old_chat = chat.telegram.world.chats[old]
        first = chat.telegram.world.new_message(old_chat, migrate_to_chat_id=new)
        chat.telegram.world.push_update("message", first)
    await chat.deliver()
    assert await chat.query("select chat_id from chat_counters") == [(new,)]
    assert await chat.query("select count(*) from chats where id in (:o, :n)", o=old, n=new) == [
        (1,)
    ]
