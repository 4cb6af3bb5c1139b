"""/subscribe, /unsubscribe and /subscriptions."""

from __future__ import annotations

from bot.services import subscriptions as service
from bot.telegram.callback_data import Subscribe, Unsubscribe
from bot.telegram.choosing import choose_counter
from bot.telegram.invocation import Invocation, command
from bot.telegram.parsing import ArgumentError, parse_counter_args
from bot.texts.render import counter_label, render_subscriptions


@command("usage_subscribe", changes=True)
async def subscribe(inv: Invocation) -> None:
    """/subscribe [counter_id] [chat]: tell the chat about status changes of a linked counter."""
    args = parse_counter_args(inv.args)
    chat = await inv.use_target(args.target)
    managed = chat.id if inv.target else None
    counter_id = args.counter_id or await choose_counter(
        inv, "pick_subscribe", lambda counter: Subscribe(counter, managed)
    )
    if counter_id is None:
        return
    counter, created = await service.subscribe(inv.services, chat.id, counter_id)
    key = "subscribed" if created else "subscribed_already"
    await inv.reply(inv.text(key, counter=counter_label(counter)))


@command("usage_unsubscribe", changes=True)
async def unsubscribe(inv: Invocation) -> None:
    """/unsubscribe [counter_id] [chat]."""
    args = parse_counter_args(inv.args)
    chat = await inv.use_target(args.target)
    managed = chat.id if inv.target else None
    counter_id = args.counter_id or await choose_counter(
        inv, "pick_unsubscribe", lambda counter: Unsubscribe(counter, managed), subscribed_only=True
    )
    if counter_id is None:
        return
    counter = await service.unsubscribe(inv.services, chat.id, counter_id)
    await inv.reply(inv.text("unsubscribed", counter=counter_label(counter)))


@command("help")
async def subscriptions(inv: Invocation) -> None:
    """/subscriptions [chat]: the counters this chat hears about."""
    args = parse_counter_args(inv.args)
    if args.counter_id is not None:
        raise ArgumentError("no counter id here")
    chat = await inv.use_target(args.target)
    items = await service.subscriptions(inv.services, chat.id)
    title = (chat.title or str(chat.id)) if inv.target else None
    await inv.reply(render_subscriptions(inv.lang, items, inv.names, title))
