"""How a finished /login reads: connected (with what is missing), or why not (and try again)."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest

from bot.errors import MetricaBusy
from bot.oauth_schedule import PollSchedule
from bot.services.login_poll import Connected, Ended, Failure
from bot.storage.device_logins import PendingLogin
from bot.telegram.commands_login import render_ended
from bot.views import CounterView

NOW = datetime(2026, 12, 1, 12, 0, tzinfo=UTC)


def ended(outcome: Connected | Failure | MetricaBusy, lang: str = "en") -> Ended:
    pending = PendingLogin(1, 7, b"x", 7, 42, lang, PollSchedule.start(NOW, 5, 300))
    return Ended(pending, outcome)


def callbacks(markup) -> list[str]:
    return [b.callback_data for row in markup.inline_keyboard for b in row] if markup else []


def test_connected_names_the_login_and_offers_the_counters():
    text, markup = render_ended(ended(Connected("anna", [CounterView(101, "Shop")])), "Bot")

    assert "Connected as <b>anna</b>" in text
    assert "/logout" in text
    assert callbacks(markup) == ["ln:101"]


def test_connected_with_fewer_rights_says_what_will_not_work():
    outcome = Connected("anna", [], ["metrika:offline_data"])
    text, _ = render_ended(ended(outcome, "ru"), "Bot")

    assert "metrika:offline_data" in text
    assert "меньше прав" in text


@pytest.mark.parametrize("failure", [Failure.DENIED, Failure.EXPIRED, Failure.ERROR])
def test_a_login_that_failed_offers_to_try_again(failure: Failure):
    _, markup = render_ended(ended(failure), "Bot")

    assert callbacks(markup) == ["lgn"]


def test_a_refused_app_points_to_token_without_a_button():
    text, markup = render_ended(ended(Failure.UNAVAILABLE), "Bot")

    assert "/token" in text
    assert markup is None


def test_a_failure_after_the_tokens_came_is_the_usual_sentence_with_try_again():
    text, markup = render_ended(ended(MetricaBusy(2)), "Bot")

    assert "2" in text
    assert callbacks(markup) == ["lgn"]
