"""Property tests: command arguments, button data, Metrica payloads and rendering, whatever
they hold. Parsing answers a value or its own clear error, never another exception; every
rendered text is HTML Telegram accepts, within its limit. Deterministic (see tests/conftest.py).
"""

from __future__ import annotations

from dataclasses import astuple
from datetime import UTC, datetime
from typing import Any

from hypothesis import given
from hypothesis import strategies as st

from bot.domain import Change, ChangeKind, PauseReason, Uploading
from bot.errors import (
    AnonymousSender,
    CounterNotFound,
    MetricaBusy,
    MetricaRefused,
    NotLinked,
    QuotaUsedUp,
    TargetProblem,
    UploadingNotFound,
)
from bot.metrica.errors import Unavailable
from bot.metrica.parsing import MAX_ID, STATUS_LENGTH, parse_counters_page, parse_uploadings
from bot.telegram.callback_data import CALLBACK_LIMIT, decode, encode
from bot.telegram.parsing import (
    ArgumentError,
    is_token_delete,
    looks_like_token,
    parse_chart_args,
    parse_counter_args,
    parse_uploading_args,
)
from bot.texts import Html, t
from bot.texts.failures import failure_text
from bot.texts.markup import escape, fits, split_message
from bot.texts.notifications import (
    render_changes,
    render_counter_paused,
    render_quota,
    render_token_chat,
    render_token_deleted,
)
from bot.texts.render import render_counters, render_uploading, render_uploadings
from bot.views import CounterView, UploadingsView, UploadingView, paginate
from fakes.telegram_html import parse_html

LANGS = st.sampled_from(["ru", "en"])
# Any text a user or Metrica could send (no lone surrogates: JSON and Telegram have none).
TEXT = st.text(st.characters(exclude_categories=("Cs",)), max_size=300)
WORD = st.text(st.characters(exclude_categories=("Cs", "Z", "Cc")), min_size=1, max_size=40)
ODD_NUMBERS = st.one_of(
    st.integers(),
    st.integers(min_value=2**62, max_value=2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    st.from_regex(r"-?\d{1,25}", fullmatch=True),
)
JSON = st.recursive(
    st.none() | st.booleans() | ODD_NUMBERS | TEXT,
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(TEXT, inner, max_size=4),
    max_leaves=12,
)
TIMES = st.one_of(
    st.datetimes(timezones=st.timezones()).map(datetime.isoformat),
    st.sampled_from(["0001-01-01T00:00:00+05:00", "9999-12-31T23:59:59-05:00", "2026-13-45"]),
    JSON,
)
UPLOADING = st.fixed_dictionaries(
    {"id": ODD_NUMBERS | JSON, "status": TEXT | JSON | st.sampled_from(["PROCESSED", "MATCHED"])},
    optional={
        "create_time": TIMES,
        "source_quantity": ODD_NUMBERS | JSON,
        "line_quantity": ODD_NUMBERS | JSON,
        "comment": TEXT | JSON,
        "client_id_type": TEXT | JSON,
        "static_calls_quantity": ODD_NUMBERS,
        "dynamic_calls_quantity": ODD_NUMBERS,
    },
)
NAMES = {f"{name}_cmd": Html(f"/{name}") for name in ("link", "subscribe", "token", "uploading")}
NAMES |= {f"{n}_cmd": Html(f"/{n}") for n in ("uploadings", "counters", "unlink", "lang")}
NAMES |= {"unsubscribe_cmd": Html("/unsubscribe"), "private_link": Html("https://t.me/bot")}


def assert_telegram_accepts(*texts: str) -> None:
    for text in texts:
        assert fits(text), len(text)
        visible, _ = parse_html(text)  # raises as Telegram's "can't parse entities" would
        assert visible.strip()


@given(st.lists(WORD | st.sampled_from(["101", "-100123", "@team_news", "delete"]), max_size=4))
def test_command_arguments_parse_or_give_the_usage(args: list[str]) -> None:
    for parse in (parse_counter_args, parse_uploading_args, parse_chart_args):
        try:
            parsed = parse(args)
        except ArgumentError:
            continue
        numbers = [value for value in astuple(parsed) if isinstance(value, int)]
        assert all(-MAX_ID <= number <= MAX_ID for number in numbers)
    assert isinstance(looks_like_token(" ".join(args)), bool)
    assert isinstance(is_token_delete(args), bool)


@given(TEXT | st.from_regex(r"[a-z]{2,3}(:\d{1,21}){0,3}", fullmatch=True))
def test_any_button_data_decodes_to_one_of_ours_or_none(data: str) -> None:
    button = decode(data)
    if button is not None:
        again = encode(button)
        assert len(again.encode()) <= CALLBACK_LIMIT
        assert decode(again) == button


@given(st.one_of(JSON, st.fixed_dictionaries({"uploadings": st.lists(UPLOADING, max_size=5)})))
def test_any_uploadings_payload_parses_to_storable_values_or_is_unavailable(body: Any) -> None:
    try:
        uploadings = parse_uploadings(body)
    except Unavailable:
        return
    for item in uploadings:
        assert 0 <= item.id <= MAX_ID
        assert 0 < len(item.status) <= STATUS_LENGTH
        assert "\x00" not in item.status + item.comment
        assert item.create_time is None or item.create_time.tzinfo is not None
        quantities = (item.source_quantity, item.line_quantity, item.static_calls_quantity)
        assert all(q is None or 0 <= q <= MAX_ID for q in quantities)


@given(JSON | st.fixed_dictionaries({"counters": st.lists(JSON, max_size=3), "rows": JSON}))
def test_any_counters_payload_parses_or_is_unavailable(body: Any) -> None:
    try:
        _, counters = parse_counters_page(body)
    except Unavailable:
        return
    assert all(len(c.name) <= 255 and len(c.site) <= 255 for c in counters)


def uploading_from(item: dict[str, Any]) -> Uploading | None:
    try:
        [parsed] = parse_uploadings({"uploadings": [item]})
    except Unavailable:
        return None
    return parsed


COUNTER = st.builds(
    CounterView, st.integers(1, MAX_ID), TEXT.map(lambda s: s[:255]), TEXT.map(lambda s: s[:255])
)


@given(LANGS, COUNTER, st.lists(UPLOADING, min_size=1, max_size=12), st.integers(0, 3))
def test_uploadings_render_as_html_telegram_accepts(lang, counter, items, page) -> None:
    uploadings = [u for u in map(uploading_from, items) if u is not None]
    view = UploadingsView(counter, paginate(uploadings, page))
    assert_telegram_accepts(render_uploadings(lang, view, NAMES))
    for uploading in uploadings:
        assert_telegram_accepts(render_uploading(lang, UploadingView(counter, uploading)))


@given(LANGS, TEXT, st.lists(st.tuples(UPLOADING, st.sampled_from(ChangeKind)), max_size=30))
def test_notifications_render_as_html_telegram_accepts(lang, name, items) -> None:
    changes = [
        Change(kind, parsed, old_status="UPLOADED")
        for item, kind in items
        if (parsed := uploading_from(item)) is not None
    ]
    if changes:
        assert_telegram_accepts(*render_changes(lang, 1, name[:255], changes))


@given(LANGS, st.lists(st.tuples(st.integers(1, MAX_ID), TEXT), min_size=1, max_size=200), TEXT)
def test_notices_about_counters_render_as_html_telegram_accepts(lang, counters, user) -> None:
    counters = [(counter_id, name[:255]) for counter_id, name in counters]
    resets = datetime(2026, 11, 21, tzinfo=UTC)
    assert_telegram_accepts(
        *render_token_chat(lang, counters),
        *render_quota(lang, counters, resets),
        *render_token_deleted(lang, user[:128], [counter_id for counter_id, _ in counters]),
        *(render_counter_paused(lang, cid, name, PauseReason.GONE) for cid, name in counters),
    )


@given(LANGS, st.lists(COUNTER, max_size=60), TEXT)
def test_counter_lists_render_as_html_telegram_accepts(lang, counters, title) -> None:
    for text in split_message(render_counters(lang, counters, NAMES, title[:128] or None)):
        assert_telegram_accepts(text)


@given(LANGS, st.integers(1, MAX_ID), st.integers(0, 10**9), TEXT, WORD)
def test_failures_are_one_sentence_telegram_accepts(lang, number, minutes, reason, chat) -> None:
    errors = [
        CounterNotFound(number),
        NotLinked(number),
        UploadingNotFound(number, number),
        MetricaBusy(minutes),
        MetricaRefused(reason),
        QuotaUsedUp(None),
        AnonymousSender(chat),
        TargetProblem("not_found", chat),
        TargetProblem("bot_not_admin", chat),
    ]
    for error in errors:
        text = failure_text(lang, error, NAMES, t(lang, "where_here"))
        assert_telegram_accepts(text)
        assert text != t(lang, "error_internal")


@given(st.lists(st.tuples(TEXT, st.booleans()), min_size=1, max_size=80))
def test_any_long_html_splits_into_parts_telegram_accepts(lines) -> None:
    text = "\n".join(f"<b>{escape(s)}</b> x" if bold else f"{escape(s)} x" for s, bold in lines)
    for part in split_message(text * 3):
        assert_telegram_accepts(part)
