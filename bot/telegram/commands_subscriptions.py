"""/subscribe, /unsubscribe and /subscriptions, and their buttons: picking the counter, changing
what a subscription hears and its sound."""

from __future__ import annotations

from bot.services import subscriptions as service
from bot.services.chats import ChatRef
from bot.services.subscriptions import SubscriptionChange
from bot.telegram.callback_data import (
    Button,
    Subscribe,
    SubscribeWith,
    SubscriptionHears,
    SubscriptionSilence,
    Unsubscribe,
)
from bot.telegram.invocation import ButtonActions, Invocation
from bot.telegram.keyboards import subscription_settings
from bot.telegram.parsing import ArgumentError, parse_counter_args, parse_subscribe_args
from bot.texts import Html
from bot.texts.render import counter_label
from bot.texts.render_subscriptions import render_subscribed, render_subscriptions


async def subscribe(inv: Invocation) -> None:
    """/subscribe [counter_id] [all|final|failures] [silent|loud] [chat], in any order.

    Sent in a forum, the subscription goes to the topic (or General) it was sent in; naming a
    chat from a private chat keeps the topic it has there.
    """
    args = parse_subscribe_args(inv.args)
    chat = await inv.use_target(args.target)
    managed = chat.id if inv.target else None
    topic = None if inv.target else inv.topic
    change = SubscriptionChange(args.hears, args.silent, topic)

    def button(counter: int) -> Button:
        if args.hears is None and args.silent is None:
            return Subscribe(counter, managed)
        return SubscribeWith.of(counter, args.hears, args.silent, managed)

    counter_id = args.counter_id or await inv.choose_counter("pick_subscribe", button)
    if counter_id is not None:
        await inv.reply(await _subscribed(inv, chat, counter_id, change))


async def subscribe_pressed(inv: Invocation, button: Subscribe | SubscribeWith) -> None:
    """A counter picked for /subscribe (in a forum: the topic of the message with the buttons)."""
    chat = await inv.use_target(button.chat_id)
    topic = None if inv.target else inv.topic
    if isinstance(button, SubscribeWith):
        change = SubscriptionChange(button.filter, button.silence, topic)
    else:
        change = SubscriptionChange(topic=topic)
    await inv.show(await _subscribed(inv, chat, button.counter_id, change))


async def _subscribed(
    inv: Invocation, chat: ChatRef, counter_id: int, change: SubscriptionChange
) -> Html:
    result = await service.subscribe(inv.services, chat.id, counter_id, change)
    return render_subscribed(inv.lang, result, inv.where, forum=chat.is_forum)


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
    """/subscriptions [chat]: what this chat hears, with buttons that change it."""
    args = parse_counter_args(inv.args)
    if args.counter_id is not None:
        raise ArgumentError("no counter id here")
    chat = await inv.use_target(args.target)
    await _show_subscriptions(inv, chat)


async def setting_pressed(inv: Invocation, button: SubscriptionHears | SubscriptionSilence) -> None:
    """▸ or 🔔/🔕 under /subscriptions: change the subscription, show the list anew."""
    chat = await inv.use_target(button.chat_id)
    if isinstance(button, SubscriptionHears):
        change = SubscriptionChange(hears=button.filter)
    else:
        change = SubscriptionChange(silent=bool(button.silent))
    await service.subscribe(inv.services, chat.id, button.counter_id, change, create=False)
    await _show_subscriptions(inv, chat)


async def _show_subscriptions(inv: Invocation, chat: ChatRef) -> None:
    items = await service.subscriptions(inv.services, chat.id)
    title = (chat.title or str(chat.id)) if inv.target else None
    text = render_subscriptions(inv.lang, items, inv.names, title, forum=chat.is_forum)
    managed = chat.id if inv.target else None
    await inv.show(text, subscription_settings(inv.lang, items, managed))


BUTTONS: ButtonActions = {
    Subscribe: subscribe_pressed,
    SubscribeWith: subscribe_pressed,
    Unsubscribe: unsubscribe_pressed,
    SubscriptionHears: setting_pressed,
    SubscriptionSilence: setting_pressed,
}
