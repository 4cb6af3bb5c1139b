"""Payloads of the buttons the monitor puts on notifications, shared with the chat interface.

The monitor writes them into the outbox; bot/telegram/callback_data.py decodes them like every
other button. Both point here, so neither layer imports the other.
"""

from __future__ import annotations

DETAILS_KIND = "dt"


def details_payload(counter_id: int, uploading_id: int) -> str:
    """The callback data of a notification's Details button for one uploading."""
    return f"{DETAILS_KIND}:{counter_id}:{uploading_id}"
