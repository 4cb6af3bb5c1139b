"""Property test through the real handlers: any command with any arguments, any button data,
in a private chat and in a group, is answered with a clear sentence, never "internal error".

The harness fails on any exception that reaches PTB's error handler, and the fake Bot API
refuses HTML Telegram would refuse, so both count as failures here.
"""

from __future__ import annotations

import json
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from bot.telegram.commands import COMMANDS
from bot.texts import t
from bot.texts.markup import plain_text
from tests.integration.chat_harness import ChatHarness
from tests.integration.conftest import ANNA, BORIS, with_team

GROUP = -100700
ARGUMENT = st.one_of(
    st.text(st.characters(exclude_categories=("Cs", "Z", "Cc")), min_size=1, max_size=30),
    st.sampled_from(["101", "102", "999", "0", "-100700", "@team", "delete", "ru", "x" * 70]),
    st.integers(-(2**70), 2**70).map(str),
)
INTERNAL = {plain_text(t(lang, "error_internal")) for lang in ("ru", "en")}
ODD = {"id": 5, "status": "MATCHED", "create_time": "0001-01-01T00:00:00+05:00"}
# What Metrica answers the command's next request: as usual, or something odd.
METRICA = st.sampled_from(
    [
        None,
        {"status": 503, "retry_after": "inf"},
        {"status": 429, "retry_after": "1e400"},
        {"status": 200, "body": json.dumps({"uploadings": [ODD], "uploading": ODD}).encode()},
        {"status": 200, "body": json.dumps({"uploadings": [{"id": 10**20}]}).encode()},
        {"status": 200, "body": b"[]"},
        {"status": 500, "body": b"<html>proxy</html>"},
    ]
)
# One harness serves many examples: state piles up as it would in a real chat.
FUZZ = settings(max_examples=60, suppress_health_check=[HealthCheck.function_scoped_fixture])


@pytest.fixture
async def chat(harness: ChatHarness) -> ChatHarness:
    harness.telegram.add_group(GROUP, "Team", admins=[ANNA])
    harness.metrica.add_uploading(101, id=5, comment="<b>x</b> & y")
    await with_team(harness)
    await harness.say(ANNA, ANNA, "/link 101")
    return harness


@FUZZ
@given(
    name=st.sampled_from([command.name for command in COMMANDS]),
    args=st.lists(ARGUMENT, max_size=3),
    where=st.sampled_from([ANNA, BORIS, GROUP]),
    separator=st.sampled_from([" ", "\n", "\u00a0", "  "]),
    metrica=METRICA,
)
async def test_any_command_gets_a_clear_answer(
    chat: ChatHarness,
    *,
    name: str,
    args: list[str],
    where: int,
    separator: str,
    metrica: dict[str, Any] | None,
) -> None:
    user = BORIS if where == BORIS else ANNA
    suffix = "@metrica_calls_bot" if where == GROUP else ""
    if metrica is not None:
        chat.metrica.fail_next(**metrica)

    replies = await chat.say(where, user, separator.join([f"/{name}{suffix}", *args]))

    assert replies, "no answer at all"
    assert not {reply["text"] for reply in replies} & INTERNAL


@FUZZ
@given(
    st.one_of(
        st.text(max_size=64),
        st.from_regex(r"(pg|ud|ln|sb|us|tp|nop)(:-?\d{1,20}){0,3}", fullmatch=True),
    )
)
async def test_any_button_data_is_answered(chat: ChatHarness, data: str) -> None:
    [message] = await chat.say(ANNA, ANNA, "/uploadings 101")

    answer = await chat.press(ANNA, message["message_id"], ANNA, data)

    assert answer.get("text") not in INTERNAL
