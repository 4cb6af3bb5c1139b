"""docker-compose.yml, .env.example and the Dockerfile name only what the bot knows.

Docker does not run in CI: these read the files as Docker would and check them against the
bot's settings and its stop timing.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

import pytest
import yaml

from bot.config import Settings
from bot.monitor.logins import STOP_GRACE as LOGINS_STOP_GRACE
from bot.monitor.pump import CLEANUP_SECONDS
from bot.monitor.runner import STOP_GRACE, STOP_LOCK_TIMEOUT
from bot.stopping import DOCUMENTED_STOP_TIMEOUT, STOP_DEADLINE

ROOT = Path(__file__).resolve().parents[2]
BOT_SERVICES = ("bot", "worker")
SETTINGS = {name.upper() for name in Settings.model_fields}
_INTERPOLATION = re.compile(r"\$\{(?P<name>[A-Z_][A-Z0-9_]*)(?P<rest>[^}]*)\}")


@pytest.fixture(scope="module")
def compose() -> dict[str, Any]:
    loaded = yaml.safe_load((ROOT / "docker-compose.yml").read_text(encoding="utf-8"))
    assert isinstance(loaded, dict)
    return loaded


def env_example() -> dict[str, str]:
    lines = (ROOT / ".env.example").read_text(encoding="utf-8").splitlines()
    pairs = [line.split("=", 1) for line in lines if line.strip() and not line.startswith("#")]
    return {name.strip(): value.strip() for name, value in pairs}


def seconds(duration: str) -> float:
    match = re.fullmatch(r"(\d+)(s|m)", duration)
    assert match, f"unexpected duration {duration!r}"
    return int(match[1]) * (60 if match[2] == "m" else 1)


def test_postgres_the_bot_and_a_scalable_worker_are_there(compose: dict[str, Any]) -> None:
    services = compose["services"]
    assert set(services) == {"postgres", "bot", "worker"}
    assert "pg_isready" in " ".join(services["postgres"]["healthcheck"]["test"])
    for name in BOT_SERVICES:
        assert services[name]["depends_on"]["postgres"]["condition"] == "service_healthy"
        assert services[name]["healthcheck"]["test"] == ["CMD", "python", "-m", "bot", "health"]
    assert services["bot"]["environment"]["RECEIVE_UPDATES"] == "true"
    assert services["worker"]["environment"]["RECEIVE_UPDATES"] == "false"
    # --scale needs replicas that do not clash: no fixed name, host port or shared named volume.
    assert not {"container_name", "ports", "volumes"} & set(services["worker"])


def test_every_variable_given_to_the_bot_is_one_of_its_settings(compose: dict[str, Any]) -> None:
    for name in BOT_SERVICES:
        environment = compose["services"][name]["environment"]
        assert set(environment) <= SETTINGS, set(environment) - SETTINGS
        assert {"TELEGRAM_BOT_TOKEN", "BOT_SECRET_KEY", "DATABASE_URL"} <= set(environment)
        assert environment["DATABASE_URL"].startswith("postgresql://")


def test_secrets_come_from_the_env_file_and_none_is_committed(compose: dict[str, Any]) -> None:
    text = (ROOT / "docker-compose.yml").read_text(encoding="utf-8")
    example = env_example()
    for match in _INTERPOLATION.finditer(text):
        has_default = match["rest"].startswith((":-", "-"))
        assert has_default or match["name"] in example, f"${{{match['name']}}} has no source"
    assert compose["services"]["bot"]["environment"]["BOT_SECRET_KEY"].startswith(
        "${BOT_SECRET_KEY:?"
    )
    assert set(example) <= SETTINGS | {"POSTGRES_PASSWORD"}
    assert all(value == "" for value in example.values()), "no real value in .env.example"
    assert ".env" in (ROOT / ".gitignore").read_text(encoding="utf-8").split()
    assert ".env" in (ROOT / ".dockerignore").read_text(encoding="utf-8").split()


def test_named_volumes_are_declared(compose: dict[str, Any]) -> None:
    used = {
        mount.split(":", 1)[0]
        for service in compose["services"].values()
        for mount in service.get("volumes", [])
        if not mount.startswith((".", "/"))
    }
    assert used
    assert used <= set(compose["volumes"])


def test_the_stop_timeout_covers_the_bots_own_stop(compose: dict[str, Any]) -> None:
    for name in BOT_SERVICES:
        assert seconds(compose["services"][name]["stop_grace_period"]) == DOCUMENTED_STOP_TIMEOUT
    assert STOP_GRACE < STOP_DEADLINE < DOCUMENTED_STOP_TIMEOUT
    # The graces and waits of a stop, one after another, leave room for the rest of it.
    cleanups = 2 * 2 * CLEANUP_SECONDS  # each of the two pump groups: item, then its cleanup
    assert LOGINS_STOP_GRACE + STOP_GRACE + cleanups + STOP_LOCK_TIMEOUT <= STOP_DEADLINE - 3
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    assert f"--stop-timeout {DOCUMENTED_STOP_TIMEOUT:.0f}" in readme
    assert f"stop_grace_period: {DOCUMENTED_STOP_TIMEOUT:.0f}s" in readme


def test_the_image_checks_its_health_with_the_bot_itself() -> None:
    dockerfile = (ROOT / "Dockerfile").read_text(encoding="utf-8")
    healthcheck = re.search(r"^HEALTHCHECK .*?CMD (.+)$", dockerfile, re.MULTILINE | re.DOTALL)
    assert healthcheck is not None
    assert healthcheck[1].startswith('["python", "-m", "bot", "health"]')
