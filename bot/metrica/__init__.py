"""The Metrica Management API client: one httpx.AsyncClient, typed results, an error tree."""

from __future__ import annotations

from bot.http import create_http_client
from bot.metrica.client import MetricaClient
from bot.metrica.errors import (
    AccessDenied,
    AllowanceSpent,
    InvalidRequest,
    InvalidToken,
    MetricaError,
    NotFound,
    QuotaExceeded,
    Unavailable,
    WriteDenied,
    parse_error,
)
from bot.metrica.gate import Allowance, Caller, MemoryGate, RequestGate, RequestKind, Ticket
from bot.metrica.http import RetryPolicy, Upload
from bot.metrica.parsing import Listing
from bot.metrica.quota import RequestLimiter, quota_key, token_fingerprint

__all__ = [
    "AccessDenied",
    "Allowance",
    "AllowanceSpent",
    "Caller",
    "InvalidRequest",
    "InvalidToken",
    "Listing",
    "MemoryGate",
    "MetricaClient",
    "MetricaError",
    "NotFound",
    "QuotaExceeded",
    "RequestGate",
    "RequestKind",
    "RequestLimiter",
    "RetryPolicy",
    "Ticket",
    "Unavailable",
    "Upload",
    "WriteDenied",
    "create_http_client",
    "parse_error",
    "quota_key",
    "token_fingerprint",
]
