"""Device-code logins: pending logins, and refresh tokens with their schedule on credentials.

Revision ID: 0004
Revises: 0003
Create Date: 2026-12-02 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0004"
down_revision: str | None = "0003"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("refresh_token_encrypted", sa.LargeBinary(), nullable=True))
        batch_op.add_column(sa.Column("expires_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("refresh_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.create_index(batch_op.f("ix_credentials_refresh_at"), ["refresh_at"], unique=False)

    op.create_table(
        "device_logins",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("user_id", sa.BigInteger(), nullable=False),
        sa.Column("device_code_encrypted", sa.LargeBinary(), nullable=False),
        sa.Column("user_code", sa.String(length=64), nullable=False),
        sa.Column("chat_id", sa.BigInteger(), nullable=False),
        sa.Column("message_id", sa.BigInteger(), nullable=True),
        sa.Column("language", sa.String(length=8), nullable=False),
        sa.Column("interval", sa.Integer(), nullable=False),
        sa.Column("next_poll_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("expires_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column(
            "created_at", sa.DateTime(timezone=True), server_default=sa.func.now(), nullable=False
        ),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_device_logins")),
        sa.UniqueConstraint("user_id", name=op.f("uq_device_logins_user_id")),
        sqlite_autoincrement=True,
    )
    op.create_index(
        op.f("ix_device_logins_next_poll_at"), "device_logins", ["next_poll_at"], unique=False
    )


def downgrade() -> None:
    op.drop_index(op.f("ix_device_logins_next_poll_at"), table_name="device_logins")
    op.drop_table("device_logins")
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credentials_refresh_at"))
        batch_op.drop_column("refresh_at")
        batch_op.drop_column("expires_at")
        batch_op.drop_column("refresh_token_encrypted")
