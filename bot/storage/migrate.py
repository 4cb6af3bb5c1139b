"""Apply the Alembic migrations programmatically (at start, and in tests)."""

from __future__ import annotations

from pathlib import Path

from alembic import command
from alembic.config import Config

MIGRATIONS_DIR = Path(__file__).resolve().parents[2] / "migrations"
MIGRATION_LOCK = 7_263_018_442_117_001  # PostgreSQL advisory lock key held while migrating


def alembic_config(database_url: str, migrations_dir: Path = MIGRATIONS_DIR) -> Config:
    """An Alembic configuration pointing at our migrations and the given database."""
    config = Config()
    config.set_main_option("script_location", str(migrations_dir))
    config.set_main_option("sqlalchemy.url", database_url.replace("%", "%%"))
    config.attributes["configure_logging"] = False
    return config


def upgrade(
    database_url: str, revision: str = "head", *, migrations_dir: Path = MIGRATIONS_DIR
) -> None:
    """Bring the database to the given revision; safe to call on every start, by several
    processes at once (see migrations/env.py)."""
    command.upgrade(alembic_config(database_url, migrations_dir), revision)
