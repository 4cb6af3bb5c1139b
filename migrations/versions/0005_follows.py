"""Follows: a chat hears every status of an uploading it made with /upload until it is final.

Revision ID: 0005
Revises: 0004
Create Date: 2026-12-02 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0005"
down_revision: str | None = "0004"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table(
        "follows",
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("counter_id", sa.BigInteger(), nullable=False),
        sa.Column("uploading_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("thread_id", sa.BigInteger(), nullable=True),
        sa.Column("status", sa.String(length=64), nullable=False),
        sa.Column("created_at", sa.DateTime(timezone=True), nullable=False),
        sa.ForeignKeyConstraint(
            ["chat_id", "counter_id"],
            ["chat_counters.chat_id", "chat_counters.counter_id"],
            name="fk_follows_chat_counters",
            onupdate="CASCADE",
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("chat_id", "counter_id", "uploading_id", name=op.f("pk_follows")),
    )
    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_follows_counter_id"), ["counter_id"], unique=False)


def downgrade() -> None:
    with op.batch_alter_table("follows", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_follows_counter_id"))
    op.drop_table("follows")
