"""txo's HTTP layer: a resilient REST/OData client on httpx.

``RestClient`` runs every request through one pipeline — validate → rate
limit / host cool-down → circuit breaker → send with auth → classify →
retry or return → 202 polling — and follows ``@odata.nextLink`` paging.
The parts are separate, injectable objects: :class:`RetryPolicy`,
:class:`TokenBucket`, :class:`HostCooldown`, :class:`ConcurrencyLimiter`,
:class:`BreakerRegistry`, :class:`SessionPool` and the ``httpx.Auth``
token providers.  This package is the only place txo imports httpx.

The OAuth providers and the factory load on first use (the client needs the session pool).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from txo._lazy import lazy_exports
from txo.http.breaker import BreakerRegistry, BreakerState, CircuitBreaker, Permit
from txo.http.client import RestClient
from txo.http.ratelimit import ConcurrencyLimiter, HostCooldown, RateLimiter, TokenBucket
from txo.http.retry import (
    DEFAULT_RETRY_STATUSES,
    IDEMPOTENT_METHODS,
    RetryExhausted,
    RetryPolicy,
    TransportFailure,
    parse_retry_after,
)

__all__ = [
    "DEFAULT_RETRY_STATUSES",
    "IDEMPOTENT_METHODS",
    "BreakerRegistry",
    "BreakerState",
    "CircuitBreaker",
    "ClientCredentialsAuth",
    "ConcurrencyLimiter",
    "HostCooldown",
    "Permit",
    "PoolKey",
    "PoolStats",
    "RateLimiter",
    "RestClient",
    "RetryExhausted",
    "RetryPolicy",
    "SessionPool",
    "StaticTokenAuth",
    "TokenBucket",
    "TokenCache",
    "TokenInfo",
    "TransportFailure",
    "create_rest_api",
    "parse_retry_after",
]

if TYPE_CHECKING:
    from txo.http.auth import ClientCredentialsAuth, StaticTokenAuth, TokenCache, TokenInfo
    from txo.http.factory import create_rest_api
    from txo.http.pool import PoolKey, PoolStats, SessionPool

__getattr__ = lazy_exports(
    __name__,
    {
        "pool": ("PoolKey", "PoolStats", "SessionPool"),
        "auth": ("ClientCredentialsAuth", "StaticTokenAuth", "TokenCache", "TokenInfo"),
        "factory": ("create_rest_api",),
    },
)
