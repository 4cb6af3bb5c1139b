"""/link, /unlink and /counters, and the button that links a counter of the sender's token."""

from __future__ import annotations

from bot.services.counters import link_counter, linked_counters, unlink_counter
from bot.telegram.callback_data import LinkCounter
from bot.telegram.invocation import ButtonActions, Invocation
from bot.telegram.parsing import ArgumentError, parse_counter_args, required_counter
from bot.texts import Html
from bot.texts.render import counter_label, render_counters, render_linked
from bot.views import Linked


async def link(inv: Invocation) -> None:
    """/link <counter_id> [chat]: link a counter the sender's token can see."""
    args = parse_counter_args(inv.args)
    counter_id = required_counter(args)
    user_id = inv.require_user()
    chat = await inv.use_target(args.target)
    result = await link_counter(inv.services, chat, user_id, counter_id)
    await inv.reply(_linked_text(inv, result))


async def link_pressed(inv: Invocation, button: LinkCounter) -> None:
    """A counter button under the /token reply: link it to this chat."""
    result = await link_counter(inv.services, inv.chat, inv.require_user(), button.counter_id)
    await inv.reply(_linked_text(inv, result))


def _linked_text(inv: Invocation, result: Linked) -> Html:
    managed = inv.target.id if inv.target else None
    return render_linked(inv.lang, result, inv.names, inv.where, managed)


async def unlink(inv: Invocation) -> None:
    """/unlink <counter_id> [chat]."""
    args = parse_counter_args(inv.args)
    counter_id = required_counter(args)
    chat = await inv.use_target(args.target)
    counter = await unlink_counter(inv.services, chat.id, counter_id)
    await inv.reply(inv.text("unlinked", counter=counter_label(counter)))


async def counters(inv: Invocation) -> None:
    """/counters [chat]: the linked counters and whether this chat is subscribed to each."""
    args = parse_counter_args(inv.args)
    if args.counter_id is not None:
        raise ArgumentError("no counter id here")
    chat = await inv.use_target(args.target)
    items = await linked_counters(inv.services, chat.id)
    title = (chat.title or str(chat.id)) if inv.target else None
    await inv.reply(render_counters(inv.lang, items, inv.names, title))


BUTTONS: ButtonActions = {LinkCounter: link_pressed}
