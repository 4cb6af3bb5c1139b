"""What a process remembers to answer quickly: chats' languages, rendered pages, sorted lists."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.domain import Uploading
from bot.services.budget import FetchedList, ListCache
from bot.services.chats import ChatRef, KnownChats
from bot.services.pages import RenderedPages, page_key
from bot.texts import Html
from bot.views import CounterView, ListNote, Page, UploadingsView

T0 = datetime(2026, 11, 30, 12, 0, tzinfo=UTC)
TEAM = ChatRef(-100, "supergroup", "Team")


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def test_a_chat_read_up_to_date_is_remembered_with_its_language():
    known = KnownChats(clock=Clock())
    known.remember(TEAM, "ru", known.mark())
    assert known.language(TEAM) == "ru"
    assert known.language(ChatRef(-200, "supergroup", "Team")) is None  # another chat


def test_a_renamed_chat_is_read_again_so_its_new_title_is_stored():
    known = KnownChats(clock=Clock())
    known.remember(TEAM, "ru", known.mark())
    assert known.language(ChatRef(TEAM.id, "supergroup", "Team (new)")) is None
    assert known.language(TEAM) is None  # forgotten, not kept for the old title


def test_a_chat_is_remembered_only_for_a_while_so_other_processes_changes_are_seen():
    clock = Clock()
    known = KnownChats(seconds=30, clock=clock)
    known.remember(TEAM, "en", known.mark())
    clock.now += 29
    assert known.language(TEAM) == "en"
    clock.now += 1
    assert known.language(TEAM) is None


def test_a_change_made_in_this_process_is_seen_at_once():
    known = KnownChats(clock=Clock())
    known.remember(TEAM, "en", known.mark())
    known.forget(TEAM.id)
    assert known.language(TEAM) is None


def test_a_read_that_began_before_a_change_is_not_remembered():
    known = KnownChats(clock=Clock())
    mark = known.mark()  # a command starts reading the chat's row (the old language) ...
    known.forget(TEAM.id)  # ... /lang commits the new one meanwhile
    known.remember(TEAM, "en", mark)
    assert known.language(TEAM) is None
    known.remember(TEAM, "ru", known.mark())
    assert known.language(TEAM) == "ru"


def test_remembered_chats_are_bounded_the_least_recently_used_going_first():
    known = KnownChats(size=100, clock=Clock())
    for n in range(1000):
        known.remember(ChatRef(n, "private", None), "en", known.mark())
        assert known.language(ChatRef(0, "private", None)) == "en"  # used: stays
    assert len(known) == 100
    assert known.language(ChatRef(1, "private", None)) is None
    assert known.language(ChatRef(999, "private", None)) == "en"


def view(**changes: object) -> UploadingsView:
    values: dict[str, object] = {
        "counter": CounterView(101, "Shop", "shop.example"),
        "page": Page((Uploading(1, "PROCESSED", T0),), 0, 1, 1),
        "as_of": T0,
        "note": None,
        "digest": "d1",
    }
    return UploadingsView(**(values | changes))  # type: ignore[arg-type]


NAMES = {"help_cmd": Html("/help")}


def test_a_page_renders_once_for_everything_it_depends_on():
    pages = RenderedPages()
    rendered: list[str] = []

    def render(text: str):
        def make() -> Html:
            rendered.append(text)
            return Html(text)

        return make

    key = page_key("en", view(), NAMES, T0)
    assert pages.text(key, render("a")) == "a"
    assert pages.text(page_key("en", view(), NAMES, T0 + timedelta(hours=1)), render("b")) == "a"
    others = [
        page_key("ru", view(), NAMES, T0),
        page_key("en", view(), {"help_cmd": Html("/help@bot")}, T0),  # a group's names
        page_key("en", view(counter=CounterView(101, "Shop 2", "shop.example")), NAMES, T0),
        page_key("en", view(digest="d2"), NAMES, T0),
        page_key("en", view(page=Page((), 1, 2, 11)), NAMES, T0),
        page_key("en", view(as_of=T0 + timedelta(minutes=1)), NAMES, T0),
        page_key("en", view(note=ListNote("rate", seconds=5, limit=10)), NAMES, T0),
        page_key("en", view(), NAMES, T0 + timedelta(days=1)),  # 'as of' shows the date now
    ]
    for n, other in enumerate(others):
        assert pages.text(other, render(str(n))) == str(n)
    assert rendered == ["a", *map(str, range(len(others)))]


def test_a_page_of_a_list_without_a_digest_is_never_remembered():
    pages = RenderedPages()
    assert page_key("en", view(digest=None), NAMES, T0) is None
    assert pages.text(None, lambda: Html("a")) == "a"
    assert pages.text(None, lambda: Html("b")) == "b"
    assert len(pages) == 0


def test_rendered_pages_are_bounded():
    pages = RenderedPages(size=10)
    for n in range(100):
        pages.text(page_key("en", view(digest=str(n)), NAMES, T0), lambda: Html("x"))
    assert len(pages) == 10


def test_a_cached_list_is_sorted_newest_first_once_per_digest():
    cache = ListCache()
    old, new = Uploading(1, "PROCESSED", T0), Uploading(2, "PROCESSED", T0 + timedelta(hours=1))
    found = FetchedList([old, new], "d1", T0)
    cache.put(101, found)
    first = cache.newest(101, found)
    assert first == [new, old]
    assert cache.newest(101, FetchedList([old, new], "d1", T0 + timedelta(minutes=5))) is first
    changed = FetchedList([old], "d2", T0)
    assert cache.newest(101, changed) == [old]  # not the cached list: sorted, not remembered
    cache.put(101, changed)
    assert cache.newest(101, changed) == [old]
