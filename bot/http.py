"""The shape of every long-lived httpx client the bot keeps: one per API host."""

from __future__ import annotations

import httpx

USER_AGENT = "metrica-calls-bot/0.1 (httpx)"


def create_http_client(
    base_url: str, *, timeout: float = 20.0, transport: httpx.AsyncBaseTransport | None = None
) -> httpx.AsyncClient:
    """An httpx client for one API host: explicit timeouts, JSON accepted, no redirects."""
    return httpx.AsyncClient(
        base_url=base_url,
        timeout=httpx.Timeout(timeout, connect=5.0),
        headers={"User-Agent": USER_AGENT, "Accept": "application/json"},
        follow_redirects=False,
        transport=transport,
    )
