"""The Russian and English catalogs stay in step, and every template is valid Telegram HTML."""

from __future__ import annotations

import pytest

from bot.texts import en, placeholders, ru, t
from fakes.telegram_html import parse_html

CATALOGS = {"ru": ru.MESSAGES, "en": en.MESSAGES}
HOSTILE = "<b>&'\"x"
LINK = "https://t.me/metrica_calls_bot?start=token"  # links are always ours, never user input


def test_both_languages_have_the_same_keys() -> None:
    assert set(ru.MESSAGES) - set(en.MESSAGES) == set()
    assert set(en.MESSAGES) - set(ru.MESSAGES) == set()


@pytest.mark.parametrize("key", sorted(en.MESSAGES))
def test_both_languages_expect_the_same_placeholders(key: str) -> None:
    assert placeholders(ru.MESSAGES[key]) == placeholders(en.MESSAGES[key])


@pytest.mark.parametrize("lang", sorted(CATALOGS))
@pytest.mark.parametrize("key", sorted(en.MESSAGES))
def test_every_template_filled_with_hostile_values_is_valid_html(lang: str, key: str) -> None:
    names = placeholders(CATALOGS[lang][key])
    values = {name: LINK if name.endswith("_link") else HOSTILE for name in names}
    shown, _ = parse_html(t(lang, key, **values))
    if HOSTILE in values.values():
        assert HOSTILE in shown
