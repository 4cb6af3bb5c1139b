"""Every failure is one short, useful sentence in the chat's language; keyboards page right."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import (
    AdminsOnly,
    AnonymousSender,
    CounterNotFound,
    MetricaBusy,
    MetricaRefused,
    NoAccess,
    NoCounters,
    NoSubscriptions,
    NotLinked,
    NoToken,
    NotSubscribed,
    QuotaUsedUp,
    ServiceError,
    TargetOnlyInPrivate,
    TargetProblem,
    TokenRejected,
    TokenRevoked,
    UploadingNotFound,
)
from bot.telegram.invocation import command_names
from bot.telegram.keyboards import token_counters, uploadings_pager
from bot.texts import t
from bot.texts.failures import failure_text
from bot.views import CounterView, paginate
from fakes.telegram_html import parse_html

NAMES = command_names(None, "metrica_calls_bot")
FAILURES: list[ServiceError] = [
    NoToken(),
    TokenRevoked(),
    TokenRejected(),
    NoAccess(101),
    CounterNotFound(101),
    UploadingNotFound(101, 7),
    MetricaBusy(3),
    QuotaUsedUp(datetime(2026, 11, 21, tzinfo=UTC)),
    MetricaRefused("Wrong parameter <limit> & more"),
    NotLinked(101),
    NoCounters(),
    NotSubscribed(101),
    NoSubscriptions(),
    AdminsOnly(),
    AnonymousSender("-1001234567890"),
    TargetOnlyInPrivate(),
    TargetProblem("not_found", "@team"),
    TargetProblem("not_group", "@team"),
    TargetProblem("bot_not_admin", "Team"),
]


def sentence(lang: str, error: ServiceError) -> str:
    return parse_html(failure_text(lang, error, NAMES, t(lang, "where_here")))[0]


@pytest.mark.parametrize("lang", ["ru", "en"])
@pytest.mark.parametrize("error", FAILURES, ids=lambda error: type(error).__name__)
def test_every_failure_is_one_short_sentence_not_the_internal_error(
    lang: str, error: ServiceError
) -> None:
    text = sentence(lang, error)
    assert text != parse_html(t(lang, "error_internal"))[0]
    assert len(text) < 300
    assert "Traceback" not in text


def test_failures_name_the_counter_and_the_wait() -> None:
    assert "101" in sentence("en", NoAccess(101))
    assert "3 min" in sentence("en", MetricaBusy(3))
    assert "3 мин" in sentence("ru", MetricaBusy(3))
    assert "00:00 UTC" in sentence("en", QuotaUsedUp(datetime(2026, 11, 21, tzinfo=UTC)))
    assert "Wrong parameter <limit> & more" in sentence(
        "en", MetricaRefused("Wrong parameter <limit> & more")
    )
    assert "Team <1>" in sentence("ru", TargetProblem("bot_not_admin", "Team <1>"))


def test_no_token_tells_how_to_add_one_with_a_link_to_the_private_chat() -> None:
    html = failure_text("en", NoToken(), NAMES, t("en", "where_here"))
    assert "https://t.me/metrica_calls_bot?start=token" in html
    assert "/token" in sentence("en", NoToken())


def test_the_pager_hides_the_arrows_that_lead_nowhere() -> None:
    def labels(number: int) -> list[str]:
        markup = uploadings_pager(101, paginate(list(range(25)), number))
        assert markup is not None
        return [button.text for button in markup.inline_keyboard[0]]

    assert labels(0) == ["1/3", "▶", "↻"]
    assert labels(1) == ["◀", "2/3", "▶", "↻"]
    assert labels(2) == ["◀", "3/3", "↻"]
    single = uploadings_pager(101, paginate(list(range(10)), 0))
    assert [[(b.text, b.callback_data) for b in row] for row in single.inline_keyboard] == [
        [("↻", "rf:101:0")]
    ]


def test_token_counters_are_buttons_that_link_them_with_paging() -> None:
    counters = [CounterView(i, f"C{i}") for i in range(1, 13)]
    markup = token_counters(paginate(counters, 0))
    assert markup is not None
    rows = markup.inline_keyboard
    assert [row[0].callback_data for row in rows[:10]] == [f"ln:{i}" for i in range(1, 11)]
    assert [button.callback_data for button in rows[-1]] == ["nop", "tp:1"]
