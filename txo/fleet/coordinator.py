"""The fleet for one script run: a backend, its guard, and the coordinated pieces.

:func:`open_coordination` is what the HTTP factory calls: None when the
configuration asks for no coordination (in-process behaviour, unchanged),
otherwise a :class:`Coordination` that hands out the shared rate limiter,
cool-down, concurrency cap and token cache for one tenant identity.  A
backend that cannot even be opened degrades at once, with the same single
warning as one that dies later.
"""

from __future__ import annotations

import logging
import threading

from txo.clock import Clock
from txo.config import ConfigProxy
from txo.fleet.backend import Backend, BackendUnavailable, UnavailableBackend
from txo.fleet.guard import Guard
from txo.fleet.limits import (
    SharedConcurrencyLimiter,
    SharedCooldown,
    SharedRateLimiter,
    fleet_key,
    origin_of,
)
from txo.fleet.sealing import TokenSealer, sealing_available
from txo.fleet.settings import CoordinationSettings, fleet_identity, read_coordination
from txo.fleet.tokens import SharedTokenCache
from txo.http.auth import TokenCache
from txo.http.ratelimit import ConcurrencyLimiter, HostCooldown, TokenBucket

__all__ = ["Coordination", "open_backend", "open_coordination"]

logger = logging.getLogger("txo.fleet")


class Coordination:
    """Builds the coordinated pieces for one identity over one backend (or its fallback)."""

    def __init__(
        self,
        backend: Backend | None,
        clock: Clock,
        identity: str,
        settings: CoordinationSettings,
        guard: Guard | None = None,
    ) -> None:
        self.settings, self.identity, self._clock = settings, identity, clock
        self.guard = guard if guard is not None else Guard(settings.backend)
        self._lock = threading.Lock()
        self._token_caches: dict[str, TokenCache] = {}
        self._backend: Backend = (
            backend if backend is not None else UnavailableBackend(settings.backend)
        )
        if backend is None:
            self.guard.trip("it could not be opened")

    def __repr__(self) -> str:
        return f"Coordination(backend={self.settings.backend!r}, identity={self.identity!r})"

    def rate_limiter(self, host: str, rate: float, burst: float) -> SharedRateLimiter:
        key = fleet_key(host, self.identity)
        return SharedRateLimiter(self._backend, self.guard, key, rate, burst, self._clock)

    def cooldown(self) -> HostCooldown:
        return SharedCooldown(self._backend, self.guard, self.identity, self._clock)

    def concurrency(self) -> ConcurrencyLimiter | None:
        """The fleet-wide cap, when ``max-concurrent-requests`` is set."""
        if self.settings.max_concurrent is None:
            return None
        return SharedConcurrencyLimiter(
            self._backend,
            self.guard,
            self.identity,
            self.settings.max_concurrent,
            self._clock,
            lease_seconds=self.settings.lease_seconds,
        )

    def token_cache(self, client_secret: str) -> TokenCache:
        """The shared cache sealing with ``client_secret`` (one per coordination, so every
        client of a run shares its in-process layer too); in-process without one or crypto."""
        with self._lock:
            if client_secret not in self._token_caches:
                self._token_caches[client_secret] = self._new_token_cache(client_secret)
            return self._token_caches[client_secret]

    def _new_token_cache(self, client_secret: str) -> TokenCache:
        if not client_secret:
            return TokenCache()
        if not sealing_available():
            logger.warning(
                "Tokens are not shared by the fleet: the 'cryptography' package that seals them "
                "is not installed (pip install 'txo[fleet]'); each process fetches its own."
            )
            return TokenCache()
        return SharedTokenCache(
            self._backend,
            self.guard,
            TokenSealer(client_secret),
            self._clock,
            lock_seconds=self.settings.token_lock_seconds,
        )

    def shared_token_cache(self, given: TokenCache | None, client_secret: str) -> TokenCache | None:
        """A fleet-wide cache in place of ``given`` (kept when already shared, or no secret)."""
        if isinstance(given, SharedTokenCache) or not client_secret:
            return given
        return self.token_cache(client_secret)

    def shared_rate_limiter(
        self, local: TokenBucket | None, base_url: str
    ) -> SharedRateLimiter | None:
        """The fleet-wide version of the configured bucket (None: rate limiting is off)."""
        if local is None:
            return None
        return self.rate_limiter(origin_of(base_url), local.rate, local.burst)

    def close(self) -> None:
        self.guard.run(self._backend.close, lambda: None)


def open_backend(settings: CoordinationSettings) -> Backend:
    """Connect to the configured store; BackendUnavailable when that is impossible."""
    if settings.backend == "sqlite":
        from txo.fleet.sqlite_backend import SQLiteBackend

        return SQLiteBackend(settings.sqlite_path)
    from txo.fleet.redis_backend import RedisBackend

    return RedisBackend(settings.redis_url, timeout=settings.timeout_seconds)


def open_coordination(config: ConfigProxy, clock: Clock) -> Coordination | None:
    """The run's coordination, or None when ``script-behavior.coordination`` is absent."""
    settings = read_coordination(config)
    if settings is None:
        return None
    guard = Guard(settings.backend)
    try:
        backend: Backend | None = open_backend(settings)
    except BackendUnavailable as exc:
        guard.trip(str(exc))
        backend = None
    return Coordination(backend, clock, fleet_identity(config), settings, guard)
