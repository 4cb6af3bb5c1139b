"""The command table is the one list of commands: texts, help and menus agree with it."""

from __future__ import annotations

import pytest

from bot.telegram.commands import COMMANDS, Where, Who, group_menu, member_menu, private_menu
from bot.texts import MENTIONED_COMMANDS, en, ru

NAMES = [command.name for command in COMMANDS]


def test_every_command_the_texts_name_is_in_the_table() -> None:
    assert MENTIONED_COMMANDS - set(NAMES) == set()


def test_command_names_are_unique() -> None:
    assert len(NAMES) == len(set(NAMES))


@pytest.mark.parametrize("catalog", [en.MESSAGES, ru.MESSAGES])
@pytest.mark.parametrize("command", COMMANDS, ids=NAMES)
def test_every_command_has_its_menu_help_and_usage_texts(catalog: dict[str, str], command) -> None:
    assert f"menu_{command.name}" in catalog
    assert (f"help_{command.name}" in catalog) == command.in_help
    assert command.usage is None or command.usage in catalog


def test_help_lines_have_no_strays() -> None:
    helped = {key.removeprefix("help_") for key in en.MESSAGES if key.startswith("help_")}
    assert helped - {"title"} == {c.name for c in COMMANDS if c.in_help}


def test_private_only_commands_stay_out_of_the_group_menu() -> None:
    in_groups = {command.name for command in group_menu()}
    assert "token" not in in_groups
    assert "start" not in in_groups
    assert {c.name for c in COMMANDS if c.where is Where.PRIVATE}.isdisjoint(in_groups)
    assert [c.name for c in private_menu()] == NAMES


def test_group_members_are_offered_only_what_they_may_use_and_admins_the_rest() -> None:
    members = {command.name for command in member_menu()}
    admins = {command.name for command in group_menu()}
    assert members == {c.name for c in group_menu() if c.who is Who.EVERYONE}
    assert {"link", "unlink", "subscribe", "unsubscribe", "lang"} <= admins - members
    assert members < admins


@pytest.mark.parametrize("catalog", [en.MESSAGES, ru.MESSAGES])
def test_the_descriptions_fit_telegrams_limits(catalog: dict[str, str]) -> None:
    assert 0 < len(catalog["bot_description"]) <= 512
    assert 0 < len(catalog["bot_short_description"]) <= 120
