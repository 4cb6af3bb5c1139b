"""This process's name among bot processes: in leases and in every log line."""

from __future__ import annotations

import functools
import logging
import os
import secrets
import socket


@functools.cache
def instance_id() -> str:
    """'host-pid-xxxx', made once per process; the suffix tells apart reused pids."""
    host = socket.gethostname().split(".")[0][:40] or "bot"
    return f"{host}-{os.getpid()}-{secrets.token_hex(2)}"


class InstanceTag(logging.Filter):
    """Prefixes every log line with the instance id, so merged logs tell processes apart."""

    def __init__(self, instance: str) -> None:
        super().__init__()
        self._prefix = f"[{instance}] "

    def filter(self, record: logging.LogRecord) -> bool:
        """Render the message once with the prefix."""
        record.msg, record.args = self._prefix + record.getMessage(), None
        return True
