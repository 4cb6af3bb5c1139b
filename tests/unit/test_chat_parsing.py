"""Parsing of command arguments and of inline-button callback data."""

from __future__ import annotations

import pytest

from bot.domain import Hears
from bot.payloads import details_payload
from bot.telegram.callback_data import (
    ChartCounter,
    Details,
    ExportCounter,
    LinkCounter,
    Noop,
    Subscribe,
    SubscribeWith,
    SubscriptionHears,
    SubscriptionSilence,
    TokenCountersPage,
    Unsubscribe,
    UploadingDetail,
    UploadingsPage,
    decode,
    encode,
)
from bot.telegram.parsing import (
    MAX_ID,
    ArgumentError,
    CounterArgs,
    SubscribeArgs,
    UploadingArgs,
    is_token_delete,
    looks_like_token,
    parse_chat_target,
    parse_counter_args,
    parse_positive_id,
    parse_subscribe_args,
    parse_uploading_args,
    required_counter,
)


@pytest.mark.parametrize(
    ("text", "expected"),
    [("42", 42), ("0042", 42), (str(MAX_ID), MAX_ID)],
)
def test_a_positive_number_is_an_id(text: str, expected: int) -> None:
    assert parse_positive_id(text) == expected


@pytest.mark.parametrize("text", ["0", "-5", "4.2", "abc", "", " 42", "42x", str(MAX_ID + 1)])
def test_anything_else_is_not_an_id(text: str) -> None:
    assert parse_positive_id(text) is None


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("@team_channel", "@team_channel"),
        ("https://t.me/team_channel", "@team_channel"),
        ("t.me/team_channel/", "@team_channel"),
        ("-1001234567890", -1001234567890),
        ("-4212345", -4212345),
    ],
)
def test_a_chat_is_named_by_username_link_or_negative_id(text: str, expected: object) -> None:
    assert parse_chat_target(text) == expected


@pytest.mark.parametrize("text", ["@ab", "@", "team", "1001234567890", "@1team", "-", "-12a"])
def test_anything_else_is_not_a_chat(text: str) -> None:
    assert parse_chat_target(text) is None


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], CounterArgs(None, None)),
        (["101"], CounterArgs(101, None)),
        (["101", "@team_channel"], CounterArgs(101, "@team_channel")),
        (["-1001234567890", "101"], CounterArgs(101, -1001234567890)),
        (["@team_channel"], CounterArgs(None, "@team_channel")),
    ],
)
def test_counter_and_chat_arguments_come_in_any_order(
    args: list[str], expected: CounterArgs
) -> None:
    assert parse_counter_args(args) == expected


@pytest.mark.parametrize(
    "args",
    [["abc"], ["101", "102"], ["@chan_one", "@chan_two"], ["101", "@team", "x"], ["0"]],
)
def test_unexpected_counter_arguments_are_an_argument_error(args: list[str]) -> None:
    with pytest.raises(ArgumentError):
        parse_counter_args(args)


def test_a_required_counter_must_be_given() -> None:
    with pytest.raises(ArgumentError):
        required_counter(CounterArgs(None, "@team_channel"))
    assert required_counter(CounterArgs(7, None)) == 7


@pytest.mark.parametrize(
    ("args", "expected"),
    [(["7"], UploadingArgs(7, None)), (["7", "101"], UploadingArgs(7, 101))],
)
def test_uploading_takes_its_id_and_maybe_the_counter(
    args: list[str], expected: UploadingArgs
) -> None:
    assert parse_uploading_args(args) == expected


@pytest.mark.parametrize("args", [[], ["x"], ["7", "x"], ["7", "101", "3"], ["-7"]])
def test_uploading_refuses_other_arguments(args: list[str]) -> None:
    with pytest.raises(ArgumentError):
        parse_uploading_args(args)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("y0_AgAAAAAAbcdEFGH-ij.kl", True),
        ("AQAAAAAAbcdef123456", True),
        ("abc", False),
        ("<script>", False),
        ("token with spaces", False),
    ],
)
def test_a_token_is_one_word_of_token_characters(text: str, expected: bool) -> None:
    assert looks_like_token(text) is expected


def test_token_delete_is_recognised_in_both_languages() -> None:
    assert is_token_delete(["delete"])
    assert is_token_delete(["DELETE"])
    assert is_token_delete(["удалить"])
    assert not is_token_delete(["delete", "now"])
    assert not is_token_delete([])


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        ([], SubscribeArgs(None, None, None, None)),
        (["101"], SubscribeArgs(101, None, None, None)),
        (["final", "101"], SubscribeArgs(101, None, Hears.FINAL, None)),
        (["SILENT", "Failures"], SubscribeArgs(None, None, Hears.FAILURES, True)),
        (["@team_news", "all", "loud", "7"], SubscribeArgs(7, "@team_news", Hears.ALL, False)),
        (["silent", "-1001234567890", "101"], SubscribeArgs(101, -1001234567890, None, True)),
    ],
)
def test_subscribe_words_come_in_any_order_and_any_case(
    args: list[str], expected: SubscribeArgs
) -> None:
    assert parse_subscribe_args(args) == expected


@pytest.mark.parametrize(
    "args",
    [
        ["final", "failures"],
        ["all", "ALL"],
        ["silent", "loud"],
        ["silent", "silent"],
        ["quiet"],
        ["101", "102"],
        ["final", "everything"],
    ],
)
def test_subscribe_refuses_a_word_twice_or_an_unknown_one(args: list[str]) -> None:
    with pytest.raises(ArgumentError):
        parse_subscribe_args(args)


BIG = MAX_ID


@pytest.mark.parametrize(
    "button",
    [
        UploadingsPage(101, 0),
        UploadingsPage(BIG, 99_999),
        UploadingDetail(BIG, BIG),
        LinkCounter(101),
        Subscribe(101),
        Subscribe(BIG, -1001234567890),
        Unsubscribe(101),
        Unsubscribe(101, -BIG),
        Details(BIG, BIG),
        SubscriptionHears(101, 2),
        SubscriptionHears(BIG, 0, -BIG),
        SubscriptionSilence(101, 1),
        SubscriptionSilence(BIG, 0, -1001234567890),
        SubscribeWith(101, 3, 2),
        SubscribeWith(BIG, 0, 1, -BIG),
        TokenCountersPage(3),
        ExportCounter(BIG),
        ChartCounter(BIG, 365),
        ChartCounter(101, 1),
        Noop(),
    ],
)
def test_every_button_survives_the_round_trip_in_under_64_bytes(button: object) -> None:
    data = encode(button)  # type: ignore[arg-type]
    assert len(data.encode()) <= 64
    assert decode(data) == button


@pytest.mark.parametrize(
    "data",
    [
        None,
        "",
        "pg:101",
        "pg:0:1",
        "pg:101:1000001",
        "pg:101:-1",
        "xx:101",
        "ln:101:5",
        "ud:101",
        "sb:101:0",
        "ln:99999999999999999999",
        "ln:9223372036854775808",
        "nop:1",
        "pg:101:1 ",
        "dt:101",
        "dt:101:0",
        "sf:101",
        "sf:101:3",
        "ss:101:2",
        "ss:101:1:0",
        "sf:101:1:2:3",
        "sw:101:4:0",
        "sw:101:0:3",
        "sw:101:1",
        "sw:101:1:1:2:3",
        "ex:0",
        "ex:101:1",
        "ch:101",
        "ch:101:0",
        "ch:101:366",
    ],
)
def test_callback_data_that_is_not_ours_is_refused(data: str | None) -> None:
    assert decode(data) is None


def test_the_monitor_writes_details_buttons_the_chat_interface_reads() -> None:
    assert decode(details_payload(101, 5)) == Details(101, 5)
    assert encode(Details(101, 5)) == details_payload(101, 5)


def test_a_filter_button_names_the_filter_it_sets() -> None:
    assert [SubscriptionHears(1, n).filter for n in range(3)] == list(Hears)


def test_the_subscribe_words_ride_on_the_counter_buttons() -> None:
    button = SubscribeWith.of(101, Hears.FAILURES, True, None)
    assert (button.filter, button.silence) == (Hears.FAILURES, True)
    assert decode(encode(button)) == button
    assert (
        SubscribeWith.of(1, None, False, -5).filter,
        SubscribeWith.of(1, None, False, -5).silence,
    ) == (None, False)
    assert SubscribeWith.of(1, Hears.ALL, None, None).silence is None
