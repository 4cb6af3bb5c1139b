"""/upload's service and the follow, over SQLite and PostgreSQL, against the fake Metrica:
the file checked, sent with the sender's own token, then each status told once until final."""

from __future__ import annotations

from collections.abc import AsyncIterator, Iterator
from pathlib import Path

import pytest
from sqlalchemy import text

from bot.domain import Hears
from bot.errors import CallsFileRejected, NotLinked, NoToken, UploadNotAllowed
from bot.metrica import token_fingerprint
from bot.services.upload import CallsUpload, upload_calls
from bot.storage.credentials import CredentialRepository
from bot.storage.subscriptions import SubscriptionRepository
from fakes.metrica import FakeMetrica
from tests.integration.test_monitor_poller import World, build_world
from tests.monitor_harness import close_services
from tests.monitor_seed import ChatSpec, seed_watch

TOKEN = "y0_token_of_anna"
BORIS_TOKEN = "y0_token_of_boris"
ANNA, BORIS = 501, 502
TEAM = ChatSpec(-100, "group", "en")
SALES = ChatSpec(-200, "supergroup", "en")
SHOP = 11
CSV = b"UserId,DateTime,Price\n1,1700000000,5\n2,1700000060,\n3,1700000120,7.5\n"


@pytest.fixture
def metrica() -> Iterator[FakeMetrica]:
    with FakeMetrica() as fake:
        fake.add_token(TOKEN, [SHOP], login="anna")
        fake.add_token(BORIS_TOKEN, [SHOP], login="boris", scopes=["metrika:read"])
        fake.add_counter(SHOP, name="Shop")
        yield fake


@pytest.fixture
async def world(database_url: str, tmp_path: Path, metrica: FakeMetrica) -> AsyncIterator[World]:
    built = await build_world(database_url, tmp_path, metrica)
    await seed_watch(
        built.services.sessions,
        built.services.cipher,
        token=TOKEN,
        owner=ANNA,
        counters=[(SHOP, "Shop")],
        chats=[TEAM, SALES],
        login="anna",
        subscribe=False,
    )
    yield built
    await close_services(built.services)


def fetch(content: bytes):
    async def download() -> bytes:
        return content

    return download


def request(chat: ChatSpec = TEAM, user: int = ANNA, comment: str = "May calls") -> CallsUpload:
    return CallsUpload(chat.id, user, SHOP, "calls.csv", comment)


async def follows(world: World) -> list[tuple[int, int, str]]:
    async with world.services.engine.connect() as connection:
        rows = await connection.execute(
            text("select chat_id, uploading_id, status from follows order by chat_id")
        )
        return [(chat_id, uploading_id, status) for chat_id, uploading_id, status in rows]


async def test_an_upload_sends_the_checked_file_once_and_answers_the_new_uploading(world: World):
    view = await upload_calls(world.services, request(), fetch(CSV))
    [upload] = world.metrica.uploads()
    assert upload.token == TOKEN
    assert upload.comment == "May calls"
    assert [row["UserId"] for row in upload.rows] == ["1", "2", "3"]
    assert (view.uploading.status, view.rows, view.following) == ("UPLOADED", 3, True)
    assert view.counter.name == "Shop"
    assert await follows(world) == [(TEAM.id, view.uploading.id, "UPLOADED")]


async def test_a_followed_uploading_is_told_at_each_change_until_final_without_a_subscription(
    world: World,
):
    view = await upload_calls(world.services, request(), fetch(CSV))
    assert await world.due_pass() == [SHOP]  # followed: polled though nobody is subscribed
    assert await world.texts(TEAM.id) == []  # still UPLOADED, as the answer said

    world.metrica.set_status(SHOP, view.uploading.id, "MATCHED")
    await world.due_pass(60)
    world.metrica.set_status(SHOP, view.uploading.id, "PROCESSED")
    await world.due_pass(60)
    await world.due_pass(60)

    matched, processed = await world.texts(TEAM.id)
    assert "MATCHED" in matched
    assert "PROCESSED" in processed
    assert await world.texts(SALES.id) == []
    assert await follows(world) == []
    assert await world.due_pass(3600) == []  # nobody listens any more: not polled


async def test_a_subscribed_chat_hears_each_change_once_whatever_its_filter(world: World):
    async with world.services.sessions.begin() as session:
        subscriptions = SubscriptionRepository(session)
        await subscriptions.subscribe(SALES.id, SHOP, hears=Hears.FINAL)
    await world.due_pass()  # the subscription's baseline
    view = await upload_calls(world.services, request(SALES), fetch(CSV))
    await world.due_pass(60)  # the subscription hears nothing of UPLOADED (final only)

    world.metrica.set_status(SHOP, view.uploading.id, "MATCHED")
    await world.due_pass(60)  # the filter keeps it back: the follow tells it
    world.metrica.set_status(SHOP, view.uploading.id, "PROCESSED")
    await world.due_pass(60)  # the subscription tells it: the follow does not
    await world.due_pass(60)

    texts = await world.texts(SALES.id)
    assert ["PROCESSED" in message for message in texts] == [False, True]
    assert "MATCHED" in texts[0]
    assert await follows(world) == []


async def test_a_token_that_may_only_read_is_told_what_scope_it_needs(world: World):
    async with world.services.sessions.begin() as session:
        await CredentialRepository(session, world.services.cipher).save(
            BORIS, BORIS_TOKEN, token_fingerprint(BORIS_TOKEN), "boris"
        )
    with pytest.raises(UploadNotAllowed):
        await upload_calls(world.services, request(user=BORIS), fetch(CSV))
    [refused] = world.metrica.uploads()
    assert (refused.token, refused.status) == (BORIS_TOKEN, 403)
    assert await follows(world) == []
    view = await upload_calls(world.services, request(user=ANNA), fetch(CSV))  # links untouched
    assert view.uploading.id


async def test_a_sender_without_a_token_is_refused_before_metrica_is_asked(world: World):
    with pytest.raises(NoToken):
        await upload_calls(world.services, request(user=BORIS), fetch(CSV))
    assert world.metrica.uploads() == []


async def test_a_bad_file_never_reaches_metrica(world: World):
    with pytest.raises(CallsFileRejected) as caught:
        await upload_calls(world.services, request(), fetch(b"UserId,DateTime\n1,tomorrow\n"))
    assert [(p.reason, p.line) for p in caught.value.problems] == [("not_unix_time", 2)]
    assert world.metrica.uploads() == []


async def test_a_counter_not_linked_in_the_chat_is_refused(world: World):
    with pytest.raises(NotLinked):
        await upload_calls(world.services, CallsUpload(-999, ANNA, SHOP, "c.csv"), fetch(CSV))
    assert world.metrica.uploads() == []
