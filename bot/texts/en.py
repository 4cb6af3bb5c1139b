"""English texts. Keys and placeholders match ru.py (a test checks it)."""

from __future__ import annotations

MESSAGES: dict[str, str] = {
    "start": (
        "👋 I watch your <b>Yandex Metrica</b> call-data uploadings and tell this chat "
        "when their status changes (PROCESSED, LINKAGE_FAILURE…).\n\n"
        "<b>How to begin</b>\n"
        "1. In a private chat with me: {token_cmd} <code>&lt;OAuth token&gt;</code>: "
        "your Yandex token with the <code>metrika:read</code> scope.\n"
        "2. {link_cmd} <code>&lt;counter id&gt;</code>: link a counter to this chat.\n"
        "3. {subscribe_cmd}: get a message on every status change.\n\n"
        "{help_cmd}: all commands."
    ),
    "help": (
        "<b>Commands</b>\n"
        "{token_cmd} <code>&lt;token&gt;</code>: save your Yandex OAuth token (private chat only); "
        "{token_cmd} alone: is one saved; {token_cmd} <code>delete</code>: forget it\n"
        "{link_cmd} <code>&lt;counter&gt; [@channel]</code>: link a counter\n"
        "{unlink_cmd} <code>&lt;counter&gt;</code>: unlink it\n"
        "{counters_cmd}: linked counters\n"
        "{uploadings_cmd} <code>[counter]</code>: call uploadings, newest first\n"
        "{uploading_cmd} <code>&lt;id&gt; [counter]</code>: one uploading in full\n"
        "{subscribe_cmd} <code>[counter] [@channel]</code>: notify about status changes\n"
        "{unsubscribe_cmd} <code>[counter]</code>: stop notifications\n"
        "{subscriptions_cmd}: this chat's subscriptions\n"
        "{lang_cmd} <code>ru|en</code>: language of this chat"
    ),
    "error_internal": "Something went wrong on my side. Please try again in a minute.",
    "_raw": "{raw}",
    # Status labels: shown with the raw code, e.g. "✅ Processed (PROCESSED)".
    "status_PREPARED": "⏳ Prepared",
    "status_UPLOADED": "📥 Uploaded",
    "status_EXPORTED": "📤 Exported",
    "status_MATCHED": "🔗 Matched",
    "status_PROCESSED": "✅ Processed",
    "status_LINKAGE_FAILURE": "❌ Linkage failure",
    "status_unknown": "❔ Unknown status",
    # --- chat interface (commands) ---
    # --- monitor notifications ---
}
