"""State of the fake Metrica API: counters, uploadings, uploads received and injected failures.

Plain data; the fake holds its lock around every use. Logins and tokens live in `Accounts`
(yandex_accounts.py), shared with the fake OAuth server. Errors are `MetricaError`, rendered in
Metrica's body shape {"errors": [{"error_type", "message"}], "code", "message"}.
"""

from __future__ import annotations

import csv
import io
from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any

from fakes.http_base import Response
from fakes.yandex_accounts import Accounts, TokenState

PARALLEL_LIMIT = 3
_ID_COLUMNS = {"userid": "USER_ID", "clientid": "CLIENT_ID", "yclid": "YCLID"}


class MetricaError(Exception):
    """An error answer of the Management API."""

    def __init__(
        self,
        status: int,
        error_type: str,
        message: str,
        *,
        retry_after: int | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.error_type = error_type
        self.message = message
        self.retry_after = retry_after

    def response(self) -> Response:
        """The HTTP answer (with Retry-After when set)."""
        body = {
            "errors": [{"error_type": self.error_type, "message": self.message}],
            "code": self.status,
            "message": self.message,
        }
        headers = {"Retry-After": str(self.retry_after)} if self.retry_after is not None else {}
        return Response.json(self.status, body, headers)


def invalid_parameter(message: str) -> MetricaError:
    """400 invalid_parameter."""
    return MetricaError(400, "invalid_parameter", message)


@dataclass
class Failure:
    """A failure queued by `fail_next`."""

    path_contains: str | None
    status: int
    error_type: str
    message: str
    remaining: int
    retry_after: int | None = None
    body: bytes | None = None
    delay: float | None = None

    def response(self) -> Response:
        """The injected answer: raw `body` when given, else Metrica's error JSON."""
        if self.body is not None:
            return Response(self.status, self.body, {"Content-Type": "text/html; charset=utf-8"})
        error = MetricaError(
            self.status, self.error_type, self.message, retry_after=self.retry_after
        )
        return error.response()


@dataclass
class LoggedRequest:
    """One request the fake received (`status` is set once it is answered).

    `login` is the token's login when the token is known; `server` is "oauth" for /info
    requests that reached the fake OAuth server (it shares this log).
    """

    method: str
    path: str
    query: dict[str, str]
    token: str | None
    at: float
    status: int | None = None
    login: str | None = None
    server: str = "metrica"


@dataclass
class RecordedUpload:
    """One upload_calls request that was routed (rejected ones too: see `status`)."""

    token: str
    login: str
    counter: str
    comment: str | None
    query: dict[str, str]
    filename: str | None
    content_type: str | None
    content: bytes | None
    rows: list[dict[str, str]]
    at: float
    status: int | None = None
    error_type: str | None = None
    uploading: dict[str, Any] | None = None

    @property
    def counter_id(self) -> int | None:
        """The counter id of the path, None when it is not a number."""
        return int(self.counter) if self.counter.isdigit() else None


@dataclass
class MetricaWorld:
    """Everything the fake API knows."""

    accounts: Accounts = field(default_factory=Accounts)
    counters: dict[int, dict[str, Any]] = field(default_factory=dict)
    uploadings: dict[int, dict[int, dict[str, Any]]] = field(default_factory=dict)
    next_uploading_id: int = 1
    failures: list[Failure] = field(default_factory=list)
    uploads: list[RecordedUpload] = field(default_factory=list)

    @property
    def tokens(self) -> dict[str, TokenState]:
        """Every token, by its value."""
        return self.accounts.tokens

    def add_counter(self, counter_id: int, **fields: Any) -> dict[str, Any]:
        """Create or update a counter."""
        counter = self.counters.setdefault(
            counter_id,
            {
                "id": counter_id,
                "name": f"Counter {counter_id}",
                "site": f"site{counter_id}.example",
                "status": "Active",
                "owner_login": "user",
                "code_status": "CS_OK",
            },
        )
        counter.update(fields)
        self.uploadings.setdefault(counter_id, {})
        return counter

    def add_uploading(self, counter_id: int, **fields: Any) -> dict[str, Any]:
        """Create an uploading with sensible defaults; `fields` override them."""
        if counter_id not in self.counters:
            self.add_counter(counter_id)
        uploading_id = int(fields.get("id", self.next_uploading_id))
        self.next_uploading_id = max(self.next_uploading_id, uploading_id + 1)
        uploading = {
            "id": uploading_id,
            "create_time": now_iso(),
            "source_quantity": 10,
            "line_quantity": 10,
            "comment": "",
            "client_id_type": "CLIENT_ID",
            "status": "UPLOADED",
            "static_calls_quantity": 0,
            "dynamic_calls_quantity": 10,
        }
        uploading.update(fields)
        self.uploadings[counter_id][uploading_id] = uploading
        return uploading

    def take_failure(self, path: str) -> Failure | None:
        """Consume the first queued failure whose substring matches the path."""
        for failure in self.failures:
            if failure.path_contains is None or failure.path_contains in path:
                failure.remaining -= 1
                if failure.remaining <= 0:
                    self.failures.remove(failure)
                return failure
        return None

    def counter_for(self, state: TokenState, raw_id: str) -> dict[str, Any]:
        """A counter the token may read: 400 bad id, 404 unknown, 403 not visible."""
        try:
            counter_id = int(raw_id)
        except ValueError:
            raise invalid_parameter(f"Invalid counter id: {raw_id}") from None
        if counter_id not in self.counters:
            raise MetricaError(404, "not_found", "Entity not found")
        if counter_id not in self.accounts.visible_counters(state):
            raise MetricaError(403, "access_denied", "Access is denied")
        return self.counters[counter_id]


def now_iso() -> str:
    """The current time as Metrica writes it: 2022-12-29T18:02:01Z."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def int_param(query: dict[str, str], name: str, default: int, minimum: int) -> int:
    """An integer query parameter; 400 invalid_parameter when malformed or too small."""
    raw = query.get(name)
    if raw is None or raw == "":
        return default
    try:
        value = int(raw)
    except ValueError:
        raise invalid_parameter(f"Wrong parameter value: {name}={raw}") from None
    if value < minimum:
        raise invalid_parameter(f"Wrong parameter value: {name}={raw}")
    return value


def parse_calls_csv(content: bytes) -> list[dict[str, str]]:
    """Rows of an uploaded calls CSV; 400 invalid_uploading when it is unusable."""
    try:
        rows = list(csv.DictReader(io.StringIO(content.decode("utf-8-sig"))))
    except (UnicodeDecodeError, csv.Error):
        raise MetricaError(400, "invalid_uploading", "Invalid file format") from None
    header = {name.strip().lower() for name in (rows[0].keys() if rows else [])}
    if not rows or not header & _ID_COLUMNS.keys() or "datetime" not in header:
        raise MetricaError(400, "invalid_uploading", "Invalid file format: no data or columns")
    # DictReader files surplus cells under the key None and pads short rows with None
    return [
        {key.strip(): value if isinstance(value, str) else "" for key, value in row.items() if key}
        for row in rows
    ]


def summarize_calls_rows(rows: list[dict[str, str]]) -> dict[str, Any]:
    """Quantities of an uploading from its rows: `line_quantity` counts rows that validate."""
    columns = {name.lower(): name for name in rows[0]}
    id_column = next(columns[name] for name in _ID_COLUMNS if name in columns)
    static_column = columns.get("staticcall", "StaticCall")
    static = sum(1 for row in rows if row.get(static_column, "").strip() == "1")
    return {
        "source_quantity": len(rows),
        "line_quantity": sum(1 for row in rows if _row_is_valid(row, id_column, columns)),
        "client_id_type": _ID_COLUMNS[id_column.lower()],
        "static_calls_quantity": static,
        "dynamic_calls_quantity": len(rows) - static,
    }


def summarize_calls_csv(content: bytes) -> dict[str, Any]:
    """Quantities of an uploaded calls CSV; 400 invalid_uploading when it is unusable."""
    return summarize_calls_rows(parse_calls_csv(content))


def _row_is_valid(row: dict[str, str], id_column: str, columns: dict[str, str]) -> bool:
    """A row Metrica would keep: a visitor id and a unix time."""
    unix_time = row.get(columns["datetime"], "").strip()
    return bool(row.get(id_column, "").strip()) and unix_time.isdigit()
