"""SQLAlchemy models: the tables every part of the bot shares."""

from __future__ import annotations

from datetime import UTC, date, datetime

from sqlalchemy import (
    BigInteger,
    Date,
    ForeignKey,
    ForeignKeyConstraint,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Text,
    false,
    func,
)
from sqlalchemy.orm import DeclarativeBase, Mapped, mapped_column
from sqlalchemy.types import DateTime, TypeDecorator

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class UtcDateTime(TypeDecorator[datetime]):
    """Timezone-aware UTC datetimes on both SQLite (which drops the zone) and PostgreSQL."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: object) -> datetime | None:
        """Store UTC."""
        if value is None:
            return None
        if value.tzinfo is None:
            raise ValueError("naive datetime given to the database")
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: object) -> datetime | None:
        """Read back as aware UTC."""
        if value is None or value.tzinfo is not None:
            return value
        return value.replace(tzinfo=UTC)


class Base(DeclarativeBase):
    """Declarative base with a naming convention, so migrations name constraints stably."""

    metadata = MetaData(naming_convention=NAMING_CONVENTION)


class Chat(Base):
    """A Telegram chat the bot is in: private, group, supergroup or channel."""

    __tablename__ = "chats"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    type: Mapped[str] = mapped_column(String(16))
    title: Mapped[str | None] = mapped_column(String(255))
    language: Mapped[str | None] = mapped_column(String(8))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())


class Credential(Base):
    """One Telegram user's Yandex OAuth token, encrypted with BOT_SECRET_KEY."""

    __tablename__ = "credentials"

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    token_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    fingerprint: Mapped[str] = mapped_column(String(64), index=True)
    login: Mapped[str | None] = mapped_column(String(255))
    uid: Mapped[str | None] = mapped_column(String(32))
    # What Metrica's quotas are counted against: the login, else "fp:<fingerprint>".
    quota_key: Mapped[str] = mapped_column(String(255), index=True)
    is_valid: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
    revoked_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Set for a token from /login: its refresh token (encrypted), its end, its next refresh.
    refresh_token_encrypted: Mapped[bytes | None] = mapped_column(LargeBinary)
    expires_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    refresh_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)


class DeviceLogin(Base):
    """A /login waiting for the user to confirm its code at Yandex: one per user.

    `next_poll_at` is also the lease: a process claims the login by moving it forward.
    """

    __tablename__ = "device_logins"
    # Ids never come back: a replaced login's poller must not end its successor.
    __table_args__ = {"sqlite_autoincrement": True}  # noqa: RUF012 - SQLAlchemy's own shape

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    user_id: Mapped[int] = mapped_column(BigInteger, unique=True)
    device_code_encrypted: Mapped[bytes] = mapped_column(LargeBinary)
    user_code: Mapped[str] = mapped_column(String(64))
    chat_id: Mapped[int] = mapped_column(BigInteger)
    message_id: Mapped[int | None] = mapped_column(BigInteger)  # the message to edit at the end
    language: Mapped[str] = mapped_column(String(8))
    interval: Mapped[int] = mapped_column(Integer)
    next_poll_at: Mapped[datetime] = mapped_column(UtcDateTime, index=True)
    expires_at: Mapped[datetime] = mapped_column(UtcDateTime)
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())


class Counter(Base):
    """A Metrica counter linked somewhere, with the state of its polling.

    No credential of its own: each poll picks one among the links of its subscribed chats.
    """

    __tablename__ = "counters"

    id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    name: Mapped[str] = mapped_column(String(255), default="")
    site: Mapped[str] = mapped_column(String(255), default="")
    has_baseline: Mapped[bool] = mapped_column(default=False)
    is_hot: Mapped[bool] = mapped_column(default=False)
    next_poll_at: Mapped[datetime | None] = mapped_column(UtcDateTime, index=True)
    last_polled_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    failures: Mapped[int] = mapped_column(default=0)
    paused_reason: Mapped[str | None] = mapped_column(String(32))
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Bumped by every claim: a poll's result commits only under the claim that started it.
    lease_generation: Mapped[int] = mapped_column(default=0, server_default="0")
    # Digest of the list the poller last stored in counter_lists (unchanged: nothing to write).
    list_digest: Mapped[str | None] = mapped_column(String(32))
    # When that list's first unwarned unfinished uploading turns stuck (None: none can): until
    # then a poll that gets the same list needs no look at the snapshot (monitor/quiet.py).
    stuck_due_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    # Whether that list has an unfinished uploading (None: not known yet), so a quiet poll
    # need not even decode the answer to know whether the counter is hot.
    list_unfinished: Mapped[bool | None] = mapped_column()


class ChatCounter(Base):
    """A counter linked to a chat by a user whose token can see it.

    The link's credential is the chat's access: while it is suspended (the token was refused,
    deleted or lost access) the chat gets nothing of the counter.
    """

    __tablename__ = "chat_counters"

    chat_id: Mapped[int] = mapped_column(
        ForeignKey("chats.id", ondelete="CASCADE", onupdate="CASCADE"), primary_key=True
    )
    counter_id: Mapped[int] = mapped_column(
        ForeignKey("counters.id", ondelete="CASCADE"), primary_key=True, index=True
    )
    linked_by: Mapped[int] = mapped_column(BigInteger)
    credential_id: Mapped[int | None] = mapped_column(
        ForeignKey("credentials.id", ondelete="SET NULL"), index=True
    )
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())
    suspended_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    suspended_reason: Mapped[str | None] = mapped_column(String(16))


class Subscription(Base):
    """A chat (in one of its forum topics) that wants to hear about a linked counter's changes.

    One per chat and counter: `thread_id` is the forum topic (None: General, or no forum),
    `hears` what it is told (bot.domain.Hears), `silent` sends without sound.
    """

    __tablename__ = "subscriptions"
    __table_args__ = (
        ForeignKeyConstraint(
            ["chat_id", "counter_id"],
            ["chat_counters.chat_id", "chat_counters.counter_id"],
            ondelete="CASCADE",
            onupdate="CASCADE",
            name="fk_subscriptions_chat_counters",
        ),
    )

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    counter_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    topic_name: Mapped[str | None] = mapped_column(String(128))
    hears: Mapped[str] = mapped_column(String(16), default="all", server_default="all")
    silent: Mapped[bool] = mapped_column(default=False, server_default=false())
    created_at: Mapped[datetime] = mapped_column(UtcDateTime, server_default=func.now())


class UploadingState(Base):
    """The last seen state of one uploading of a watched counter."""

    __tablename__ = "uploading_states"

    counter_id: Mapped[int] = mapped_column(
        ForeignKey("counters.id", ondelete="CASCADE"), primary_key=True
    )
    uploading_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    status: Mapped[str] = mapped_column(String(64))
    create_time: Mapped[datetime | None] = mapped_column(UtcDateTime)
    first_seen_at: Mapped[datetime] = mapped_column(UtcDateTime)
    changed_at: Mapped[datetime] = mapped_column(UtcDateTime)
    stuck_warned: Mapped[bool] = mapped_column(default=False)


class OutboxMessage(Base):
    """A notification written with the change that caused it, deleted or marked when sent."""

    __tablename__ = "outbox"
    __table_args__ = (Index("ix_outbox_due", "sent_at", "next_attempt_at"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True)
    chat_id: Mapped[int] = mapped_column(
        ForeignKey("chats.id", ondelete="CASCADE", onupdate="CASCADE"), index=True
    )
    text: Mapped[str] = mapped_column(Text)
    parse_mode: Mapped[str | None] = mapped_column(String(16), default="HTML")
    thread_id: Mapped[int | None] = mapped_column(BigInteger)  # the forum topic; None: General
    silent: Mapped[bool] = mapped_column(default=False, server_default=false())
    buttons: Mapped[str | None] = mapped_column(Text)  # JSON [[label, callback data], ...]
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
    next_attempt_at: Mapped[datetime] = mapped_column(UtcDateTime)
    attempts: Mapped[int] = mapped_column(default=0)
    last_error: Mapped[str | None] = mapped_column(String(255))
    lease_owner: Mapped[str | None] = mapped_column(String(64))
    lease_until: Mapped[datetime | None] = mapped_column(UtcDateTime)
    sent_at: Mapped[datetime | None] = mapped_column(UtcDateTime)
    dropped: Mapped[bool] = mapped_column(default=False)


class RequestCount(Base):
    """Metrica requests of one login on one UTC day, by the monitor or by commands."""

    __tablename__ = "request_counts"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    kind: Mapped[str] = mapped_column(String(16), primary_key=True)
    count: Mapped[int] = mapped_column(default=0)


class LoginSlot(Base):
    """One of a login's three parallel-request slots, leased per request by any process."""

    __tablename__ = "login_slots"

    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    slot: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    holder: Mapped[str | None] = mapped_column(String(64))
    until: Mapped[datetime | None] = mapped_column(UtcDateTime)


class CounterList(Base):
    """A counter's latest list of uploadings (the poller's or a command's), zlib'd JSON."""

    __tablename__ = "counter_lists"

    counter_id: Mapped[int] = mapped_column(
        ForeignKey("counters.id", ondelete="CASCADE"), primary_key=True, autoincrement=False
    )
    fetched_at: Mapped[datetime] = mapped_column(UtcDateTime)
    digest: Mapped[str] = mapped_column(String(32))
    payload: Mapped[bytes] = mapped_column(LargeBinary)


class Follow(Base):
    """A chat (in a forum topic) following one uploading it made with /upload, until final.

    `status` is the last one the chat was told; the monitor tells each new one through the
    outbox, subscribed or not (bot/monitor/follows.py), and deletes the row at a final status.
    """

    __tablename__ = "follows"
    __table_args__ = (
        ForeignKeyConstraint(
            ["chat_id", "counter_id"],
            ["chat_counters.chat_id", "chat_counters.counter_id"],
            ondelete="CASCADE",
            onupdate="CASCADE",
            name="fk_follows_chat_counters",
        ),
    )

    chat_id: Mapped[int] = mapped_column(BigInteger, primary_key=True)
    counter_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, index=True)
    uploading_id: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)
    thread_id: Mapped[int | None] = mapped_column(BigInteger)
    status: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(UtcDateTime)
