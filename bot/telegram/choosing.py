"""When a command names no counter: the only one there is, or buttons to pick one."""

from __future__ import annotations

from collections.abc import Callable

from bot.errors import NoCounters, NoSubscriptions
from bot.services.counters import linked_counters
from bot.telegram.callback_data import Button
from bot.telegram.invocation import Invocation
from bot.telegram.keyboards import counter_choice


async def choose_counter(
    inv: Invocation,
    prompt: str,
    make: Callable[[int], Button],
    *,
    subscribed_only: bool = False,
    **params: object,
) -> int | None:
    """The counter id when there is one choice; else None after offering buttons."""
    counters = await linked_counters(inv.services, inv.subject.id)
    if subscribed_only:
        counters = [counter for counter in counters if counter.subscribed]
        if not counters:
            raise NoSubscriptions
    if not counters:
        raise NoCounters
    if len(counters) == 1:
        return counters[0].id
    await inv.reply(inv.text(prompt, **params), counter_choice(counters, make))
    return None
