"""Shared counters: access per link, a pool of tokens per counter, quotas per login, lists.

- credentials learn their Yandex login and uid; `quota_key` is what quotas count against
  (the login, else "fp:<fingerprint>").
- counters lose their single polling credential (each poll picks one among the links) and gain
  a lease generation (fencing) and the digest of the list last stored for commands.
- chat_counters can be suspended: the chat's own token was refused, deleted or lost access.
- request_counts are per (quota key, UTC day, kind: monitor or command); login_slots hold
  the three parallel-request slots of each login; counter_lists keep each counter's latest list.

Revision ID: 0002
Revises: 0001
Create Date: 2026-11-28 09:00:00.000000
"""

from __future__ import annotations

from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    _credentials()
    _links()
    _counters()
    _request_counts()
    op.create_table(
        "login_slots",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("slot", sa.Integer(), autoincrement=False, nullable=False),
        sa.Column("holder", sa.String(length=64), nullable=True),
        sa.Column("until", sa.DateTime(timezone=True), nullable=True),
        sa.PrimaryKeyConstraint("key", "slot", name=op.f("pk_login_slots")),
    )
    op.create_table(
        "counter_lists",
        sa.Column("counter_id", sa.BigInteger(), autoincrement=False, nullable=False),
        sa.Column("fetched_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("digest", sa.String(length=32), nullable=False),
        sa.Column("payload", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(
            ["counter_id"],
            ["counters.id"],
            name=op.f("fk_counter_lists_counter_id_counters"),
            ondelete="CASCADE",
        ),
        sa.PrimaryKeyConstraint("counter_id", name=op.f("pk_counter_lists")),
    )


def _credentials() -> None:
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.add_column(sa.Column("uid", sa.String(length=32), nullable=True))
        batch_op.add_column(sa.Column("quota_key", sa.String(length=255), nullable=True))
    op.execute(
        "UPDATE credentials SET quota_key = CASE WHEN login IS NULL "
        "THEN 'fp:' || fingerprint ELSE lower(login) END"
    )
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.alter_column("quota_key", existing_type=sa.String(length=255), nullable=False)
        batch_op.create_index(batch_op.f("ix_credentials_quota_key"), ["quota_key"], unique=False)


def _links() -> None:
    with op.batch_alter_table("chat_counters", schema=None) as batch_op:
        batch_op.add_column(sa.Column("suspended_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.add_column(sa.Column("suspended_reason", sa.String(length=16), nullable=True))
    # Links whose token is gone or refused no longer give their chat anything.
    op.execute(
        "UPDATE chat_counters SET suspended_at = CURRENT_TIMESTAMP, suspended_reason = 'deleted' "
        "WHERE credential_id IS NULL"
    )
    op.execute(
        "UPDATE chat_counters SET suspended_at = CURRENT_TIMESTAMP, suspended_reason = 'revoked' "
        "WHERE credential_id IN (SELECT id FROM credentials WHERE NOT is_valid)"
    )


def _counters() -> None:
    # A refused or unreadable token now suspends links (its credential is invalid, so they
    # were suspended above), not counters: the other links' tokens poll on.
    op.execute(
        "UPDATE counters SET paused_reason = NULL WHERE paused_reason IN ('revoked', 'unreadable')"
    )
    with op.batch_alter_table("counters", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_counters_credential_id"))
        batch_op.drop_constraint(
            batch_op.f("fk_counters_credential_id_credentials"), type_="foreignkey"
        )
        batch_op.drop_column("credential_id")
        batch_op.add_column(
            sa.Column("lease_generation", sa.Integer(), server_default="0", nullable=False)
        )
        batch_op.add_column(sa.Column("list_digest", sa.String(length=32), nullable=True))


def _request_counts() -> None:
    # Today's counts carry over to the login of the token that made them.
    carried = op.get_bind().execute(
        sa.text(
            "SELECT COALESCE(c.quota_key, 'fp:' || r.fingerprint) AS key, r.day AS day, "
            "SUM(r.count) AS n "
            "FROM request_counts r LEFT JOIN credentials c ON c.fingerprint = r.fingerprint "
            "GROUP BY COALESCE(c.quota_key, 'fp:' || r.fingerprint), r.day"
        ).columns(
            sa.column("key", sa.String), sa.column("day", sa.Date), sa.column("n", sa.Integer)
        )
    )
    rows = [{"key": key, "day": day, "kind": "monitor", "count": n} for key, day, n in carried]
    op.drop_table("request_counts")
    table = op.create_table(
        "request_counts",
        sa.Column("key", sa.String(length=255), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("kind", sa.String(length=16), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("key", "day", "kind", name=op.f("pk_request_counts")),
    )
    if rows and table is not None:
        op.bulk_insert(table, rows)


def downgrade() -> None:
    op.drop_table("counter_lists")
    op.drop_table("login_slots")
    op.drop_table("request_counts")
    op.create_table(
        "request_counts",
        sa.Column("fingerprint", sa.String(length=64), nullable=False),
        sa.Column("day", sa.Date(), nullable=False),
        sa.Column("count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("fingerprint", "day", name=op.f("pk_request_counts")),
    )
    with op.batch_alter_table("counters", schema=None) as batch_op:
        batch_op.drop_column("list_digest")
        batch_op.drop_column("lease_generation")
        batch_op.add_column(sa.Column("credential_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(
            batch_op.f("fk_counters_credential_id_credentials"),
            "credentials",
            ["credential_id"],
            ["id"],
            ondelete="SET NULL",
        )
        batch_op.create_index(
            batch_op.f("ix_counters_credential_id"), ["credential_id"], unique=False
        )
    with op.batch_alter_table("chat_counters", schema=None) as batch_op:
        batch_op.drop_column("suspended_reason")
        batch_op.drop_column("suspended_at")
    with op.batch_alter_table("credentials", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_credentials_quota_key"))
        batch_op.drop_column("quota_key")
        batch_op.drop_column("uid")
