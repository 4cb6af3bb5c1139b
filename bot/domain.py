"""The pure core: uploadings, their statuses and change detection. No I/O, no frameworks."""

from __future__ import annotations

import enum
from collections.abc import Collection, Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime, timedelta


class Status(enum.StrEnum):
    """Statuses Metrica documents; others are kept as raw strings and shown as they are."""

    PREPARED = "PREPARED"
    UPLOADED = "UPLOADED"
    EXPORTED = "EXPORTED"
    MATCHED = "MATCHED"
    PROCESSED = "PROCESSED"
    LINKAGE_FAILURE = "LINKAGE_FAILURE"


FINAL_STATUSES: frozenset[str] = frozenset({Status.PROCESSED, Status.LINKAGE_FAILURE})
KNOWN_STATUSES: frozenset[str] = frozenset(Status)


def is_final(status: str) -> bool:
    """Whether Metrica will not move an uploading out of this status any more."""
    return status in FINAL_STATUSES


class PauseReason(enum.StrEnum):
    """Why a counter is not polled: until someone acts, or (QUOTA) until the daily reset.

    A refused or unreadable token, or lost access, suspends links (`SuspendReason`), not the
    counter: the counter pauses for those only in databases from before links were suspended.
    """

    REVOKED = "revoked"  # (legacy) Metrica refused the token that polled it
    UNREADABLE = "unreadable"  # (legacy) no configured key decrypted the token that polled it
    GONE = "gone"  # the counter no longer exists
    ACCESS = "access"  # (legacy) the token lost access to the counter
    QUOTA = "quota"  # every login that can poll it spent its share; resumes after 00:00 UTC


class SuspendReason(enum.StrEnum):
    """Why a chat's link to a counter gives the chat nothing until its owner acts."""

    REVOKED = "revoked"  # Metrica refused the link's token
    UNREADABLE = "unreadable"  # no configured key decrypts the link's token
    DELETED = "deleted"  # its owner deleted the token (/token delete)
    ACCESS = "access"  # the token can no longer see the counter


@dataclass(frozen=True, slots=True)
class Uploading:
    """One call uploading as Metrica reports it; every field but id and status is optional."""

    id: int
    status: str
    create_time: datetime | None = None
    source_quantity: int | None = None
    line_quantity: int | None = None
    comment: str = ""
    client_id_type: str | None = None
    static_calls_quantity: int | None = None
    dynamic_calls_quantity: int | None = None

    @property
    def is_final(self) -> bool:
        """Whether the status is PROCESSED or LINKAGE_FAILURE."""
        return is_final(self.status)

    @property
    def all_rows_invalid(self) -> bool:
        """Rows were sent but none passed validation."""
        return bool(self.source_quantity) and self.line_quantity == 0


@dataclass(frozen=True, slots=True)
class Counter:
    """A Metrica counter as the API describes it."""

    id: int
    name: str = ""
    site: str = ""
    status: str | None = None
    owner_login: str | None = None


class Hears(enum.StrEnum):
    """What a subscription is told about (the stuck warning reaches every one)."""

    ALL = "all"  # every change
    FINAL = "final"  # arrivals at PROCESSED or LINKAGE_FAILURE
    FAILURES = "failures"  # LINKAGE_FAILURE, and final uploadings whose every row was invalid


class ChangeKind(enum.StrEnum):
    """What happened to an uploading between two polls."""

    NEW = "new"
    STATUS = "status"
    STUCK = "stuck"


@dataclass(frozen=True, slots=True)
class Change:
    """A change worth telling the subscribed chats about."""

    kind: ChangeKind
    uploading: Uploading
    old_status: str | None = None


def is_failure(uploading: Uploading) -> bool:
    """Linkage failed, or the uploading finished with not a single valid row."""
    if uploading.status == Status.LINKAGE_FAILURE:
        return True
    return uploading.is_final and uploading.all_rows_invalid


def is_heard(hears: Hears, change: Change) -> bool:
    """Whether a subscription that hears `hears` is told about the change."""
    if hears is Hears.ALL or change.kind is ChangeKind.STUCK:
        return True
    if hears is Hears.FINAL:
        return change.uploading.is_final
    return is_failure(change.uploading)


def newest_first(uploadings: Iterable[Uploading]) -> list[Uploading]:
    """Sort by creation time then id, newest first (Metrica does not document an order)."""
    floor = datetime.min

    def key(u: Uploading) -> tuple[datetime, int]:
        created = u.create_time.replace(tzinfo=None) if u.create_time else floor
        return created, u.id

    return sorted(uploadings, key=key, reverse=True)


def detect_changes(previous: Mapping[int, str], current: Iterable[Uploading]) -> list[Change]:
    """Compare the last seen status of each uploading with what Metrica reports now.

    A new id is NEW, any different status is STATUS (even when statuses were skipped).
    Uploadings that disappeared from the list are not changes.
    """
    changes: list[Change] = []
    for uploading in current:
        old = previous.get(uploading.id)
        if old is None:
            changes.append(Change(ChangeKind.NEW, uploading))
        elif old != uploading.status:
            changes.append(Change(ChangeKind.STATUS, uploading, old_status=old))
    return changes


def is_stuck(uploading: Uploading, now: datetime, stuck_after: timedelta) -> bool:
    """An unfinished uploading older than the threshold."""
    if uploading.is_final or uploading.create_time is None:
        return False
    return now - uploading.create_time > stuck_after


def detect_stuck(
    current: Iterable[Uploading],
    candidates: Collection[int],
    now: datetime,
    stuck_after: timedelta,
) -> list[Change]:
    """STUCK for each candidate (seen before, not warned yet) that is unfinished for too long."""
    return [
        Change(ChangeKind.STUCK, uploading, old_status=uploading.status)
        for uploading in current
        if uploading.id in candidates and is_stuck(uploading, now, stuck_after)
    ]
