"""Fixtures of the handler-level tests: one migrated template, a harness per test."""

from __future__ import annotations

from collections.abc import AsyncIterator
from pathlib import Path

import pytest

from tests.integration.chat_harness import ChatHarness, migrated_database

ANNA, BORIS = 1001, 1002
TOKEN = "y0_anna-token-0123456789"


@pytest.fixture(scope="session")
def template(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty database at head, migrated once and copied for every test."""
    return migrated_database(tmp_path_factory.mktemp("db"))


@pytest.fixture
async def harness(tmp_path: Path, template: Path) -> AsyncIterator[ChatHarness]:
    """The application over a copy of the template, with fresh fake servers."""
    async with ChatHarness.start(tmp_path, template) as started:
        yield started


async def with_team(harness: ChatHarness) -> ChatHarness:
    """Anna (ru, holds a token seeing counters 101 and 102) and Boris (en) know the bot."""
    harness.telegram.add_user(ANNA, "Anna", "ru")
    harness.telegram.add_user(BORIS, "Boris", "en")
    harness.metrica.add_token(TOKEN, [101, 102])
    harness.metrica.add_counter(101, "Shop", "shop.example")
    await harness.say(ANNA, ANNA, f"/token {TOKEN}")
    return harness
