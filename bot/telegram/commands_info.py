"""/start and /lang (/help is derived from the command table in commands.py)."""

from __future__ import annotations

from bot.services.chats import set_language
from bot.telegram.invocation import ONBOARDING_PAYLOAD, Invocation
from bot.telegram.parsing import ArgumentError
from bot.texts import parse_language, t


async def start(inv: Invocation) -> None:
    """What the bot does and how to begin; the deep link from groups asks for the token."""
    if inv.chat.is_private and inv.args == [ONBOARDING_PAYLOAD]:
        await inv.reply(inv.text("start_token"))
        return
    await inv.reply(inv.text("start"))


async def lang(inv: Invocation) -> None:
    """The chat's language: ru or en."""
    chosen = parse_language(inv.args[0]) if len(inv.args) == 1 else None
    if chosen is None:
        raise ArgumentError("ru or en")
    await set_language(inv.services.sessions, inv.chat, chosen)
    await inv.reply(t(chosen, "lang_set"))
