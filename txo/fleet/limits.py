"""Coordinated versions of the HTTP client's rate limiter, cool-down and concurrency cap.

Each one is a drop-in for its in-process counterpart in :mod:`txo.http.ratelimit`
(the cool-down and the cap are subclasses, so the client needs no change),
keyed by (API host, tenant identity) in the shared store.  Each keeps an
in-process twin and falls back to it, through the shared :class:`Guard`,
when the backend stops answering.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from txo.clock import Clock
from txo.fleet.backend import Backend
from txo.fleet.guard import Guard
from txo.http.ratelimit import ConcurrencyLimiter, HostCooldown, TokenBucket

__all__ = [
    "SharedConcurrencyLimiter",
    "SharedCooldown",
    "SharedRateLimiter",
    "fleet_key",
    "origin_of",
]

logger = logging.getLogger(__name__)

_DEFAULT_PORTS = {"http": 80, "https": 443}


def fleet_key(host: str, identity: str) -> str:
    """The shared-state key of one (API host, tenant identity) pair."""
    return f"{host}|{identity}"


def origin_of(url: str) -> str:
    """``scheme://host:port`` of ``url``, the form the HTTP client keys hosts by."""
    parts = urlsplit(url)
    port = parts.port or _DEFAULT_PORTS.get(parts.scheme, 0)
    return f"{parts.scheme}://{parts.hostname or ''}:{port}"


class SharedRateLimiter:
    """A token bucket whose balance lives in the backend: one budget for every process.

    Same reservation semantics as :class:`TokenBucket`: each call books a
    token atomically and sleeps (on the injected clock, outside any lock)
    until its token exists, so the fleet's calls conform to ``rate``/``burst``
    together with no polling.
    """

    def __init__(
        self, backend: Backend, guard: Guard, key: str, rate: float, burst: float, clock: Clock
    ) -> None:
        self._local = TokenBucket(rate, burst, clock)  # validates rate and burst
        self.rate, self.burst = self._local.rate, self._local.burst
        self._backend, self._guard, self._key, self._clock = backend, guard, key, clock

    def __repr__(self) -> str:
        return f"SharedRateLimiter({self._key!r}, rate={self.rate:g}/s, burst={self.burst:g})"

    def reserve(self) -> float:
        """Book one call; return the seconds until it may start."""
        return self._guard.run(
            lambda: self._backend.reserve(self._key, self.rate, self.burst, self._clock.time()),
            self._local.reserve,
        )

    def acquire(self) -> float:
        wait = self.reserve()
        if wait > 0:
            logger.debug("Fleet rate limit: waiting %.3fs for a token", wait)
            self._clock.sleep(wait)
        return wait


class SharedCooldown(HostCooldown):
    """A ``Retry-After`` gate shared by the fleet: one process's 429 pauses them all."""

    def __init__(self, backend: Backend, guard: Guard, identity: str, clock: Clock) -> None:
        super().__init__(clock)
        self._backend, self._guard, self._identity = backend, guard, identity
        self._wall: Clock = clock

    def __repr__(self) -> str:
        return f"SharedCooldown(identity={self._identity!r}, backend={self._guard.backend_name})"

    def pause(self, host: str, seconds: float) -> float:
        deadline = super().pause(host, seconds)
        now = self._wall.time()
        key = fleet_key(host, self._identity)
        self._guard.run(lambda: self._backend.pause(key, now + max(seconds, 0.0), now), lambda: 0.0)
        return deadline

    def remaining(self, host: str) -> float:
        local = super().remaining(host)
        key = fleet_key(host, self._identity)
        shared = self._guard.run(
            lambda: self._backend.paused_until(key) - self._wall.time(), lambda: 0.0
        )
        return max(local, shared, 0.0)


class SharedConcurrencyLimiter(ConcurrencyLimiter):
    """At most ``max_per_host`` requests in flight per (host, identity) across the fleet.

    A slot is a lease that expires after ``lease_seconds``: a process killed
    while holding one blocks the others for at most that long.  Waiters poll
    the backend every ``poll_interval`` seconds and are served first come,
    first served; a waiter that stops asking (killed) loses its place after
    about a second.
    """

    def __init__(
        self,
        backend: Backend,
        guard: Guard,
        identity: str,
        max_per_host: int,
        clock: Clock,
        *,
        lease_seconds: float = 120.0,
        poll_interval: float = 0.005,
    ) -> None:
        super().__init__(max_per_host)
        if lease_seconds <= 0 or poll_interval <= 0:
            raise ValueError("lease_seconds and poll_interval must be > 0")
        self._backend, self._guard, self._identity = backend, guard, identity
        self._clock = clock
        self.lease_seconds, self.poll_interval = lease_seconds, poll_interval
        self._queue_seconds = max(1.0, 50 * poll_interval)  # a live waiter asks far more often

    def __repr__(self) -> str:
        return (
            f"SharedConcurrencyLimiter(max_per_host={self.max_per_host}, "
            f"lease={self.lease_seconds:g}s, backend={self._guard.backend_name})"
        )

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        key, holder = fleet_key(host, self._identity), uuid.uuid4().hex
        if not self._guard.run(lambda: self._wait_for_lease(key, holder), lambda: False):
            with super().slot(host):
                yield
            return
        try:
            yield
        finally:
            self._guard.run(lambda: self._backend.release_lease(key, holder), lambda: None)

    def _wait_for_lease(self, key: str, holder: str) -> bool:
        while True:
            now = self._clock.time()
            if self._backend.acquire_lease(
                key, holder, self.max_per_host, now, self.lease_seconds, self._queue_seconds
            ):
                return True
            self._clock.sleep(self.poll_interval)
