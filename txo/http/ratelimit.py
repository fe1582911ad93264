"""Client-side throttling: an exact token bucket, a per-host cool-down, a per-host cap.

:class:`TokenBucket` fixes v2.1's ``RateLimiter`` (which let through about
twice the configured rate because it stamped the time *before* sleeping and
then counted the slept time again).  Here every caller *reserves* a token
under the lock: the balance may go negative, and a negative balance is a
queue of reservations, each told exactly when its token will exist.  The
sleep happens outside the lock.  So the admitted calls conform to the
bucket: over any window of length ``T`` at most ``burst + rate * T`` calls
start, whatever the number of threads.

:class:`HostCooldown` is the shared gate a 429 closes: when one thread sees
``Retry-After`` for a host, every thread waits before its next request to
that host.  :class:`ConcurrencyLimiter` caps the requests in flight per host.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Protocol

from txo.clock import Clock, SystemClock

__all__ = ["ConcurrencyLimiter", "HostCooldown", "RateLimiter", "TokenBucket"]

logger = logging.getLogger(__name__)


class RateLimiter(Protocol):
    """What the client needs from a rate limiter: block until a call may start."""

    def acquire(self) -> float:
        """Wait for permission to make one call; return the seconds waited."""
        ...


class TokenBucket:
    """Thread-safe token bucket: ``rate`` calls per second, bursts of up to ``burst``.

    The bucket starts full.  :meth:`reserve` books one token and returns how
    long the caller must wait for it; :meth:`acquire` also sleeps that long
    on the injected clock; :meth:`try_acquire` takes a token only if one is
    available now.
    """

    def __init__(self, rate: float, burst: float = 1.0, clock: Clock | None = None) -> None:
        if not rate > 0:
            raise ValueError(f"TokenBucket rate must be > 0 calls per second, got {rate!r}")
        if not burst >= 1:
            raise ValueError(f"TokenBucket burst must be >= 1, got {burst!r}")
        self.rate = float(rate)
        self.burst = float(burst)
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._lock = threading.Lock()
        self._tokens = self.burst
        self._stamp = self._clock.monotonic()

    def __repr__(self) -> str:
        return f"TokenBucket(rate={self.rate:g}/s, burst={self.burst:g})"

    def reserve(self) -> float:
        """Book one token; return the seconds until it is available (0 if now)."""
        with self._lock:
            self._refill()
            self._tokens -= 1.0
            return 0.0 if self._tokens >= 0 else -self._tokens / self.rate

    def acquire(self) -> float:
        """Reserve a token and sleep until it is available; return the seconds waited."""
        wait = self.reserve()
        if wait > 0:
            logger.debug("Rate limit: waiting %.3fs for a token", wait)
            self._clock.sleep(wait)
        return wait

    def try_acquire(self) -> bool:
        """Take a token if one is available right now, without waiting."""
        with self._lock:
            self._refill()
            if self._tokens < 1.0:
                return False
            self._tokens -= 1.0
            return True

    @property
    def available(self) -> float:
        """Tokens available now (negative: that many reservations are queued)."""
        with self._lock:
            self._refill()
            return self._tokens

    def _refill(self) -> None:
        now = self._clock.monotonic()
        elapsed = now - self._stamp
        if elapsed > 0:
            self._tokens = min(self.burst, self._tokens + elapsed * self.rate)
            self._stamp = now


class HostCooldown:
    """A per-host gate: after :meth:`pause`, :meth:`wait` blocks until the deadline.

    Deadlines only move later; expired entries are dropped on each pause, so
    the table holds only hosts that are cooling down.
    """

    def __init__(self, clock: Clock | None = None) -> None:
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._lock = threading.Lock()
        self._until: dict[str, float] = {}

    def __repr__(self) -> str:
        with self._lock:
            return f"HostCooldown(hosts={sorted(self._until)})"

    def pause(self, host: str, seconds: float) -> float:
        """Close the gate for ``host`` for ``seconds``; return the (monotonic) deadline."""
        with self._lock:
            now = self._clock.monotonic()
            self._until = {h: t for h, t in self._until.items() if t > now}
            deadline = max(self._until.get(host, now), now + max(seconds, 0.0))
            self._until[host] = deadline
        logger.info("Cooling down %s for %.1fs (server asked to slow down)", host, seconds)
        return deadline

    def remaining(self, host: str) -> float:
        """Seconds until ``host``'s gate opens (0 if open)."""
        with self._lock:
            deadline = self._until.get(host)
            return 0.0 if deadline is None else max(0.0, deadline - self._clock.monotonic())

    def wait(self, host: str) -> float:
        """Block until ``host``'s gate is open; return the seconds waited.

        Loops because another thread may extend the deadline meanwhile.
        """
        waited = 0.0
        while (left := self.remaining(host)) > 0:
            self._clock.sleep(left)
            waited += left
        return waited


class ConcurrencyLimiter:
    """At most ``max_per_host`` requests in flight per host (one semaphore per host).

    One small semaphore is kept per host ever seen; clients talk to a handful
    of hosts, so the table stays small.
    """

    def __init__(self, max_per_host: int) -> None:
        if max_per_host < 1:
            raise ValueError(f"ConcurrencyLimiter max_per_host must be >= 1, got {max_per_host}")
        self.max_per_host = max_per_host
        self._lock = threading.Lock()
        self._semaphores: dict[str, threading.BoundedSemaphore] = {}

    def __repr__(self) -> str:
        return f"ConcurrencyLimiter(max_per_host={self.max_per_host})"

    @contextmanager
    def slot(self, host: str) -> Iterator[None]:
        """Hold one of ``host``'s slots for the duration of the ``with`` block."""
        semaphore = self._semaphore(host)
        with semaphore:
            yield

    def _semaphore(self, host: str) -> threading.BoundedSemaphore:
        with self._lock:
            semaphore = self._semaphores.get(host)
            if semaphore is None:
                semaphore = threading.BoundedSemaphore(self.max_per_host)
                self._semaphores[host] = semaphore
            return semaphore
