"""Notifications per subscription over a real database and the fake Bot API: filters, forum
topics (and topics that are gone), silence, Details buttons, account-level notices."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from datetime import UTC, datetime, timedelta

import pytest
from telegram import Bot

from bot import access
from bot.crypto import TokenCipher
from bot.domain import Change, ChangeKind, PauseReason, Uploading
from bot.monitor.notify import queue_changes
from bot.monitor.pausing import pause_counter, pause_for_quota
from bot.monitor.sender import Sender
from bot.storage.credentials import CredentialRepository
from bot.storage.db import SessionFactory
from bot.storage.models import Credential
from bot.storage.outbox import OutboxRepository
from bot.storage.polling import PollingRepository
from bot.storage.quota import RequestCountRepository
from bot.storage.subscriptions import SubscriptionRepository
from fakes.telegram import FakeTelegram
from tests.monitor_harness import BOT_TOKEN, FakeClock
from tests.monitor_seed import ChatSpec, outbox_rows, seed_watch

FORUM = ChatSpec(-1003100, "supergroup", "en")
ALL, FINAL, FAILURES = (ChatSpec(-1003200 - n, "supergroup", "en") for n in range(3))
CALLS = 7
SHOP = 11
START = datetime(2026, 11, 20, 12, 0, tzinfo=UTC)


def change(uploading_id: int, status: str, old: str = "MATCHED", **fields: object) -> Change:
    uploading = Uploading(uploading_id, status, **fields)  # type: ignore[arg-type]
    return Change(ChangeKind.STATUS, uploading, old_status=old)


@pytest.fixture
def telegram() -> Iterator[FakeTelegram]:
    with FakeTelegram(BOT_TOKEN) as fake:
        fake.add_forum(FORUM.id, "Team")
        fake.create_topic(FORUM.id, "Calls", thread_id=CALLS)
        for spec in (ALL, FINAL, FAILURES):
            fake.add_group(spec.id, f"chat {spec.id}")
        yield fake


@pytest.fixture
async def bot(telegram: FakeTelegram) -> AsyncIterator[Bot]:
    async with Bot(BOT_TOKEN, base_url=f"{telegram.url}/bot") as started:
        yield started


async def subscribe(
    sessions: SessionFactory, cipher: TokenCipher, chats: list[ChatSpec], **settings: object
) -> int:
    """The chats subscribed to SHOP with these settings; the credential that polls it."""
    credential_id = await seed_watch(
        sessions, cipher, token="t", owner=1, counters=[(SHOP, "Shop")], chats=chats
    )
    async with sessions.begin() as session:
        for chat in chats:
            await SubscriptionRepository(session).change(chat.id, SHOP, **settings)
    return credential_id


async def queue(sessions: SessionFactory, changes: list[Change]) -> int:
    async with sessions.begin() as session:
        return await queue_changes(session, SHOP, "Shop", changes, START)


async def send_all(sessions: SessionFactory, bot: Bot) -> None:
    """Send every due message, the clock moving past each chat's pace."""
    clock = FakeClock(START)
    sender = Sender(sessions, bot, owner="test", lease=timedelta(seconds=60), now=clock)
    for _ in range(20):
        deliveries = await sender.claim(10)
        if not deliveries:
            rows = await outbox_rows(sessions)
            if all(row.sent_at or row.dropped for row in rows):
                return
        for delivery in deliveries:
            await sender.deliver(delivery)
        clock.advance(5)
    raise AssertionError("the outbox did not empty")


async def test_each_filter_hears_its_changes_and_silent_ones_go_without_sound(
    sessions: SessionFactory, cipher: TokenCipher, bot: Bot, telegram: FakeTelegram
):
    await subscribe(sessions, cipher, [ALL], silent=True)
    await subscribe(sessions, cipher, [FINAL], hears="final")
    await subscribe(sessions, cipher, [FAILURES], hears="failures")

    await queue(
        sessions,
        [
            change(1, "UPLOADED", old="PREPARED"),
            change(2, "PROCESSED", source_quantity=10, line_quantity=10),
            change(3, "LINKAGE_FAILURE"),
            change(4, "PROCESSED", source_quantity=10, line_quantity=0),
            Change(ChangeKind.STUCK, Uploading(5, "MATCHED"), old_status="MATCHED"),
        ],
    )
    await send_all(sessions, bot)

    def mentioned(chat: ChatSpec) -> list[int]:
        [message] = telegram.sent(chat.id)
        return [
            n for n in range(1, 6) if f"#{n}:" in message["text"] or f"#{n} " in message["text"]
        ]

    assert mentioned(ALL) == [1, 2, 3, 4, 5]
    assert mentioned(FINAL) == [2, 3, 4, 5]
    assert mentioned(FAILURES) == [3, 4, 5]
    assert telegram.sent(ALL.id)[0]["disable_notification"] is True
    assert telegram.sent(FINAL.id)[0]["disable_notification"] is False


async def test_a_notice_about_one_uploading_has_details_and_one_about_several_a_button_each(
    sessions: SessionFactory, cipher: TokenCipher, bot: Bot, telegram: FakeTelegram
):
    await subscribe(sessions, cipher, [ALL])
    await queue(sessions, [change(1, "PROCESSED")])
    await send_all(sessions, bot)
    await queue(sessions, [change(n, "MATCHED", old="EXPORTED") for n in range(10, 19)])
    await send_all(sessions, bot)

    one, several = telegram.sent(ALL.id)
    details = one["reply_markup"]["inline_keyboard"]
    assert details == [[{"text": "🔎 Details #1", "callback_data": f"dt:{SHOP}:1"}]]
    assert "metrika.yandex.ru/dashboard?id=11" in one["raw_text"]
    labels = [b["text"] for row in several["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == [f"🔎 #{n}" for n in range(10, 16)]
    assert "metrika.yandex.ru" not in several["raw_text"]


async def test_notices_waiting_together_go_as_one_message_with_each_ones_buttons(
    sessions: SessionFactory, cipher: TokenCipher, bot: Bot, telegram: FakeTelegram
):
    await subscribe(sessions, cipher, [ALL])
    await queue(sessions, [change(1, "PROCESSED")])
    await queue(sessions, [change(2, "MATCHED"), change(3, "MATCHED")])
    await send_all(sessions, bot)

    [message] = telegram.sent(ALL.id)
    labels = [b["text"] for row in message["reply_markup"]["inline_keyboard"] for b in row]
    assert labels == ["🔎 Details #1", "🔎 #2", "🔎 #3"]


async def test_a_subscription_in_a_topic_is_told_there(
    sessions: SessionFactory, cipher: TokenCipher, bot: Bot, telegram: FakeTelegram
):
    await subscribe(sessions, cipher, [FORUM], thread_id=CALLS, topic_name="Calls")
    await queue(sessions, [change(1, "PROCESSED")])
    await send_all(sessions, bot)

    [message] = telegram.sent(FORUM.id)
    assert message["message_thread_id"] == CALLS
    assert "#1" in message["text"]


@pytest.mark.parametrize("gone", ["deleted", "closed"])
async def test_a_gone_topic_sends_to_general_with_a_notice_and_moves_the_subscription(
    sessions: SessionFactory, cipher: TokenCipher, bot: Bot, telegram: FakeTelegram, gone: str
):
    await subscribe(sessions, cipher, [FORUM], thread_id=CALLS, topic_name="Calls")
    if gone == "deleted":
        telegram.delete_topic(FORUM.id, CALLS)
    else:
        telegram.close_topic(FORUM.id, CALLS)
        telegram.set_bot_can_manage_topics(FORUM.id, False)
    await queue(sessions, [change(1, "PROCESSED")])
    async with sessions.begin() as session:  # pending for the topic, not packable with the first
        await OutboxRepository(session).enqueue(
            FORUM.id, "silent 2", now=START, thread_id=CALLS, silent=True
        )
    await send_all(sessions, bot)
    await queue(sessions, [change(3, "LINKAGE_FAILURE")])
    await send_all(sessions, bot)

    first, second, third = telegram.sent(FORUM.id)
    assert first["message_thread_id"] is None
    assert "I can no longer write to the topic “Calls”" in first["text"]
    assert "#1" in first["text"]
    assert first["reply_markup"]["inline_keyboard"][0][0]["callback_data"] == f"dt:{SHOP}:1"
    assert (second["message_thread_id"], second["text"]) == (None, "silent 2")
    assert second["disable_notification"] is True
    assert third["message_thread_id"] is None
    assert "#3" in third["text"]
    assert "no longer write" not in third["text"]
    async with sessions.begin() as session:
        [subscriber] = await SubscriptionRepository(session).subscribers(SHOP)
    assert subscriber.thread_id is None
    assert all(row.sent_at for row in await outbox_rows(sessions))


@pytest.mark.parametrize("notice", ["counter gone", "quota"])
async def test_account_notices_reach_every_subscription_in_its_topic_whatever_it_hears(
    sessions: SessionFactory, cipher: TokenCipher, bot: Bot, telegram: FakeTelegram, notice: str
):
    credential_id = await subscribe(
        sessions, cipher, [FORUM], thread_id=CALLS, hears="failures", silent=True
    )
    async with sessions.begin() as session:
        if notice == "quota":  # the only login that can poll it spent its share
            credential = await CredentialRepository(session).get(credential_id)
            assert credential is not None
            await RequestCountRepository(session).add(
                credential.quota_key, START.date(), "monitor", 10
            )
            _, told = await pause_for_quota(
                session,
                "p",
                day=START.date(),
                allowance=10,
                until=START + timedelta(hours=12),
                now=START,
            )
        else:
            [job] = await PollingRepository(session).claim(
                "p", now=START, lease_seconds=60, limit=1, day=START.date()
            )
            told = await pause_counter(
                session,
                job.counter_id,
                "Shop",
                PauseReason.GONE,
                owner="p",
                generation=job.generation,
                now=START,
            )
    assert told == 1
    await send_all(sessions, bot)

    [message] = telegram.sent(FORUM.id)
    assert message["message_thread_id"] == CALLS
    assert message["disable_notification"] is True
    assert ("quota" if notice == "quota" else "no longer exists") in message["text"]


LINK_NOTICES = {
    "revoked": "stopped working",
    "unreadable": "can't read",
    "access": "lost access",
    "deleted": "deleted",
}


@pytest.mark.parametrize("notice", list(LINK_NOTICES))
async def test_notices_about_links_reach_each_subscription_in_its_topic(
    sessions: SessionFactory, cipher: TokenCipher, bot: Bot, telegram: FakeTelegram, notice: str
):
    credential_id = await subscribe(
        sessions, cipher, [FORUM], thread_id=CALLS, hears="failures", silent=True
    )
    async with sessions.begin() as session:
        if notice == "revoked":
            told = await access.revoke(session, credential_id, START)
        elif notice == "unreadable":
            told = await access.unreadable(session, credential_id, START)
        elif notice == "access":
            told = await access.lose_access(session, credential_id, SHOP, START)
        else:
            credential = await session.get(Credential, credential_id)
            assert credential is not None
            told = await access.forget(session, credential, "Anna", START)
    assert told == (1 if notice == "deleted" else 2)  # the chat, and the owner in private
    await send_all(sessions, bot)

    [message] = telegram.sent(FORUM.id)
    assert message["message_thread_id"] == CALLS
    assert message["disable_notification"] is True
    assert LINK_NOTICES[notice] in message["text"]
