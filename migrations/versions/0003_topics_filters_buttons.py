"""Subscriptions get a forum topic, a filter and silence; outbox rows a topic, silence, buttons.

The old `final_only` flag becomes the filter `final`.

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-01 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0003"
down_revision: str | None = "0002"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

_subscriptions = sa.table(
    "subscriptions",
    sa.column("final_only", sa.Boolean()),
    sa.column("hears", sa.String(16)),
)


def upgrade() -> None:
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.add_column(sa.Column("thread_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(sa.Column("topic_name", sa.String(length=128), nullable=True))
        batch_op.add_column(
            sa.Column("hears", sa.String(length=16), server_default="all", nullable=False)
        )
        batch_op.add_column(
            sa.Column("silent", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute(
        _subscriptions.update()
        .where(_subscriptions.c.final_only.is_(sa.true()))
        .values(hears="final")
    )
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_column("final_only")

    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.add_column(sa.Column("thread_id", sa.BigInteger(), nullable=True))
        batch_op.add_column(
            sa.Column("silent", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
        batch_op.add_column(sa.Column("buttons", sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("outbox", schema=None) as batch_op:
        batch_op.drop_column("buttons")
        batch_op.drop_column("silent")
        batch_op.drop_column("thread_id")

    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("final_only", sa.Boolean(), server_default=sa.false(), nullable=False)
        )
    op.execute(
        _subscriptions.update().where(_subscriptions.c.hears != "all").values(final_only=True)
    )
    with op.batch_alter_table("subscriptions", schema=None) as batch_op:
        batch_op.drop_column("silent")
        batch_op.drop_column("hears")
        batch_op.drop_column("topic_name")
        batch_op.drop_column("thread_id")
