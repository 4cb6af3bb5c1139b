"""The whole monitor in-process: fake Metrica -> poller -> outbox -> sender -> fake Telegram."""

from __future__ import annotations

import asyncio
import time
from collections.abc import AsyncIterator, Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from telegram import Bot

from bot.container import Services
from bot.monitor.runner import Monitor
from bot.storage.chats import ChatRepository
from bot.storage.outbox import OutboxRepository
from bot.storage.subscriptions import SubscriptionRepository
from bot.texts.markup import fits
from fakes.metrica import FakeMetrica
from fakes.telegram import FakeTelegram
from tests.monitor_harness import BOT_TOKEN, close_services, fast_services, monitor_settings
from tests.monitor_seed import ChatSpec, outbox_rows, seed_watch

TOKEN = "y0_token_of_anna"
ANNA = 501
TEAM = ChatSpec(-100, "group", "en")
PRIVATE = ChatSpec(ANNA, "private", "en")
SHOP = 11
TIMEOUT = 10.0

# PTB itself reads RetryAfter.retry_after while building the error; not ours to fix.
pytestmark = pytest.mark.filterwarnings("ignore::telegram.warnings.PTBDeprecationWarning")


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram(BOT_TOKEN) as fake:
        fake.add_group(TEAM.id, "Team", type="group")
        fake.add_user(ANNA, "Anna", language_code="en")
        with fake.lock:
            fake.world.private_chat(ANNA)
        yield fake


@pytest.fixture
def metrica() -> Iterator[FakeMetrica]:
    with FakeMetrica() as fake:
        fake.add_token(TOKEN, [SHOP], login="anna")
        fake.add_counter(SHOP, name="Shop")
        yield fake


@dataclass
class Running:
    services: Services
    monitor: Monitor
    telegram: FakeTelegram
    metrica: FakeMetrica

    async def watch(self, chats=(TEAM, PRIVATE)) -> None:
        await seed_watch(
            self.services.sessions,
            self.services.cipher,
            token=TOKEN,
            owner=ANNA,
            counters=[(SHOP, "Shop")],
            chats=list(chats),
        )

    async def baseline(self) -> None:
        await self.metrica.wait_for_requests_async(1, path_contains="/calls_uploadings")
        await self.all_delivered()

    async def all_delivered(self) -> None:
        """Wait until nothing is pending in the outbox (sent or dropped)."""
        async with asyncio.timeout(TIMEOUT):
            while True:
                rows = await outbox_rows(self.services.sessions)
                if all(row.sent_at or row.dropped for row in rows):
                    return
                await asyncio.sleep(0.05)

    async def message(self, chat_id: int, contains: str) -> dict:
        return await self.telegram.wait_for_message_async(
            chat_id, contains=contains, timeout=TIMEOUT
        )


@pytest.fixture
async def running(
    sqlite_database_url: str, tmp_path: Path, telegram: FakeTelegram, metrica: FakeMetrica
) -> AsyncIterator[Running]:
    """SQLite only: these tests are about HTTP; PostgreSQL claims are tested in storage tests."""
    settings = monitor_settings(
        sqlite_database_url,
        tmp_path,
        metrica_url=metrica.url,
        telegram_url=telegram.url,
        poll_interval_seconds=1,
        idle_poll_interval_seconds=1,
        daily_quota=10_000_000,  # polling every second all day must fit the budget
    )
    services = await fast_services(settings, http_timeout=1.0)
    async with Bot(BOT_TOKEN, base_url=settings.telegram_base_url) as bot:
        monitor = Monitor(services, bot, owner="in-process")
        await monitor.start()
        try:
            yield Running(services, monitor, telegram, metrica)
        finally:
            await monitor.stop()
    await close_services(services)


async def test_a_status_change_reaches_two_chats_once(running: Running):
    uploading = running.metrica.add_uploading(SHOP, status="MATCHED", comment="<i>nov</i>")
    await running.watch()
    await running.baseline()

    running.metrica.set_status(SHOP, uploading["id"], "PROCESSED", line_quantity=7)
    team = await running.message(TEAM.id, "PROCESSED")
    anna = await running.message(ANNA, "PROCESSED")
    await running.all_delivered()
    await asyncio.sleep(1.5)  # more polls: nothing new may be sent

    assert len(running.telegram.sent(TEAM.id)) == 1
    assert len(running.telegram.sent(ANNA)) == 1
    assert "<i>nov</i>" in team["text"]  # escaped on the way in, shown literally
    assert team["parse_mode"] == anna["parse_mode"] == "HTML"


async def test_several_changes_for_one_chat_go_out_as_one_message(running: Running):
    first = running.metrica.add_uploading(SHOP, status="MATCHED")
    second = running.metrica.add_uploading(SHOP, status="UPLOADED")
    await running.watch(chats=[TEAM])
    await running.baseline()

    with running.metrica.lock:
        running.metrica.set_status(SHOP, first["id"], "PROCESSED")
        running.metrica.set_status(SHOP, second["id"], "LINKAGE_FAILURE")
    message = await running.message(TEAM.id, "LINKAGE_FAILURE")

    assert f"#{first['id']}" in message["text"]
    assert f"#{second['id']}" in message["text"]
    assert len(running.telegram.sent(TEAM.id)) == 1


async def test_a_chat_that_blocked_the_bot_does_not_delay_the_other_and_becomes_inactive(
    running: Running,
):
    uploading = running.metrica.add_uploading(SHOP, status="MATCHED")
    await running.watch()
    await running.baseline()
    running.telegram.block(TEAM.id)

    running.metrica.set_status(SHOP, uploading["id"], "PROCESSED")
    await running.message(ANNA, "PROCESSED")
    await running.all_delivered()

    assert running.telegram.sent(TEAM.id) == []
    async with running.services.sessions.begin() as session:
        chat = await ChatRepository(session).get(TEAM.id)
        assert chat is not None
        assert not chat.is_active
        assert await SubscriptionRepository(session).of_chat(TEAM.id) == [SHOP]  # kept
    [dropped] = await outbox_rows(running.services.sessions, TEAM.id)
    assert dropped.dropped


async def test_a_group_that_became_a_supergroup_gets_the_message_at_its_new_id(
    running: Running,
):
    uploading = running.metrica.add_uploading(SHOP, status="MATCHED")
    await running.watch(chats=[TEAM])
    await running.baseline()
    running.telegram.migrate(TEAM.id, -100777)

    running.metrica.set_status(SHOP, uploading["id"], "PROCESSED")
    await running.message(-100777, "PROCESSED")

    async with running.services.sessions.begin() as session:
        assert await SubscriptionRepository(session).of_chat(-100777) == [SHOP]


async def test_a_429_holds_that_chat_for_retry_after_without_stalling_the_other(
    running: Running,
):
    await running.watch()
    running.telegram.fail_next(
        "sendMessage", status=429, description="Too Many Requests: retry after 2", retry_after=2
    )
    started = time.monotonic()
    async with running.services.sessions.begin() as session:
        outbox = OutboxRepository(session)
        now = running.monitor.poller._now()
        for chat_id in (TEAM.id, ANNA):
            await outbox.enqueue(chat_id, f"hello {chat_id}", now=now)
    running.monitor.send_pump.wake()

    refused = (await running.telegram.wait_for_request_async("sendMessage"))["chat_id"]
    other = ANNA if refused == TEAM.id else TEAM.id
    await running.message(other, "hello")
    other_after = time.monotonic() - started
    await running.message(refused, "hello")
    refused_after = time.monotonic() - started

    assert other_after < 1.5
    assert refused_after >= 2.0
    assert len(running.telegram.sent(refused)) == 1


async def test_html_that_telegram_refuses_is_sent_again_as_plain_text(running: Running):
    await running.watch(chats=[TEAM])
    async with running.services.sessions.begin() as session:
        await OutboxRepository(session).enqueue(
            TEAM.id, "<b>broken &amp; <i>nested</b>", now=running.monitor.poller._now()
        )
    running.monitor.send_pump.wake()

    message = await running.message(TEAM.id, "broken & nested")

    assert message["parse_mode"] is None


async def test_telegram_5xx_is_retried_with_backoff_and_delivered_once(running: Running):
    await running.watch(chats=[TEAM])
    running.telegram.fail_next("sendMessage", status=502, description="Bad Gateway")
    async with running.services.sessions.begin() as session:
        await OutboxRepository(session).enqueue(
            TEAM.id, "after a hiccup", now=running.monitor.poller._now()
        )
    running.monitor.send_pump.wake()

    await running.message(TEAM.id, "after a hiccup")
    await running.all_delivered()

    assert len(running.telegram.calls("sendMessage")) == 2
    assert len(running.telegram.sent(TEAM.id)) == 1


async def test_metrica_errors_send_nothing_false_and_the_change_still_arrives(running: Running):
    uploading = running.metrica.add_uploading(SHOP, status="MATCHED")
    await running.watch(chats=[TEAM])
    await running.baseline()

    # Each kind of failure alone is in test_monitor_poller; here two in a row, end to end.
    running.metrica.fail_next("/calls_uploadings", status=200, delay=1.5)  # client times out
    running.metrica.fail_next("/calls_uploadings", status=500, body=b"<html>oops</html>")
    with running.metrica.lock:
        running.metrica.set_status(SHOP, uploading["id"], "PROCESSED")
    message = await running.message(TEAM.id, "PROCESSED")
    await running.all_delivered()

    assert "MATCHED" in message["text"]
    assert len(running.telegram.sent(TEAM.id)) == 1


def long_notice(lines: int) -> str:
    """Valid HTML far longer than one message, each line numbered (UTF-16: emoji count 2)."""
    return "\n".join(f"<b>{n:03d}</b> " + "🛒" * 30 + " &amp; more" for n in range(lines))


def numbers_sent(telegram: FakeTelegram, chat_id: int) -> list[int]:
    """The line numbers of every message sent to the chat, in order."""
    return [int(line[:3]) for m in telegram.sent(chat_id) for line in m["text"].split("\n")]


async def test_a_message_too_long_is_sent_in_parts_in_order_never_dropped(running: Running):
    await running.watch(chats=[PRIVATE])
    text = long_notice(200)  # about 16,000 UTF-16 units: four messages or more
    assert not fits(text)
    async with running.services.sessions.begin() as session:
        await OutboxRepository(session).enqueue(ANNA, text, now=running.monitor.poller._now())
    running.monitor.send_pump.wake()

    await running.all_delivered()

    assert numbers_sent(running.telegram, ANNA) == list(range(200))
    assert len(running.telegram.sent(ANNA)) >= 4
    assert all(fits(m["raw_text"]) for m in running.telegram.sent(ANNA))
    [row] = await outbox_rows(running.services.sessions, ANNA)
    assert row.sent_at is not None
    assert not row.dropped


async def test_when_telegram_says_too_long_the_message_is_split_not_dropped(running: Running):
    await running.watch(chats=[PRIVATE])
    running.telegram.fail_next(
        "sendMessage", status=400, description="Bad Request: message is too long"
    )
    async with running.services.sessions.begin() as session:
        await OutboxRepository(session).enqueue(
            ANNA, long_notice(40), now=running.monitor.poller._now()
        )
    running.monitor.send_pump.wake()

    await running.all_delivered()

    assert numbers_sent(running.telegram, ANNA) == list(range(40))
    assert len(running.telegram.sent(ANNA)) == 2
