"""/start and /lang (/help is derived from the command table in commands.py)."""

from __future__ import annotations

from bot.services.chats import set_language
from bot.telegram.commands_login import login
from bot.telegram.invocation import ONBOARDING_PAYLOAD, Invocation
from bot.telegram.keyboards import ADDED_PAYLOAD, LOGIN_PAYLOAD, add_bot
from bot.telegram.parsing import ArgumentError
from bot.texts import parse_language, t


async def start(inv: Invocation) -> None:
    """What the bot does and how to begin; deep links from groups ask for the token or log in.

    In a private chat it offers buttons that add the bot to a group or a channel. Added to a
    group by such a button, the bot has greeted it already (on joining): it says nothing more.
    """
    if inv.chat.is_private and inv.args == [ONBOARDING_PAYLOAD]:
        await inv.reply(inv.text("start_token"))
    elif inv.chat.is_private and inv.args == [LOGIN_PAYLOAD]:
        await login(inv)
    elif inv.chat.is_private:
        await inv.reply(inv.text("start"), add_bot(inv.lang, inv.context.bot.username))
    elif inv.args != [ADDED_PAYLOAD]:
        await inv.reply(inv.text("start"))


async def lang(inv: Invocation) -> None:
    """The chat's language: ru or en."""
    chosen = parse_language(inv.args[0]) if len(inv.args) == 1 else None
    if chosen is None:
        raise ArgumentError("ru or en")
    await set_language(inv.services.sessions, inv.chat, chosen, known=inv.services.chats)
    await inv.reply(t(chosen, "lang_set"))
