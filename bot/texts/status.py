"""How a status reads: a label in the chat's language plus Metrica's raw code."""

from __future__ import annotations

from bot.domain import KNOWN_STATUSES
from bot.texts import Html, t


def status_label(lang: str, status: str) -> Html:
    """'✅ Processed (PROCESSED)'; an unknown code is shown as it is, escaped."""
    key = f"status_{status}" if status in KNOWN_STATUSES else "status_unknown"
    return Html(f"{t(lang, key)} (<code>{t(lang, '_raw', raw=status)}</code>)")
