"""/link, /unlink and /counters."""

from __future__ import annotations

from bot.services.counters import link_counter, linked_counters, unlink_counter
from bot.telegram.invocation import Invocation, command
from bot.telegram.parsing import ArgumentError, parse_counter_args, required_counter
from bot.texts import Html
from bot.texts.render import counter_label, render_counters, render_linked
from bot.views import Linked


@command("usage_link", changes=True)
async def link(inv: Invocation) -> None:
    """/link <counter_id> [chat]: link a counter the sender's token can see."""
    args = parse_counter_args(inv.args)
    counter_id = required_counter(args)
    user_id = inv.require_user()
    chat = await inv.use_target(args.target)
    result = await link_counter(inv.services, chat, user_id, counter_id)
    await inv.reply(linked_text(inv, result))


def linked_text(inv: Invocation, result: Linked) -> Html:
    """The reply to a link made by command or button."""
    managed = inv.target.id if inv.target else None
    return render_linked(inv.lang, result, inv.names, inv.where, managed)


@command("usage_unlink", changes=True)
async def unlink(inv: Invocation) -> None:
    """/unlink <counter_id> [chat]."""
    args = parse_counter_args(inv.args)
    counter_id = required_counter(args)
    chat = await inv.use_target(args.target)
    counter = await unlink_counter(inv.services, chat.id, counter_id)
    await inv.reply(inv.text("unlinked", counter=counter_label(counter)))


@command("help")
async def counters(inv: Invocation) -> None:
    """/counters [chat]: the linked counters and whether this chat is subscribed to each."""
    args = parse_counter_args(inv.args)
    if args.counter_id is not None:
        raise ArgumentError("no counter id here")
    chat = await inv.use_target(args.target)
    items = await linked_counters(inv.services, chat.id)
    title = (chat.title or str(chat.id)) if inv.target else None
    await inv.reply(render_counters(inv.lang, items, inv.names, title))
