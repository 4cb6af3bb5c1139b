"""Observation of calls in the fake Telegram: their order and timing, chat actions, the profile.

A mixin of `FakeTelegram`. Every call has an `index` (its position in `requests`) and `at`, the
`time.monotonic()` when it arrived, so a test can assert "typing went out before the reply"
(compare a chat action's index with the reply's `call_index`) or "the button was answered
before the slow Metrica request finished" (compare `at` with the test's own clock).
"""

from __future__ import annotations

import asyncio
import json
from typing import Any

from fakes.telegram_observe import Observation
from fakes.telegram_records import CallRecord
from fakes.telegram_topics import ANY_THREAD, ThreadFilter, thread_matches


class CallObservation(Observation):
    """Call log, chat actions, callback answers, descriptions and command lists."""

    _calls: list[CallRecord]

    def call_log(self, method: str | None = None) -> list[dict[str, Any]]:
        """Every call (or every call of one method) in arrival order, with times and outcome.

        Each: {"index", "method", "params", "at", "finished_at", "ok", "error"}.
        """
        with self.lock:
            return [
                call.snapshot()
                for call in self._calls
                if method is None or call.method.lower() == method.lower()
            ]

    def chat_actions(
        self, chat_id: int | str | None = None, *, thread_id: ThreadFilter = ANY_THREAD
    ) -> list[dict[str, Any]]:
        """Accepted sendChatAction calls, oldest first (all chats when chat_id is None).

        Each: {"chat_id", "action", "message_thread_id", "at", "index"}.
        """
        key = None if chat_id is None else self._chat_key(chat_id)
        with self.lock:
            return [
                action.snapshot()
                for action in self.methods.chat_actions
                if key in (None, action.chat_id)
                and thread_matches(action.message_thread_id, thread_id)
            ]

    def wait_for_chat_action(
        self,
        chat_id: int | str,
        *,
        action: str | None = None,
        thread_id: ThreadFilter = ANY_THREAD,
        timeout: float = 10.0,
        after_index: int = 0,
    ) -> dict[str, Any]:
        """The first accepted chat action in the chat at call index >= after_index that matches."""
        key = self._chat_key(chat_id)

        def find() -> dict[str, Any] | None:
            for record in self.methods.chat_actions:
                if (
                    record.chat_id == key
                    and record.index >= after_index
                    and action in (None, record.action)
                    and thread_matches(record.message_thread_id, thread_id)
                ):
                    return record.snapshot()
            return None

        found: dict[str, Any] | None = self.wait_until(find, timeout)
        if found is None:
            seen = [
                (a["index"], a["action"], a["message_thread_id"]) for a in self.chat_actions(key)
            ]
            raise AssertionError(
                f"no chat action {action!r} in chat {chat_id} (thread {thread_id}) from call "
                f"#{after_index} within {timeout}s; seen (index, action, thread): {seen}"
            )
        return found

    async def wait_for_chat_action_async(self, chat_id: int | str, **kwargs: Any) -> dict[str, Any]:
        """`wait_for_chat_action` in a worker thread."""
        return await asyncio.to_thread(self.wait_for_chat_action, chat_id, **kwargs)

    @property
    def callback_answer_log(self) -> list[dict[str, Any]]:
        """Accepted answerCallbackQuery calls with timing.

        Each: {"callback_query_id", "text", "show_alert", "params", "at", "index"}.
        """
        with self.lock:
            return [dict(answer) for answer in self.methods.callback_answer_log]

    # --- the bot's profile -----------------------------------------------------------------------
    def my_description(self, language_code: str = "") -> str:
        """What setMyDescription stored for this language ("" when unset)."""
        with self.lock:
            return self.methods.profile_text("description", language_code)

    def my_short_description(self, language_code: str = "") -> str:
        """What setMyShortDescription stored for this language ("" when unset)."""
        with self.lock:
            return self.methods.profile_text("short_description", language_code)

    def my_name(self, language_code: str = "") -> str:
        """What setMyName stored for this language (the bot's first_name for the default)."""
        with self.lock:
            return self.methods.profile_text("name", language_code)

    def commands_for(
        self,
        scope_type: str = "default",
        language_code: str = "",
        *,
        chat_id: int | str | None = None,
        user_id: int | None = None,
    ) -> list[dict[str, Any]]:
        """The command list set for exactly this scope and language ([] when none).

        `chat_id` is required for the chat, chat_administrators and chat_member scopes,
        `user_id` for chat_member; "@username" and the numeric id name the same chat.
        """
        scope: dict[str, Any] = {"type": scope_type}
        if chat_id is not None:
            scope["chat_id"] = chat_id
        if user_id is not None:
            scope["user_id"] = user_id
        with self.lock:
            key = self.methods.commands_key(scope, language_code)
            return [dict(command) for command in self.methods.commands.get(key, [])]

    def command_scopes(self) -> list[tuple[dict[str, Any], str]]:
        """Every (scope, language_code) that has a command list set."""
        with self.lock:
            return [(json.loads(scope), language) for scope, language in self.methods.commands]
