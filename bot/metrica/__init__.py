"""The Metrica Management API client: one httpx.AsyncClient, typed results, an error tree."""

from __future__ import annotations

from bot.metrica.client import MetricaClient, RetryPolicy, create_http_client
from bot.metrica.errors import (
    AccessDenied,
    InvalidRequest,
    InvalidToken,
    MetricaError,
    NotFound,
    QuotaExceeded,
    Unavailable,
    parse_error,
)
from bot.metrica.quota import RequestLedger, RequestLimiter, token_fingerprint

__all__ = [
    "AccessDenied",
    "InvalidRequest",
    "InvalidToken",
    "MetricaClient",
    "MetricaError",
    "NotFound",
    "QuotaExceeded",
    "RequestLedger",
    "RequestLimiter",
    "RetryPolicy",
    "Unavailable",
    "create_http_client",
    "parse_error",
    "token_fingerprint",
]
