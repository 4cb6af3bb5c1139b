"""Observation for the fake Telegram: what the bot sent and called, and waiting for it.

A mixin of `FakeTelegram`. Blocking waits use the fake's Condition with a timeout and raise
AssertionError describing what did happen; the `*_async` variants run them in a thread.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Callable
from typing import Any

from fakes.telegram_methods import BotApiMethods
from fakes.telegram_topics import ANY_THREAD, ThreadFilter, thread_matches
from fakes.telegram_world import World

Predicate = Callable[[dict[str, Any]], bool]


class Observation:
    """Read-only views of the fake's state and waits on it."""

    lock: threading.RLock
    changed: threading.Condition
    world: World
    methods: BotApiMethods
    get_updates_calls: int
    delivered_update_id: int
    _requests: list[tuple[str, dict[str, Any]]]
    wait_until: Callable[[Callable[[], Any], float], Any]  # from FakeServer

    # --- observation ---------------------------------------------------------------------------
    def sent(
        self, chat_id: int | str, *, thread_id: ThreadFilter = ANY_THREAD, kind: str | None = None
    ) -> list[dict[str, Any]]:
        """The bot's messages in a chat (current state, deleted ones flagged), oldest first.

        `thread_id` keeps one forum topic (None: General); `kind` keeps text, document or photo.
        """
        with self.lock:
            return [
                record.snapshot()
                for record in self.world.sent_in(self._chat_key(chat_id))
                if thread_matches(record.message_thread_id, thread_id)
                and kind in (None, record.kind)
            ]

    def all_sent(self) -> list[dict[str, Any]]:
        """Every message the bot sent anywhere, in sending order."""
        with self.lock:
            return [self.world.sent[key].snapshot() for key in self.world.sent_order]

    @property
    def requests(self) -> list[tuple[str, dict[str, Any]]]:
        """Every API call as (method, parameters), parameters decoded."""
        with self.lock:
            return list(self._requests)

    def calls(self, method: str) -> list[dict[str, Any]]:
        """Parameters of every call of one method (case-insensitive)."""
        return [params for name, params in self.requests if name.lower() == method.lower()]

    @property
    def callback_answers(self) -> list[dict[str, Any]]:
        """Parameters of every accepted answerCallbackQuery."""
        with self.lock:
            return list(self.methods.callback_answers)

    @property
    def count_429(self) -> int:
        """How many flood-limit (429) answers the bot got (injected ones not counted)."""
        with self.lock:
            return self.methods.too_many_requests

    @property
    def webhook(self) -> dict[str, Any]:
        """Parameters of the last setWebhook ({} when none)."""
        with self.lock:
            return dict(self.methods.webhook)

    def my_commands(
        self, scope: dict[str, Any] | None = None, language_code: str = ""
    ) -> list[dict[str, Any]]:
        """The command list set for a scope (default scope when None) and language."""
        with self.lock:
            return list(
                self.methods.commands.get(self.methods.commands_key(scope, language_code), [])
            )

    @property
    def pending_updates(self) -> int:
        """Updates not yet confirmed by the bot's getUpdates offset."""
        with self.lock:
            return len(self.world.updates)

    # --- waiting -------------------------------------------------------------------------------
    def wait_until_polling(self, timeout: float = 10.0, *, after: int = 0) -> bool:
        """True once getUpdates was called more than `after` times (False on timeout)."""
        return bool(self.wait_until(lambda: self.get_updates_calls > after, timeout))

    def wait_until_delivered(self, timeout: float = 10.0) -> bool:
        """True once every update injected so far was handed to the bot by getUpdates."""
        with self.lock:
            last = self.world.next_update_id - 1
        return bool(self.wait_until(lambda: self.delivered_update_id >= last, timeout))

    def wait_for_message(
        self,
        chat_id: int | str,
        *,
        contains: str | None = None,
        predicate: Predicate | None = None,
        timeout: float = 10.0,
        after: int = 0,
        thread_id: ThreadFilter = ANY_THREAD,
        kind: str | None = None,
    ) -> dict[str, Any]:
        """The first bot message in the chat with message_id > after that matches.

        `contains` is looked for in the visible text (a caption for media) and in the raw text
        as sent; `thread_id` wants that forum topic (None: General); `kind` text, document or
        photo. Raises AssertionError listing what was sent when nothing matches in time.
        """
        return self._wait_sent(
            chat_id,
            contains,
            predicate,
            timeout,
            after,
            min_edits=0,
            thread_id=thread_id,
            kind=kind,
        )

    def wait_for_edit(
        self,
        chat_id: int | str,
        message_id: int | None = None,
        *,
        contains: str | None = None,
        predicate: Predicate | None = None,
        timeout: float = 10.0,
        min_edits: int = 1,
    ) -> dict[str, Any]:
        """A bot message (this one, or any) edited at least `min_edits` times that matches."""
        after = message_id - 1 if message_id is not None else 0
        matches = predicate
        if message_id is not None:

            def matches(message: dict[str, Any]) -> bool:
                return message["message_id"] == message_id and (predicate or bool)(message)

        return self._wait_sent(chat_id, contains, matches, timeout, after, min_edits=min_edits)

    def wait_for_request(
        self,
        method: str,
        *,
        predicate: Predicate | None = None,
        timeout: float = 10.0,
        after: int = 0,
    ) -> dict[str, Any]:
        """Parameters of the first call of `method` at log index >= after that matches."""

        def find() -> tuple[dict[str, Any]] | None:
            # Wrapped: a call without parameters (getMe) has {} for params, which is falsy.
            for name, params in self._requests[after:]:
                if name.lower() == method.lower() and (predicate is None or predicate(params)):
                    return (params,)
            return None

        found = self.wait_until(find, timeout)
        if found is None:
            seen = [name for name, _ in self.requests[after:]]
            raise AssertionError(f"no {method} call within {timeout}s; calls: {seen}")
        return dict(found[0])

    def _wait_sent(
        self,
        chat_id: int | str,
        contains: str | None,
        predicate: Predicate | None,
        timeout: float,
        after: int,
        *,
        min_edits: int,
        thread_id: ThreadFilter = ANY_THREAD,
        kind: str | None = None,
    ) -> dict[str, Any]:
        key = self._chat_key(chat_id)

        def find() -> dict[str, Any] | None:
            for record in self.world.sent_in(key):
                snapshot = record.snapshot()
                if (
                    record.message_id > after
                    and record.edit_count >= min_edits
                    and thread_matches(record.message_thread_id, thread_id)
                    and kind in (None, record.kind)
                    and (contains is None or contains in record.text or contains in record.raw_text)
                    and (predicate is None or predicate(snapshot))
                ):
                    return snapshot
            return None

        found: dict[str, Any] | None = self.wait_until(find, timeout)
        if found is None:
            sent = [
                (
                    m["message_id"],
                    m["edit_count"],
                    m["message_thread_id"],
                    m["kind"],
                    m["text"][:200],
                )
                for m in self.sent(key)
            ]
            raise AssertionError(
                f"no bot message in chat {chat_id} after #{after} with {min_edits}+ edits "
                f"matching contains={contains!r} predicate={predicate} thread_id={thread_id} "
                f"kind={kind} within {timeout}s; sent there (id, edits, thread, kind, text): {sent}"
            )
        return found

    def _chat_key(self, chat_id: int | str) -> int:
        with self.lock:
            if isinstance(chat_id, str) and chat_id.startswith("@"):
                return self.world.resolve(chat_id).id
            return int(chat_id)

    # --- async wrappers --------------------------------------------------------------------------
    async def wait_for_message_async(self, chat_id: int | str, **kwargs: Any) -> dict[str, Any]:
        """`wait_for_message` in a worker thread."""
        return await asyncio.to_thread(self.wait_for_message, chat_id, **kwargs)

    async def wait_for_edit_async(
        self, chat_id: int | str, message_id: int | None = None, **kwargs: Any
    ) -> dict[str, Any]:
        """`wait_for_edit` in a worker thread."""
        return await asyncio.to_thread(self.wait_for_edit, chat_id, message_id, **kwargs)

    async def wait_for_request_async(self, method: str, **kwargs: Any) -> dict[str, Any]:
        """`wait_for_request` in a worker thread."""
        return await asyncio.to_thread(self.wait_for_request, method, **kwargs)

    async def wait_until_polling_async(
        self,
        timeout: float = 10.0,  # noqa: ASYNC109 - the blocking wait's own timeout
        *,
        after: int = 0,
    ) -> bool:
        """`wait_until_polling` in a worker thread."""
        return await asyncio.to_thread(self.wait_until_polling, timeout, after=after)
