"""Pure, tolerant parsing of Metrica bodies into domain objects.

Unknown fields are ignored and every field but the id (and an uploading's status) is optional;
a body of the wrong shape raises Unavailable, so an error never reads as an empty list. Odd
values are checked here, once: an id or status no database column can hold is Unavailable; a
time, quantity or text that makes no sense is unknown (None, '') field by field; NUL characters
(PostgreSQL refuses them) are dropped. Plain dict access keeps a 10,000-item list fast.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from datetime import UTC, datetime
from typing import Any

from bot.domain import Counter, Uploading, is_final
from bot.metrica.errors import Unavailable

MAX_ID = 2**63 - 1  # BIGINT
STATUS_LENGTH = 64  # uploading_states.status
TEXT_LENGTH = 255  # counters.name and counters.site
_MAX_DIGITS = 19
_MAX_TIME_LENGTH = 64


def _unexpected(what: str) -> Unavailable:
    """The error for a body that is not what the contract promises."""
    return Unavailable(f"unexpected response: {what}")


def _int(value: Any) -> int | None:
    """A whole number from 0 to MAX_ID (it fits a BIGINT), numeric strings too; else None."""
    if isinstance(value, str) and 0 < len(value) <= _MAX_DIGITS:
        try:
            value = int(value)
        except ValueError:
            return None
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value <= MAX_ID:
        return value
    return None


def _str(value: Any, limit: int | None = None) -> str | None:
    """A string field without NUL characters, cut to `limit`; anything else is None."""
    if not isinstance(value, str):
        return None
    text = value.replace("\x00", "")
    return text[:limit] if limit is not None else text


def parse_time(value: Any) -> datetime | None:
    """An ISO-8601 time ('Z' or an offset; naive means UTC) as an aware UTC datetime, or None."""
    if not isinstance(value, str) or len(value) > _MAX_TIME_LENGTH:
        return None
    try:
        parsed = datetime.fromisoformat(value.strip())
        if parsed.tzinfo is None:
            return parsed.replace(tzinfo=UTC)
        return parsed.astimezone(UTC)
    except (ValueError, OverflowError):  # OverflowError: before year 1 or after 9999 in UTC
        return None


def _status(value: Any) -> str | None:
    """An uploading's status as the database stores it, or None."""
    if isinstance(value, str) and 0 < len(value) <= STATUS_LENGTH and "\x00" not in value:
        return value
    return None


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
    status = _status(item.get("status"))
    if uploading_id is None or status is None:
        raise _unexpected("uploading without a usable id or status")
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
        raise _unexpected("counter without a usable id")
    site = _str(item.get("site"), TEXT_LENGTH)
    site2 = item.get("site2")
    if site is None and isinstance(site2, dict):
        site = _str(site2.get("site"), TEXT_LENGTH)
    return Counter(
        id=counter_id,
        name=_str(item.get("name"), TEXT_LENGTH) or "",
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


class Answer:
    """An answer's bytes, decoded on first use: a list known by its digest needs no decoding."""

    __slots__ = ("_body", "_decode", "content")

    def __init__(self, content: bytes, decode: Callable[[], Any]) -> None:
        self.content = content
        self._decode: Callable[[], Any] | None = decode
        self._body: Any = None

    @property
    def body(self) -> Any:
        """The decoded JSON (Unavailable if it is not JSON)."""
        if self._decode is not None:
            self._body, self._decode = self._decode(), None
        return self._body


class Listing:
    """A counter's call uploadings as Metrica listed them, and a digest of that answer.

    An answer byte for byte the same as a known one (`same`) is parsed only when its uploadings
    are asked for: those bytes parsed fine before, and a quiet poll needs only a glance.
    """

    __slots__ = ("_answer", "_uploadings", "digest", "same")

    def __init__(
        self,
        uploadings: list[Uploading] | None,
        digest: str,
        *,
        answer: Answer | None = None,
        same: bool = False,
    ) -> None:
        self._uploadings = uploadings
        self._answer = answer
        self.digest = digest
        self.same = same

    @property
    def uploadings(self) -> list[Uploading]:
        """Every uploading, parsed (once)."""
        if self._uploadings is None:
            self._uploadings = parse_uploadings(self._body)
        return self._uploadings

    @property
    def _body(self) -> Any:
        return self._answer.body if self._answer is not None else {"uploadings": []}

    def has_unfinished(self) -> bool:
        """Whether any uploading is still unfinished (only the statuses are looked at)."""
        if self._uploadings is not None:
            return not all(u.is_final for u in self._uploadings)
        return not all(is_final(item.get("status")) for item in _list(self._body, "uploadings"))


def parse_listing(answer: Answer, known: str | None = None) -> Listing:
    """Uploadings with a digest of Metrica's answer: the same answer, the same digest."""
    digest = hashlib.blake2b(answer.content, digest_size=16).hexdigest()
    if digest == known:
        return Listing(None, digest, answer=answer, same=True)
    return Listing(parse_uploadings(answer.body), digest)
