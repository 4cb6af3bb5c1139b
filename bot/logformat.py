"""LOG_FORMAT: text lines prefixed with the instance id (default), or one JSON object per line.

Both shapes format a record after the handler's filters ran, so whatever redaction filter
bot/logs.py installs has already rewritten the message (and any exception text it fills in).
"""

from __future__ import annotations

import json
import logging
from datetime import UTC, datetime
from typing import Any

from bot.monitor.instance import InstanceTag

# `extra=` fields a log call may carry; copied into the JSON object when present.
ID_FIELDS = ("counter_id", "chat_id", "credential_id", "uploading_id")


class JsonFormatter(logging.Formatter):
    """time, level, logger, message, instance, the ids a line names, and the exception."""

    def __init__(self, instance: str) -> None:
        super().__init__()
        self._instance = instance

    def format(self, record: logging.LogRecord) -> str:
        """One line of JSON; non-ASCII kept readable."""
        entry: dict[str, Any] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname,
            "logger": record.name,
            "message": record.getMessage(),
            "instance": self._instance,
        }
        for name in ID_FIELDS:
            value = record.__dict__.get(name)
            if value is not None:
                entry[name] = value
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        if record.exc_text:
            entry["exception"] = record.exc_text
        if record.stack_info:
            entry["stack"] = self.formatStack(record.stack_info)
        return json.dumps(entry, ensure_ascii=False, default=str)


def use_log_format(log_format: str, instance: str) -> None:
    """Give every root handler the chosen shape (call after configure_logging)."""
    for handler in logging.getLogger().handlers:
        if log_format == "json":
            handler.setFormatter(JsonFormatter(instance))
        else:
            handler.addFilter(InstanceTag(instance))
