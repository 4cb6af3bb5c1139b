"""A token sent with /token never reaches the log, even when PTB logs whole updates."""

from __future__ import annotations

import logging

import pytest

from bot.logs import RedactingFilter

SECRET = "y0_AgAAAAAsecret-token-0123456789"


def redacted(message: str) -> str:
    record = logging.LogRecord("telegram.ext", logging.DEBUG, __file__, 1, message, None, None)
    RedactingFilter([]).filter(record)
    return record.getMessage()


@pytest.mark.parametrize(
    "message",
    [
        f"Getting updates: [{{'text': '/token {SECRET}', 'entities': []}}]",
        f'{{"text": "/token@metrica_calls_bot {SECRET}"}}',
        f"/TOKEN   {SECRET}",
    ],
)
def test_the_token_of_a_token_command_is_redacted(message: str) -> None:
    assert SECRET not in redacted(message)
    assert "***" in redacted(message)


def test_token_delete_and_other_commands_stay_readable() -> None:
    assert redacted("'text': '/token delete'") == "'text': '/token delete'"
    assert redacted("'text': '/link 101'") == "'text': '/link 101'"
