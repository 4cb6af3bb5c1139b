"""Counters remember when a stuck warning could next be due for their last list, and whether
that list has an unfinished uploading.

With them, the digest of the last list (counters.list_digest, revision 0002) is enough to know
that a poll holds nothing new: the same list, and no stuck warning due before this time, so the
poller skips the snapshot (and decoding the answer). stuck_due_at NULL: nothing unfinished and
unwarned; list_unfinished NULL: not known, the answer is decoded to tell; existing rows start NULL and
take their value at their next full poll.

Revision ID: 0006
Revises: 0005
Create Date: 2026-11-30 12:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import UTC, datetime

import sqlalchemy as sa
from alembic import op

revision: str = "0006"
down_revision: str | None = "0005"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    with op.batch_alter_table("counters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("stuck_due_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("list_unfinished", sa.Boolean(), nullable=True))
    # Existing counters may hold unwarned unfinished uploadings this column does not know of:
    # a time long past makes their next poll take the full path once, which fills it in.
    op.execute(
        sa.text("UPDATE counters SET stuck_due_at = :past").bindparams(
            sa.bindparam("past", datetime(2000, 1, 1, tzinfo=UTC), type_=sa.DateTime(timezone=True))
        )
    )


def downgrade() -> None:
    with op.batch_alter_table("counters", schema=None) as batch_op:
        batch_op.drop_column("list_unfinished")
        batch_op.drop_column("stuck_due_at")
