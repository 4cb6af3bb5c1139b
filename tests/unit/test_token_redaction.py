"""A token sent with /token never reaches the log, even when PTB logs whole updates."""

from __future__ import annotations

import json
import logging
import sys
from urllib.parse import quote

import pytest

from bot.logs import RedactingFilter, SecretRegistry

SECRET = "y0_AgAAAAAsecret-token-0123456789"
SLASHED = "y0_AgAA/secret+token=0123456789"


def redactor() -> RedactingFilter:
    return RedactingFilter([], SecretRegistry())


def redacted(message: str, filter_: RedactingFilter | None = None) -> str:
    record = logging.LogRecord("telegram.ext", logging.DEBUG, __file__, 1, message, None, None)
    (filter_ or redactor()).filter(record)
    return record.getMessage()


@pytest.mark.parametrize(
    "message",
    [
        f"Getting updates: [{{'text': '/token {SECRET}', 'entities': []}}]",
        f'{{"text": "/token@metrica_calls_bot {SECRET}"}}',
        f"/TOKEN   {SECRET}",
        repr({"text": f"/token\n{SECRET}"}),
        repr({"text": f"/token\u00a0{SECRET}"}),
        repr({"text": f"/token\t{SECRET}"}),
        repr({"text": f"/token \n\t {SECRET}"}),
        repr({"text": f"/token\u2003{SECRET}"}),
        json.dumps({"text": f"/token\n{SECRET}"}),
        json.dumps({"text": f"/token\u00a0{SECRET}"}).replace("/", "\\/"),
        repr(json.dumps({"text": f"/token\n{SECRET}"})),  # escaped twice
        f"text=%2Ftoken%0A{SECRET}",
    ],
)
def test_the_token_of_a_token_command_is_redacted_whatever_the_separator(message: str) -> None:
    assert SECRET not in redacted(message)
    assert "***" in redacted(message)


@pytest.mark.parametrize(
    "message",
    [
        repr({"text": f"/token\n{SLASHED}"}),
        json.dumps({"text": f"/token\n{SLASHED}"}).replace("/", "\\/"),
    ],
)
def test_a_token_with_slashes_is_redacted_in_its_escaped_form_too(message: str) -> None:
    assert "secret" not in redacted(message)


def test_a_token_found_after_token_is_masked_in_every_later_line() -> None:
    filter_ = redactor()
    redacted(repr({"text": f"/token\n{SLASHED}"}), filter_)

    assert redacted(f"Update(message=Message(text='{SLASHED}'))", filter_).count("***") == 1
    assert "secret" not in redacted(json.dumps(SLASHED).replace("/", "\\/"), filter_)
    assert "secret" not in redacted(quote(SLASHED, safe=""), filter_)
    assert "secret" not in redacted(f"token={SLASHED}&x=1", filter_)


def test_registered_tokens_are_masked_without_any_command_around() -> None:
    registry = SecretRegistry()
    registry.add(SECRET)
    filter_ = RedactingFilter([], registry)

    assert redacted(f"stored token {SECRET} failed", filter_) == "stored token *** failed"
    assert redacted("nothing secret here: counter 12345678 polled", filter_).count("***") == 0


def fail_with_the_token() -> None:
    raise ValueError(f"bad token {SECRET}")


def test_tracebacks_are_redacted_too() -> None:
    registry = SecretRegistry()
    registry.add(SECRET)
    try:
        fail_with_the_token()
    except ValueError:
        record = logging.LogRecord("x", logging.ERROR, __file__, 1, "boom", None, sys.exc_info())
    RedactingFilter([], registry).filter(record)

    assert record.exc_text
    assert SECRET not in logging.Formatter().format(record)


def test_the_registry_is_bounded_so_junk_cannot_grow_it() -> None:
    registry = SecretRegistry(capacity=100)
    for number in range(1000):
        registry.add(f"junk-token-{number:06d}")
    registry.add(SECRET)

    assert len(registry) == 100
    assert registry.redact(f"x {SECRET} y") == "x *** y"
    assert registry.redact("junk-token-000000") == "junk-token-000000"


def test_token_delete_and_other_commands_stay_readable() -> None:
    assert redacted("'text': '/token delete'") == "'text': '/token delete'"
    assert redacted("'text': '/token\\ndelete'") == "'text': '/token\\ndelete'"
    assert redacted("'text': '/link 101'") == "'text': '/link 101'"
    assert redacted("'text': '/token'") == "'text': '/token'"
