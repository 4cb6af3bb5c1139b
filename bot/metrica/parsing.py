"""Pure, tolerant parsing of Metrica bodies into domain objects.

Unknown fields are ignored and every field but the id (and an uploading's status) is optional;
a body of the wrong shape raises Unavailable, so an error never reads as an empty list.
Plain dict access keeps a 10,000-item list fast.
"""

from __future__ import annotations

import hashlib
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from bot.domain import Counter, Uploading
from bot.metrica.errors import Unavailable


def _unexpected(what: str) -> Unavailable:
    """The error for a body that is not what the contract promises."""
    return Unavailable(f"unexpected response: {what}")


def _int(value: Any) -> int | None:
    """An integer field, accepting numeric strings; anything else is None."""
    if isinstance(value, int) and not isinstance(value, bool):
        return value
    if isinstance(value, str):
        try:
            return int(value)
        except ValueError:
            return None
    return None


def _str(value: Any) -> str | None:
    """A string field; anything else is None."""
    return value if isinstance(value, str) else None


def parse_time(value: Any) -> datetime | None:
    """An ISO-8601 time ('Z' or an offset; naive means UTC) as an aware UTC datetime, or None."""
    if not isinstance(value, str):
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
    except ValueError:
        return None
    if parsed.tzinfo is None:
        return parsed.replace(tzinfo=UTC)
    return parsed.astimezone(UTC)


def _object(body: Any, key: str) -> dict[str, Any]:
    """The object under key of a top-level object."""
    if not isinstance(body, dict) or not isinstance(body.get(key), dict):
        raise _unexpected(f"no {key!r} object")
    inner: dict[str, Any] = body[key]
    return inner


def _list(body: Any, key: str) -> list[Any]:
    """The list under key of a top-level object."""
    if not isinstance(body, dict) or not isinstance(body.get(key), list):
        raise _unexpected(f"no {key!r} list")
    items: list[Any] = body[key]
    return items


def parse_uploading(item: Any) -> Uploading:
    """One OfflineCallsUploading object."""
    if not isinstance(item, dict):
        raise _unexpected("uploading is not an object")
    uploading_id = _int(item.get("id"))
    status = item.get("status")
    if uploading_id is None or not isinstance(status, str) or not status:
        raise _unexpected("uploading without id or status")
    client_id_type = _str(item.get("client_id_type"))
    return Uploading(
        id=uploading_id,
        status=status,
        create_time=parse_time(item.get("create_time")),
        source_quantity=_int(item.get("source_quantity")),
        line_quantity=_int(item.get("line_quantity")),
        comment=_str(item.get("comment")) or "",
        client_id_type=client_id_type.upper() if client_id_type else None,
        static_calls_quantity=_int(item.get("static_calls_quantity")),
        dynamic_calls_quantity=_int(item.get("dynamic_calls_quantity")),
    )


def parse_uploadings(body: Any) -> list[Uploading]:
    """The body of calls_uploadings: {"uploadings": [...]}."""
    return [parse_uploading(item) for item in _list(body, "uploadings")]


def parse_uploading_body(body: Any) -> Uploading:
    """The body of calls_uploading/{id}: {"uploading": {...}}."""
    return parse_uploading(_object(body, "uploading"))


def parse_counter(item: Any) -> Counter:
    """One counter object; the site may sit in the newer "site2" object."""
    if not isinstance(item, dict):
        raise _unexpected("counter is not an object")
    counter_id = _int(item.get("id"))
    if counter_id is None:
        raise _unexpected("counter without id")
    site = _str(item.get("site"))
    site2 = item.get("site2")
    if site is None and isinstance(site2, dict):
        site = _str(site2.get("site"))
    return Counter(
        id=counter_id,
        name=_str(item.get("name")) or "",
        site=site or "",
        status=_str(item.get("status")),
        owner_login=_str(item.get("owner_login")),
    )


def parse_counter_body(body: Any) -> Counter:
    """The body of counter/{id}: {"counter": {...}}."""
    return parse_counter(_object(body, "counter"))


def parse_counters_page(body: Any) -> tuple[int | None, list[Counter]]:
    """One page of /counters: the total ("rows", None if absent) and the counters on it."""
    counters = [parse_counter(item) for item in _list(body, "counters")]
    return _int(body.get("rows")), counters


@dataclass(frozen=True, slots=True)
class Answer:
    """A decoded answer with the bytes it came in (for a digest)."""

    body: Any
    content: bytes


@dataclass(frozen=True, slots=True)
class Listing:
    """A counter's call uploadings as Metrica listed them, and a digest of that answer."""

    uploadings: list[Uploading]
    digest: str


def parse_listing(answer: Answer) -> Listing:
    """Uploadings with a digest of Metrica's answer: the same answer, the same digest."""
    digest = hashlib.blake2b(answer.content, digest_size=16).hexdigest()
    return Listing(parse_uploadings(answer.body), digest)
