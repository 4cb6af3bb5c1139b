"""The Management API endpoints of the fake Metrica: routing, scopes, and the views themselves.

Every method runs under the fake's lock with an authenticated, admitted token; errors are
raised as `MetricaError`. Reads need `metrika:read` (or `metrika:write`); uploading calls needs
`metrika:offline_data` (or `metrika:write`), as /work/shared/yandex/OAUTH.md section 6 says.
"""

from __future__ import annotations

import contextlib
import re
import time
from collections.abc import Callable

from fakes.http_base import Request, Response
from fakes.metrica_world import (
    MetricaError,
    MetricaWorld,
    RecordedUpload,
    int_param,
    invalid_parameter,
    now_iso,
    parse_calls_csv,
    summarize_calls_rows,
)
from fakes.yandex_accounts import READ_SCOPES, UPLOAD_SCOPES, TokenState

_PREFIX = "/management/v1"
_COUNTER = rf"^{_PREFIX}/counter/(?P<counter>[^/]+)"
_OFFLINE = rf"{_COUNTER}/offline_conversions"


def scope_error() -> MetricaError:
    """403 access_denied for a token whose scopes do not allow the call."""
    return MetricaError(403, "access_denied", "Access denied: insufficient rights (scope)")


class MetricaEndpoints:
    """Routes a request to its view; `upload_status` is the status of new uploadings."""

    def __init__(self, world: MetricaWorld) -> None:
        self.world = world
        self.upload_status = "UPLOADED"
        self._routes: list[tuple[str, re.Pattern[str], Callable[..., Response]]] = [
            ("GET", re.compile(rf"^{_PREFIX}/counters/?$"), self._counters),
            ("GET", re.compile(rf"{_COUNTER}/?$"), self._counter),
            ("GET", re.compile(rf"{_OFFLINE}/calls_uploadings/?$"), self._uploadings),
            ("GET", re.compile(rf"{_OFFLINE}/calls_uploading/(?P<uid>[^/]+)/?$"), self._uploading),
            ("POST", re.compile(rf"{_OFFLINE}/upload_calls/?$"), self._upload),
        ]

    def route(self, request: Request, state: TokenState) -> Response:
        """Answer one admitted request."""
        for method, pattern, view in self._routes:
            match = pattern.match(request.path)
            if match and request.method == method:
                # the upload view checks its own scope: a refused upload is still recorded
                if method == "GET" and not state.scopes & READ_SCOPES:
                    raise scope_error()
                return view(request, state, **match.groupdict())
        raise MetricaError(404, "not_found", "Resource not found")

    def _counters(self, request: Request, state: TokenState) -> Response:
        per_page = min(int_param(request.query, "per_page", 1000, 1), 1000)
        offset = int_param(request.query, "offset", 1, 1)
        search = request.query.get("search_string", "").lower()
        visible = [
            self.world.counters[counter_id]
            for counter_id in sorted(self.world.accounts.visible_counters(state))
            if counter_id in self.world.counters
        ]
        if search:
            visible = [c for c in visible if search in f"{c['name']} {c['site']}".lower()]
        page = visible[offset - 1 : offset - 1 + per_page]
        return Response.json(200, {"rows": len(visible), "counters": [dict(c) for c in page]})

    def _counter(self, request: Request, state: TokenState, counter: str) -> Response:
        return Response.json(200, {"counter": dict(self.world.counter_for(state, counter))})

    def _uploadings(self, request: Request, state: TokenState, counter: str) -> Response:
        counter_id = self.world.counter_for(state, counter)["id"]
        limit = int_param(request.query, "limit", 10000, 1)
        offset = int_param(request.query, "offset", 0, 0)
        items = self.world.uploadings.get(counter_id, {})
        page = [dict(items[key]) for key in sorted(items)][offset : offset + limit]
        return Response.json(200, {"uploadings": page})

    def _uploading(self, request: Request, state: TokenState, counter: str, uid: str) -> Response:
        counter_id = self.world.counter_for(state, counter)["id"]
        try:
            uploading = self.world.uploadings.get(counter_id, {})[int(uid)]
        except (ValueError, KeyError):
            raise invalid_parameter("No object with specified ID.") from None
        return Response.json(200, {"uploading": dict(uploading)})

    def _upload(self, request: Request, state: TokenState, counter: str) -> Response:
        record = _record(request, state, counter)
        self.world.uploads.append(record)
        try:
            uploading = self._accept(request, state, counter, record)
        except MetricaError as error:
            record.status, record.error_type = error.status, error.error_type
            raise
        record.status, record.uploading = 200, dict(uploading)
        return Response.json(200, {"uploading": dict(uploading)})

    def _accept(
        self, request: Request, state: TokenState, counter: str, record: RecordedUpload
    ) -> dict[str, object]:
        if not state.scopes & UPLOAD_SCOPES:
            raise scope_error()
        counter_id = self.world.counter_for(state, counter)["id"]
        if request.content_type != "multipart/form-data":
            raise invalid_parameter("Expected multipart/form-data with a 'file' part")
        if record.content is None:
            raise MetricaError(400, "missing_parameter", "Required part 'file' is not present")
        comment = request.query.get("comment", "")
        if len(comment) > 255:
            raise invalid_parameter("comment is longer than 255 characters")
        rows = parse_calls_csv(record.content)  # raises what _record swallowed
        return self.world.add_uploading(
            counter_id,
            **summarize_calls_rows(rows),
            comment=comment,
            create_time=now_iso(),
            status=self.upload_status,
        )


def _record(request: Request, state: TokenState, counter: str) -> RecordedUpload:
    """What the upload carried, before any check can refuse it."""
    try:
        _, files = request.form()
    except Exception:  # a broken multipart body is still an upload attempt worth recording
        files = {}
    part = files.get("file")
    rows: list[dict[str, str]] = []
    if part is not None:
        with contextlib.suppress(MetricaError):
            rows = parse_calls_csv(part.content)
    return RecordedUpload(
        token=state.token,
        login=state.login,
        counter=counter,
        comment=request.query.get("comment"),
        query=dict(request.query),
        filename=part.filename if part else None,
        content_type=part.content_type if part else None,
        content=part.content if part else None,
        rows=rows,
        at=time.time(),
    )
