"""/subscribe, /unsubscribe and /subscriptions, and the buttons that pick the counter."""

from __future__ import annotations

from bot.services import subscriptions as service
from bot.services.chats import ChatRef
from bot.telegram.callback_data import Subscribe, Unsubscribe
from bot.telegram.invocation import ButtonActions, Invocation
from bot.telegram.parsing import ArgumentError, parse_counter_args
from bot.texts import Html
from bot.texts.render import counter_label, render_subscriptions


async def subscribe(inv: Invocation) -> None:
    """/subscribe [counter_id] [chat]: tell the chat about status changes of a linked counter."""
    args = parse_counter_args(inv.args)
    chat = await inv.use_target(args.target)
    managed = chat.id if inv.target else None
    counter_id = args.counter_id or await inv.choose_counter(
        "pick_subscribe", lambda counter: Subscribe(counter, managed)
    )
    if counter_id is not None:
        await inv.reply(await _subscribed(inv, chat, counter_id))


async def subscribe_pressed(inv: Invocation, button: Subscribe) -> None:
    """A counter picked for /subscribe."""
    chat = await inv.use_target(button.chat_id)
    await inv.show(await _subscribed(inv, chat, button.counter_id))


async def _subscribed(inv: Invocation, chat: ChatRef, counter_id: int) -> Html:
    counter, created = await service.subscribe(inv.services, chat.id, counter_id)
    key = "subscribed" if created else "subscribed_already"
    return inv.text(key, counter=counter_label(counter))


async def unsubscribe(inv: Invocation) -> None:
    """/unsubscribe [counter_id] [chat]."""
    args = parse_counter_args(inv.args)
    chat = await inv.use_target(args.target)
    managed = chat.id if inv.target else None
    counter_id = args.counter_id or await inv.choose_counter(
        "pick_unsubscribe", lambda counter: Unsubscribe(counter, managed), subscribed_only=True
    )
    if counter_id is not None:
        await inv.reply(await _unsubscribed(inv, chat, counter_id))


async def unsubscribe_pressed(inv: Invocation, button: Unsubscribe) -> None:
    """A counter picked for /unsubscribe."""
    chat = await inv.use_target(button.chat_id)
    await inv.show(await _unsubscribed(inv, chat, button.counter_id))


async def _unsubscribed(inv: Invocation, chat: ChatRef, counter_id: int) -> Html:
    counter = await service.unsubscribe(inv.services, chat.id, counter_id)
    return inv.text("unsubscribed", counter=counter_label(counter))


async def subscriptions(inv: Invocation) -> None:
    """/subscriptions [chat]: the counters this chat hears about."""
    args = parse_counter_args(inv.args)
    if args.counter_id is not None:
        raise ArgumentError("no counter id here")
    chat = await inv.use_target(args.target)
    items = await service.subscriptions(inv.services, chat.id)
    title = (chat.title or str(chat.id)) if inv.target else None
    await inv.reply(render_subscriptions(inv.lang, items, inv.names, title))


BUTTONS: ButtonActions = {Subscribe: subscribe_pressed, Unsubscribe: unsubscribe_pressed}
