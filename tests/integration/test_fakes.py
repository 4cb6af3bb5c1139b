"""Fast checks that the fake servers speak the protocols the bot relies on."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from concurrent.futures import FIRST_COMPLETED, Future, ThreadPoolExecutor, wait
from typing import Any

import httpx
import pytest
import telegram
from telegram.error import BadRequest, ChatMigrated, Forbidden

from fakes.metrica import FakeMetrica
from fakes.telegram import FakeTelegram
from fakes.telegram_html import EntityParseError, parse_html

TOKEN = "123456:TEST-token"
USER = 1001
GROUP = -1001234567890


@pytest.fixture
def fake_telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram(TOKEN) as fake:
        fake.add_user(USER, "Anna")
        yield fake


@pytest.fixture
def tg(fake_telegram: FakeTelegram) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=f"{fake_telegram.url}/bot{TOKEN}/", timeout=5) as client:
        yield client


@pytest.fixture
def fake_metrica() -> Iterator[FakeMetrica]:
    with FakeMetrica() as fake:
        fake.add_token("good", [101, 102, 103], login="anna")
        fake.add_counter(200, "Not yours", "other.example")
        yield fake


@pytest.fixture
def metrica(fake_metrica: FakeMetrica) -> Iterator[httpx.Client]:
    headers = {"Authorization": "OAuth good"}
    url = f"{fake_metrica.url}/management/v1"
    with httpx.Client(base_url=url, headers=headers, timeout=5) as client:
        yield client


# --- the HTML validator -----------------------------------------------------------------------
@pytest.mark.parametrize(
    "markup",
    [
        "<b>bold</b> <strong>s</strong> <i>i</i> <em>e</em> <u>u</u> <ins>n</ins>",
        "<s>s</s><strike>k</strike><del>d</del><tg-spoiler>x</tg-spoiler>",
        '<span class="tg-spoiler">hidden</span> <a href="https://ya.ru/?a=1&amp;b=2">link</a>',
        '<pre><code class="language-python">x = 1 &lt; 2</code></pre> <code>c</code>',
        "<blockquote expandable>quote</blockquote> <blockquote>q</blockquote>",
        '<tg-emoji emoji-id="5368324170671202286">👍</tg-emoji> &lt;&gt;&amp;&quot;&#39;&#x27;',
        "<b>nested <i>italic <u>and underlined</u></i></b> ✓ émoji 😀",
    ],
)
def test_valid_telegram_html_is_accepted(markup: str) -> None:
    text, entities = parse_html(markup)
    assert text
    assert entities
    assert "</" not in text


@pytest.mark.parametrize(
    ("markup", "reason"),
    [
        ("<div>x</div>", 'Unsupported start tag "div"'),
        ("<br>", 'Unsupported start tag "br"'),
        ("<b>bold", 'Can\'t find end tag corresponding to start tag "b"'),
        ("<b><i>x</b></i>", "Unmatched end tag"),
        ("x</b>", "Unexpected end tag"),
        ("a < b", 'Unsupported start tag ""'),
        ("<2>", 'Unsupported start tag "2"'),
        ("wait 1 <2", "Unclosed start tag"),
        ("<b", "Unclosed start tag"),
        ("<b class='x'", "Unclosed start tag"),
        ("Tom & Jerry", "Can't find end of the entity"),
        ("&nbsp;", "Can't find end of the entity"),
        ('<span class="x">s</span>', 'must have class "tg-spoiler"'),
    ],
)
def test_invalid_telegram_html_is_rejected(markup: str, reason: str) -> None:
    with pytest.raises(EntityParseError) as caught:
        parse_html(markup)
    assert reason in caught.value.description
    assert caught.value.description.startswith("Bad Request: can't parse entities: ")


def test_entity_offsets_are_utf16() -> None:
    text, entities = parse_html("😀 <b>x</b>")
    assert text == "😀 x"
    assert entities == [{"type": "bold", "offset": 3, "length": 1}]


# --- Bot API basics ----------------------------------------------------------------------------
def test_wrong_token_and_unknown_method(fake_telegram: FakeTelegram, tg: httpx.Client) -> None:
    wrong = httpx.post(f"{fake_telegram.url}/bot1:nope/getMe")
    assert wrong.status_code == 401
    assert wrong.json() == {"ok": False, "error_code": 401, "description": "Unauthorized"}
    unknown = tg.post("sendDice")
    assert unknown.json() == {"ok": False, "error_code": 404, "description": "Not Found"}


def test_send_message_rejections(fake_telegram: FakeTelegram, tg: httpx.Client) -> None:
    fake_telegram.send_text(USER, USER, "/start")

    def send(**params: object) -> dict[str, Any]:
        answer: dict[str, Any] = tg.post("sendMessage", data={"chat_id": USER, **params}).json()
        return answer

    assert send(chat_id=777, text="x")["description"] == "Bad Request: chat not found"
    assert send(text="")["description"] == "Bad Request: message text is empty"
    assert send(text="x" * 4097)["description"] == "Bad Request: message is too long"
    assert send(text="<b>" + "x" * 4096 + "</b>", parse_mode="HTML")["ok"] is True
    bad = send(text="<b>x", parse_mode="HTML")
    assert bad["error_code"] == 400
    assert bad["description"].startswith("Bad Request: can't parse entities:")


def test_ptb_bot_talks_to_the_fake(fake_telegram: FakeTelegram) -> None:
    import asyncio  # noqa: PLC0415 - only this test drives PTB

    fake_telegram.add_group(GROUP, "Team", admins=[USER], bot_is_admin=True)
    fake_telegram.send_text(USER, USER, "/start")
    markup = telegram.InlineKeyboardMarkup(
        [[telegram.InlineKeyboardButton("Go", callback_data="go")]]
    )

    async def scenario() -> None:
        bot = telegram.Bot(TOKEN, base_url=f"{fake_telegram.url}/bot")
        async with bot:
            assert bot.username == "metrica_calls_bot"
            sent = await bot.send_message(
                USER, "<b>Hi</b> &amp; bye", parse_mode="HTML", reply_markup=markup
            )
            assert sent.text == "Hi & bye"
            edited = await bot.edit_message_text(
                "<i>Edited</i>", USER, sent.message_id, parse_mode="HTML"
            )
            assert isinstance(edited, telegram.Message)
            with pytest.raises(BadRequest, match=r"(?i)message is not modified"):
                await bot.edit_message_text(
                    "<i>Edited</i>", USER, sent.message_id, parse_mode="HTML"
                )
            member = await bot.get_chat_member(GROUP, USER)
            assert member.status == "creator"
            me = await bot.get_chat_member(GROUP, bot.id)
            assert isinstance(me, telegram.ChatMemberAdministrator)
            chat = await bot.get_chat(GROUP)
            assert chat.title == "Team"
            assert await bot.set_my_commands([("start", "Start")], language_code="ru")
            fake_telegram.block(USER)
            with pytest.raises(Forbidden, match="blocked by the user"):
                await bot.send_message(USER, "x")
            fake_telegram.migrate(GROUP, GROUP - 1)
            with pytest.raises(ChatMigrated) as migrated:
                await bot.send_message(GROUP, "x")
            assert migrated.value.new_chat_id == GROUP - 1

    asyncio.run(scenario())
    assert fake_telegram.my_commands(language_code="ru") == [
        {"command": "start", "description": "Start"}
    ]
    message = fake_telegram.wait_for_edit(USER, contains="Edited", timeout=0)
    assert message["raw_text"] == "<i>Edited</i>"
    assert message["reply_markup"] is None  # editMessageText without markup drops it


def test_get_updates_long_poll_returns_an_injected_update(
    fake_telegram: FakeTelegram, tg: httpx.Client
) -> None:
    timer = threading.Timer(0.2, fake_telegram.send_text, (USER, USER, "/help@metrica_calls_bot"))
    timer.start()
    result = tg.post("getUpdates", json={"timeout": 5, "offset": 0}).json()["result"]
    timer.join()
    assert len(result) == 1
    update = telegram.Update.de_json(result[0], None)
    assert update.message is not None
    assert update.message.text == "/help@metrica_calls_bot"
    assert update.message.entities[0].type == "bot_command"
    assert fake_telegram.wait_until_polling(timeout=0)
    # the update stays until confirmed by a higher offset
    next_offset = result[0]["update_id"] + 1
    assert tg.post("getUpdates", data={"timeout": 0}).json()["result"] == result
    assert tg.post("getUpdates", data={"offset": next_offset}).json()["result"] == []
    assert fake_telegram.pending_updates == 0


def test_blocked_migrated_and_kicked_chats(fake_telegram: FakeTelegram, tg: httpx.Client) -> None:
    fake_telegram.send_text(USER, USER, "hello")
    fake_telegram.add_group(-5, "Old group", type="group", admins=[USER])
    fake_telegram.add_channel(-1009, "News", "teamchannel", admins=[USER], bot_is_admin=False)
    fake_telegram.block(USER)
    blocked = tg.post("sendMessage", data={"chat_id": USER, "text": "x"})
    assert blocked.status_code == 403
    assert blocked.json()["description"] == "Forbidden: bot was blocked by the user"
    old, _new = fake_telegram.migrate_update(-5, -1005)
    assert old["migrate_to_chat_id"] == -1005
    migrated = tg.post("sendMessage", data={"chat_id": -5, "text": "x"}).json()
    assert migrated["description"] == "Bad Request: group chat was upgraded to a supergroup chat"
    assert migrated["parameters"] == {"migrate_to_chat_id": -1005}
    fake_telegram.block(-1005)
    kicked = tg.post("sendMessage", data={"chat_id": -1005, "text": "x"}).json()
    assert kicked["description"].startswith("Forbidden: bot was kicked from the")
    channel = tg.post("getChat", data={"chat_id": "@teamchannel"}).json()["result"]
    assert channel["id"] == -1009
    no_rights = tg.post("sendMessage", data={"chat_id": "@teamchannel", "text": "x"}).json()
    assert no_rights["error_code"] == 400


def test_rate_limits_answer_429_with_retry_after(
    fake_telegram: FakeTelegram, tg: httpx.Client
) -> None:
    fake_telegram.enforce_limits = True
    fake_telegram.send_text(USER, USER, "/start")
    answers = [tg.post("sendMessage", data={"chat_id": USER, "text": "x"}) for _ in range(4)]
    assert [answer.status_code for answer in answers] == [200, 200, 200, 429]
    body = answers[-1].json()
    assert body["parameters"]["retry_after"] >= 1
    assert (
        body["description"] == f"Too Many Requests: retry after {body['parameters']['retry_after']}"
    )
    fake_telegram.add_group(GROUP, "Team", admins=[USER])
    group = [tg.post("sendMessage", data={"chat_id": GROUP, "text": "x"}) for _ in range(21)]
    assert group[-1].status_code == 429
    assert group[-1].json()["parameters"]["retry_after"] > 30
    assert fake_telegram.count_429 == 2


def test_injected_failure_and_callback_answers(
    fake_telegram: FakeTelegram, tg: httpx.Client
) -> None:
    fake_telegram.send_text(USER, USER, "/start")
    fake_telegram.fail_next("sendMessage", status=502, description="Bad Gateway")
    assert tg.post("sendMessage", data={"chat_id": USER, "text": "x"}).status_code == 502
    markup = json.dumps({"inline_keyboard": [[{"text": "Ok", "callback_data": "ok"}]]})
    sent = tg.post("sendMessage", data={"chat_id": USER, "text": "x", "reply_markup": markup})
    message_id = sent.json()["result"]["message_id"]
    query_id = fake_telegram.press_button(USER, message_id, USER, "ok")
    assert tg.post("answerCallbackQuery", data={"callback_query_id": query_id}).json()["ok"]
    assert fake_telegram.callback_answers == [{"callback_query_id": query_id}]
    with pytest.raises(AssertionError, match="sent there"):
        fake_telegram.wait_for_message(USER, contains="never", timeout=0.05)


# --- Metrica -------------------------------------------------------------------------------------
def test_metrica_auth_errors(fake_metrica: FakeMetrica, metrica: httpx.Client) -> None:
    for headers in (
        {"Authorization": ""},
        {"Authorization": "Bearer good"},
        {"Authorization": "OAuth bad"},
    ):
        answer = metrica.get("/counters", headers=headers)
        assert answer.status_code == 403
        assert answer.json()["errors"][0]["error_type"] == "invalid_token"
    assert metrica.get("/counter/200").json()["errors"][0]["error_type"] == "access_denied"
    missing = metrica.get("/counter/999")
    assert (missing.status_code, missing.json()["code"]) == (404, 404)
    fake_metrica.revoke("good")
    assert metrica.get("/counters").json()["message"] == "Invalid oauth_token"


def test_metrica_pagination_and_uploadings(
    fake_metrica: FakeMetrica, metrica: httpx.Client
) -> None:
    page = metrica.get("/counters", params={"per_page": 2, "offset": 2}).json()
    assert page["rows"] == 3
    assert [c["id"] for c in page["counters"]] == [102, 103]
    for status in ("PROCESSED", "MATCHED", "UPLOADED"):
        fake_metrica.add_uploading(101, status=status)
    path = "/counter/101/offline_conversions/calls_uploadings"
    listed = metrica.get(path, params={"limit": 2, "offset": 1}).json()["uploadings"]
    assert [u["status"] for u in listed] == ["MATCHED", "UPLOADED"]
    one = metrica.get(f"/counter/101/offline_conversions/calls_uploading/{listed[0]['id']}")
    assert one.json()["uploading"]["id"] == listed[0]["id"]
    unknown = metrica.get("/counter/101/offline_conversions/calls_uploading/999999")
    assert unknown.status_code == 400
    assert unknown.json()["errors"][0]["message"] == "No object with specified ID."
    csv = b"ClientId,DateTime,StaticCall\r\n1,1700000000,1\r\n2,1700000001,0\r\n"
    uploaded = metrica.post(
        "/counter/101/offline_conversions/upload_calls",
        params={"comment": "<b>week</b>"},
        files={"file": ("calls.csv", csv, "text/csv")},
    ).json()["uploading"]
    assert uploaded["status"] == "UPLOADED"
    assert (uploaded["source_quantity"], uploaded["static_calls_quantity"]) == (2, 1)
    assert uploaded["comment"] == "<b>week</b>"


def test_metrica_quota_parallel_limit_and_injected_failures(fake_metrica: FakeMetrica) -> None:
    url = f"{fake_metrica.url}/management/v1/counters"
    headers = {"Authorization": "OAuth good"}
    fake_metrica.pause()  # the admitted three wait: all five overlap for sure, however slow
    with ThreadPoolExecutor(5) as pool:
        futures = [pool.submit(httpx.get, url, headers=headers) for _ in range(5)]
        answered: set[Future[httpx.Response]] = set()
        while len(answered) < 2:  # the two over the limit are answered while three wait
            done, _ = wait(futures, timeout=30, return_when=FIRST_COMPLETED)
            assert done, "no request was answered while the admitted ones waited"
            answered = {future for future in futures if future.done()}
        assert len(answered) == 2
        fake_metrica.resume()
        answers = [future.result() for future in futures]
    rejected = [a for a in answers if a.status_code == 429]
    assert len(rejected) == 2
    assert rejected[0].json()["errors"][0]["error_type"] == "quota_parallel_requests"
    assert fake_metrica.max_parallel("good") == 3
    assert fake_metrica.parallel_rejections == 2
    fake_metrica.latency = 0
    fake_metrica.set_quota("good", 3)  # three admitted above
    over = httpx.get(url, headers=headers)
    assert over.json()["errors"][0]["error_type"] == "quota_requests_by_uid"
    fake_metrica.set_quota("good", None)
    fake_metrica.fail_next("counters", status=502, body=b"<html>Bad Gateway</html>")
    assert httpx.get(url, headers=headers).text == "<html>Bad Gateway</html>"
    fake_metrica.fail_next(status=503, retry_after=7)
    assert httpx.get(url, headers=headers).headers["Retry-After"] == "7"
    fake_metrica.fail_next(delay=0.5)
    with pytest.raises(httpx.ReadTimeout):
        httpx.get(url, headers=headers, timeout=0.1)
    assert len(fake_metrica.requests_for("good")) == 9


async def test_injected_updates_parse_in_ptb_and_async_waits_work(
    fake_telegram: FakeTelegram,
) -> None:
    fake_telegram.add_group(GROUP, "Team", admins=[USER])
    fake_telegram.add_channel(-1009, "News", "teamchannel", admins=[USER])
    fake_telegram.send_text(USER, USER, "/start")
    fake_telegram.send_anonymous_admin_text(GROUP, "/link 101")
    fake_telegram.channel_post(-1009, "/subscribe")
    fake_telegram.my_chat_member(
        GROUP, old_status="member", new_status="administrator", by_user_id=USER
    )
    fake_telegram.my_chat_member(USER, old_status="member", new_status="kicked", by_user_id=USER)
    fake_telegram.migrate_update(GROUP, GROUP - 1)
    updates = [telegram.Update.de_json(u, None) for u in fake_telegram.world.updates]
    kinds = [u.effective_message is not None for u in updates]
    assert kinds == [True, True, True, False, False, True, True]
    anonymous = updates[1].effective_message
    assert anonymous is not None
    assert anonymous.sender_chat is not None
    assert anonymous.sender_chat.id == GROUP
    promoted = updates[3].my_chat_member
    assert promoted is not None
    assert isinstance(promoted.new_chat_member, telegram.ChatMemberAdministrator)
    assert updates[5].effective_message
    assert updates[5].effective_message.migrate_to_chat_id

    async with httpx.AsyncClient(base_url=f"{fake_telegram.url}/bot{TOKEN}/") as client:
        await client.post("sendMessage", json={"chat_id": GROUP - 1, "text": "moved"})
        message = await fake_telegram.wait_for_message_async(GROUP - 1, contains="moved", timeout=1)
        query_id = fake_telegram.press_button(GROUP - 1, message["message_id"], USER, "x")
        await client.post("answerCallbackQuery", data={"callback_query_id": query_id, "text": "ok"})
        answer = await fake_telegram.wait_for_request_async("answerCallbackQuery", timeout=1)
        assert answer["text"] == "ok"
    callback = telegram.Update.de_json(fake_telegram.world.updates[-1], None).callback_query
    assert callback is not None
    assert callback.data == "x"
