"""Parameters of Bot API calls in the fake Telegram, decoded the way Telegram decodes them.

Query strings, urlencoded and multipart bodies carry every value as a string (PTB sends objects
as JSON strings); JSON bodies carry real types. Both end up as the same Python values.
"""

from __future__ import annotations

import json
import re
from typing import Any

from fakes.telegram_world import bad_request

# Form-encoded requests carry these as JSON strings (PTB's RequestParameter.json_value).
JSON_FIELDS = frozenset(
    {
        "reply_markup",
        "entities",
        "caption_entities",
        "commands",
        "scope",
        "reply_parameters",
        "link_preview_options",
    }
)
INT_FIELDS = frozenset(
    {"chat_id", "message_id", "user_id", "offset", "limit", "timeout", "message_thread_id"}
)
BOOL_FIELDS = frozenset(
    {
        "disable_notification",
        "protect_content",
        "drop_pending_updates",
        "show_alert",
        "allow_sending_without_reply",
        "disable_content_type_detection",
        "has_spoiler",
        "show_caption_above_media",
    }
)


def normalize_params(params: dict[str, Any]) -> dict[str, Any]:
    """Decode form strings the way Telegram does: JSON objects, integers, booleans."""
    result = dict(params)
    for key, value in params.items():
        if not isinstance(value, str):
            continue
        if key in JSON_FIELDS:
            try:
                result[key] = json.loads(value)
            except ValueError:
                raise bad_request(f"can't parse {key} JSON object") from None
        elif key in INT_FIELDS and re.fullmatch(r"-?\d+", value.strip()):
            result[key] = int(value)
        elif key in BOOL_FIELDS:
            result[key] = value.lower() in {"true", "1"}
    return result
