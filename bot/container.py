"""The shared collaborators every handler, service and background job uses."""

from __future__ import annotations

from dataclasses import dataclass, field

import httpx
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.config import Settings
from bot.crypto import TokenCipher
from bot.lane import Lane
from bot.metrica import Allowance, MetricaClient, RequestGate
from bot.services.budget import CommandBudget
from bot.services.chats import KnownChats
from bot.services.pages import RenderedPages
from bot.storage.db import SessionFactory
from bot.yandex_login import LoginClient
from bot.yandex_oauth import OAuthClient


@dataclass(frozen=True, slots=True)
class Services:
    """Built once in bot.app; reached from handlers as `context.services`."""

    settings: Settings
    engine: AsyncEngine
    sessions: SessionFactory
    reads: SessionFactory  # transactions that only read (no write lock on SQLite)
    cipher: TokenCipher
    http: httpx.AsyncClient
    metrica: MetricaClient
    login_http: httpx.AsyncClient
    login: LoginClient
    allowance: Allowance
    gate: RequestGate
    budget: CommandBudget
    oauth_http: httpx.AsyncClient | None = None  # None: /login is not enabled
    oauth: OAuthClient | None = None
    chats: KnownChats = field(default_factory=KnownChats)  # languages of chats seen lately
    pages: RenderedPages = field(default_factory=RenderedPages)  # list pages rendered lately
    # The reads of answers from memory (language, link, list): one at a time, earliest update
    # first (bot.lane).
    answering: Lane = field(default_factory=Lane)
