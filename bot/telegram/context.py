"""Typed access to the shared services from PTB callbacks."""

from __future__ import annotations

from typing import Any

from telegram.ext import Application, CallbackContext, ExtBot, JobQueue

from bot.container import Services


class BotData:
    """The application's bot_data: the services, set once by bot.app."""

    __slots__ = ("services",)

    def __init__(self) -> None:
        self.services: Services | None = None


class BotContext(CallbackContext[ExtBot[None], dict[Any, Any], dict[Any, Any], BotData]):
    """CallbackContext with `services`."""

    @property
    def services(self) -> Services:
        """The services built by bot.app."""
        services = self.bot_data.services
        if services is None:
            raise RuntimeError("services are not wired: build the app with bot.app")
        return services


BotApplication = Application[
    ExtBot[None], BotContext, dict[Any, Any], dict[Any, Any], BotData, JobQueue[Any]
]
