"""A tiny threaded HTTP server base for the fake Telegram and Metrica servers.

`FakeServer` runs `http.server.ThreadingHTTPServer` on 127.0.0.1 (an ephemeral port) in a daemon
thread and hands every request, parsed into a `Request`, to `handle()`; subclasses return a
`Response`. Shared state lives behind `self.lock`; `self.changed` (a Condition on that lock) is
notified whenever a subclass records something tests may wait for.
"""

from __future__ import annotations

import contextlib
import email.parser
import email.policy
import json
import socket
import sys
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, Self
from urllib.parse import parse_qsl, urlsplit


@dataclass(frozen=True)
class UploadedFile:
    """One file part of a multipart body."""

    filename: str | None
    content_type: str
    content: bytes


@dataclass(frozen=True)
class Request:
    """An HTTP request as the fakes see it; header names are lower case."""

    method: str
    path: str
    query: dict[str, str]
    headers: dict[str, str]
    body: bytes

    @property
    def content_type(self) -> str:
        """The media type without parameters, lower case."""
        return self.headers.get("content-type", "").split(";")[0].strip().lower()

    def form(self) -> tuple[dict[str, str], dict[str, UploadedFile]]:
        """Fields and files of a urlencoded or multipart body (empty for other bodies)."""
        if self.content_type == "application/x-www-form-urlencoded":
            return dict(parse_qsl(self.body.decode(), keep_blank_values=True)), {}
        if self.content_type == "multipart/form-data":
            return _parse_multipart(self.headers["content-type"], self.body)
        return {}, {}

    def json(self) -> Any:
        """The body decoded as JSON (ValueError when it is not JSON)."""
        return json.loads(self.body or b"null")


@dataclass
class Response:
    """What a fake answers."""

    status: int
    body: bytes = b""
    headers: dict[str, str] = field(default_factory=dict)

    @classmethod
    def json(cls, status: int, payload: Any, headers: dict[str, str] | None = None) -> Response:
        """A JSON response."""
        body = json.dumps(payload, ensure_ascii=False).encode()
        return cls(status, body, {"Content-Type": "application/json", **(headers or {})})


def _parse_multipart(
    content_type: str, body: bytes
) -> tuple[dict[str, str], dict[str, UploadedFile]]:
    """Split a multipart/form-data body with the standard email parser."""
    head = f"Content-Type: {content_type}\r\nMIME-Version: 1.0\r\n\r\n".encode()
    message = email.parser.BytesParser(policy=email.policy.HTTP).parsebytes(head + body)
    fields: dict[str, str] = {}
    files: dict[str, UploadedFile] = {}
    for part in message.iter_parts():
        name = part.get_param("name", header="content-disposition")
        if not isinstance(name, str):
            continue
        payload = part.get_payload(decode=True)
        content = payload if isinstance(payload, bytes) else b""
        filename = part.get_filename()
        if filename is None and part.get_content_type() == "text/plain":
            fields[name] = content.decode(part.get_content_charset() or "utf-8")
        else:
            files[name] = UploadedFile(filename, part.get_content_type(), content)
    return fields, files


class _Handler(BaseHTTPRequestHandler):
    """Turns raw HTTP into `Request` objects for the owning fake."""

    protocol_version = "HTTP/1.1"
    disable_nagle_algorithm = True  # headers and body go out in two writes; avoid 40 ms stalls
    fake: FakeServer  # set on the per-server subclass

    def setup(self) -> None:
        super().setup()
        self.fake._track(self.connection, add=True)

    def finish(self) -> None:
        try:
            super().finish()
        finally:
            self.fake._track(self.connection, add=False)

    def do_GET(self) -> None:
        self._serve()

    def do_POST(self) -> None:
        self._serve()

    def log_message(self, format: str, *args: Any) -> None:
        """Keep test output quiet; the fakes keep their own request logs."""

    def _serve(self) -> None:
        url = urlsplit(self.path)
        request = Request(
            method=self.command,
            path=url.path,
            query=dict(parse_qsl(url.query, keep_blank_values=True)),
            headers={key.lower(): value for key, value in self.headers.items()},
            body=self._read_body(),
        )
        response = self.fake._dispatch(request)
        self.send_response(response.status)
        for key, value in response.headers.items():
            self.send_header(key, value)
        self.send_header("Content-Length", str(len(response.body)))
        self.end_headers()
        self.wfile.write(response.body)

    def _read_body(self) -> bytes:
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while size := int(self.rfile.readline().split(b";")[0].strip() or b"0", 16):
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
            while self.rfile.readline() not in (b"\r\n", b"\n", b""):
                pass
            return b"".join(chunks)
        return self.rfile.read(int(self.headers.get("Content-Length") or 0))


class _QuietServer(ThreadingHTTPServer):
    """Drops the tracebacks of clients that hung up (a killed bot, a cancelled long poll)."""

    daemon_threads = True

    def handle_error(self, request: Any, client_address: Any) -> None:
        if not isinstance(sys.exc_info()[1], OSError):
            super().handle_error(request, client_address)


class FakeServer:
    """Base class: start/stop a threaded local HTTP server; subclasses implement `handle`."""

    def __init__(self) -> None:
        self.lock = threading.RLock()
        self.changed = threading.Condition(self.lock)
        self._server: ThreadingHTTPServer | None = None
        self._thread: threading.Thread | None = None
        self._connections: set[socket.socket] = set()

    def handle(self, request: Request) -> Response:
        """Answer one request (runs in a server thread)."""
        raise NotImplementedError

    @property
    def url(self) -> str:
        """Base URL such as http://127.0.0.1:PORT (only while started)."""
        if self._server is None:
            raise RuntimeError(f"{type(self).__name__} is not started")
        host, port = self._server.server_address[:2]
        return f"http://{host!s}:{port}"

    def start(self) -> Self:
        """Bind an ephemeral port and serve in a daemon thread."""
        if self._server is not None:
            return self
        handler = type("Handler", (_Handler,), {"fake": self})
        self._server = _QuietServer(("127.0.0.1", 0), handler)
        self._thread = threading.Thread(
            target=self._server.serve_forever,
            kwargs={"poll_interval": 0.05},
            name=f"{type(self).__name__}-server",
            daemon=True,
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop serving, close open keep-alive connections and wake every waiter."""
        server, self._server = self._server, None
        if server is None:
            return
        server.shutdown()
        server.server_close()
        with self.lock:
            connections = list(self._connections)
            self.changed.notify_all()
        for connection in connections:
            _close_quietly(connection.shutdown, socket.SHUT_RDWR)
        if self._thread is not None:
            self._thread.join(timeout=5)

    def __enter__(self) -> Self:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        traceback: TracebackType | None,
    ) -> None:
        self.stop()

    @property
    def running(self) -> bool:
        """Whether the server is started."""
        return self._server is not None

    def wait_until(self, condition: Callable[[], Any], timeout: float) -> Any:
        """Block until `condition()` (called under the lock) is truthy; return it or None."""
        with self.changed:
            return self.changed.wait_for(condition, timeout=timeout)

    def _dispatch(self, request: Request) -> Response:
        try:
            return self.handle(request)
        except Exception as exc:  # a bug in a fake must show up as an HTTP 500, not a hang
            return Response(500, f"fake server error: {exc!r}".encode(), {})

    def _track(self, connection: socket.socket, *, add: bool) -> None:
        with self.lock:
            if add:
                self._connections.add(connection)
            else:
                self._connections.discard(connection)


def _close_quietly(close: Callable[..., object], *args: object) -> None:
    """Call a socket shutdown function, ignoring sockets that are already gone."""
    with contextlib.suppress(OSError):
        close(*args)
