"""v2.1 ``utils.rate_limit_manager``: per-endpoint RateLimiters (v2.1 bug 5 fixed).

v2.1 raised NameError (an undefined ``logger``) the first time a limiter
was created or rate-limit headers were seen; here both work.  As in v2.1,
``update_from_headers`` only logs: it never throttles.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Mapping
from dataclasses import dataclass
from urllib.parse import urlparse

from txo.compat.v21._impl.api_common import RateLimiter
from txo.compat.warnings import shim_of

__all__ = ["EndpointLimits", "RateLimitManager"]

_log = logging.getLogger("TxoApp")


@shim_of("utils.rate_limit_manager.EndpointLimits")
@dataclass
class EndpointLimits:
    """Rate, burst and an optional shared pool name for one endpoint pattern."""

    calls_per_second: float
    burst_size: float = 1.0
    shared_pool: str | None = None


@shim_of("utils.rate_limit_manager.RateLimitManager")
class RateLimitManager:
    """One RateLimiter per host (or per shared pool), configured by URL pattern."""

    def __init__(self, default_cps: float = 10, default_burst: float = 1.0) -> None:
        self.default_cps = default_cps
        self.default_burst = default_burst
        self.endpoint_configs: dict[str, EndpointLimits] = {}
        self.limiters: dict[str, RateLimiter] = {}
        self._lock = threading.Lock()

    def configure_endpoint(
        self,
        pattern: str,
        calls_per_second: float,
        burst_size: float = 1.0,
        shared_pool: str | None = None,
    ) -> None:
        self.endpoint_configs[pattern] = EndpointLimits(calls_per_second, burst_size, shared_pool)

    def _limits_for(self, url: str) -> EndpointLimits:
        """Exact netloc, then the first pattern contained in the URL, then the defaults."""
        netloc = urlparse(url).netloc
        if netloc in self.endpoint_configs:
            return self.endpoint_configs[netloc]
        for pattern, limits in self.endpoint_configs.items():
            if pattern in url:
                return limits
        return EndpointLimits(self.default_cps, self.default_burst)

    def get_limiter(self, url: str) -> RateLimiter:
        """The limiter for ``url``'s pool (or host), created on first use."""
        limits = self._limits_for(url)
        key = limits.shared_pool or urlparse(url).netloc
        with self._lock:
            if key not in self.limiters:
                self.limiters[key] = RateLimiter(limits.calls_per_second, limits.burst_size)
                _log.debug("Created rate limiter for %s: %s/s", key, limits.calls_per_second)
            return self.limiters[key]

    def update_from_headers(self, url: str, headers: Mapping[str, str]) -> None:
        """Log ``X-RateLimit-Limit``/``-Remaining`` when both are present (no throttling)."""
        if "X-RateLimit-Limit" not in headers or "X-RateLimit-Remaining" not in headers:
            return
        self.get_limiter(url)
        _log.debug(
            "Rate limit for %s: %s remaining of %s",
            urlparse(url).netloc,
            headers["X-RateLimit-Remaining"],
            headers["X-RateLimit-Limit"],
        )
