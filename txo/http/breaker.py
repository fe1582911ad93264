"""Per-host circuit breakers in an injected, bounded registry.

A :class:`CircuitBreaker` is *closed* while a host behaves.  After
``failure_threshold`` consecutive failures (5xx responses or transport
errors — never 4xx, never 429) it *opens*: calls fail fast with
:class:`~txo.errors.CircuitOpenError` saying when it will retry.  Once
``reset_timeout`` seconds have passed on the injected clock it is
*half-open*: at most ``half_open_max_calls`` trial calls go through at a
time; a trial success closes it, a trial failure opens it again.

Each admitted call holds a :class:`Permit`.  Every state change starts a new
*generation*, and an outcome reported with a permit from an older
generation is ignored: a slow call admitted before the circuit opened
cannot close it, and only trial calls decide a half-open circuit.

v2.1's breaker had no lock, counted failures cumulatively (never reset by
anything but success) and let unlimited trial calls through when half-open;
transport failures never reached it.  All four are fixed here.
"""

from __future__ import annotations

import enum
import logging
import threading
from collections import OrderedDict
from dataclasses import dataclass

from txo.clock import Clock, SystemClock
from txo.errors import CircuitOpenError, ErrorContext

__all__ = ["BreakerRegistry", "BreakerState", "CallOutcome", "CircuitBreaker", "Permit"]

logger = logging.getLogger(__name__)


class BreakerState(enum.Enum):
    CLOSED = "closed"
    OPEN = "open"
    HALF_OPEN = "half-open"


class CallOutcome(enum.Enum):
    """What an admitted call tells its host's breaker."""

    SUCCESS = "success"
    """A healthy answer (anything but 5xx/429): resets the failure count."""
    FAILURE = "failure"
    """A 5xx or a transport error: counts towards opening."""
    NEUTRAL = "neutral"
    """No verdict (429, a client-side error, no answer at all): frees a trial slot."""

    @classmethod
    def of_status(cls, status: int) -> CallOutcome:
        """4xx (and 429) never count against a host; 5xx does."""
        if status >= 500:
            return cls.FAILURE
        return cls.NEUTRAL if status == 429 else cls.SUCCESS


@dataclass(frozen=True, slots=True)
class Permit:
    """Permission for one call; report its outcome with it."""

    generation: int
    probe: bool


class CircuitBreaker:
    """Thread-safe closed / open / half-open breaker for one host."""

    def __init__(
        self,
        name: str,
        clock: Clock,
        *,
        failure_threshold: int = 5,
        reset_timeout: float = 60.0,
        half_open_max_calls: int = 1,
    ) -> None:
        if failure_threshold < 1 or half_open_max_calls < 1 or reset_timeout < 0:
            raise ValueError(
                "CircuitBreaker needs failure_threshold >= 1, half_open_max_calls >= 1 and "
                f"reset_timeout >= 0; got {failure_threshold}, {half_open_max_calls}, "
                f"{reset_timeout}"
            )
        self.name = name
        self.failure_threshold = failure_threshold
        self.reset_timeout = reset_timeout
        self.half_open_max_calls = half_open_max_calls
        self._clock = clock
        self._lock = threading.Lock()
        self._state = BreakerState.CLOSED
        self._generation = 0
        self._failures = 0
        self._opened_at = 0.0
        self._probes = 0

    def __repr__(self) -> str:
        return f"CircuitBreaker({self.name!r}, state={self.state.value}, failures={self.failures})"

    @property
    def state(self) -> BreakerState:
        with self._lock:
            self._advance()
            return self._state

    @property
    def failures(self) -> int:
        """Consecutive failures counted since the last success."""
        with self._lock:
            return self._failures

    @property
    def retry_at(self) -> float | None:
        """When an open circuit half-opens (clock ``monotonic()`` scale), else None."""
        with self._lock:
            self._advance()
            if self._state is BreakerState.OPEN:
                return self._opened_at + self.reset_timeout
            return None

    def acquire(self) -> Permit:
        """A permit for one call, or :class:`CircuitOpenError` if the circuit refuses it."""
        with self._lock:
            self._advance()
            if self._state is BreakerState.CLOSED:
                return Permit(self._generation, probe=False)
            if self._state is BreakerState.HALF_OPEN and self._probes < self.half_open_max_calls:
                self._probes += 1
                return Permit(self._generation, probe=True)
            raise self._open_error()

    def record(self, permit: Permit, outcome: CallOutcome) -> None:
        """Report the outcome of the call ``permit`` admitted."""
        if outcome is CallOutcome.SUCCESS:
            self.record_success(permit)
        elif outcome is CallOutcome.FAILURE:
            self.record_failure(permit)
        else:
            self.release(permit)

    def record_success(self, permit: Permit) -> None:
        """The call got a healthy answer (anything but 5xx/429): reset and close."""
        with self._lock:
            if permit.generation != self._generation:
                return
            self._failures = 0
            if self._state is BreakerState.HALF_OPEN:
                self._transition(BreakerState.CLOSED)

    def record_failure(self, permit: Permit) -> None:
        """The call failed (5xx or transport error): count it; open at the threshold."""
        with self._lock:
            if permit.generation != self._generation:
                return
            self._failures += 1
            half_open = self._state is BreakerState.HALF_OPEN
            if half_open or self._failures >= self.failure_threshold:
                self._opened_at = self._clock.monotonic()
                self._transition(BreakerState.OPEN)

    def release(self, permit: Permit) -> None:
        """The call ended with a neutral outcome (429, a client-side error): no verdict."""
        with self._lock:
            if permit.generation == self._generation and permit.probe:
                self._probes -= 1

    def reset(self) -> None:
        """Force the circuit closed with no failures counted."""
        with self._lock:
            self._failures = 0
            self._transition(BreakerState.CLOSED)

    # --- internals (lock held) ---------------------------------------------------

    def _advance(self) -> None:
        expired = self._clock.monotonic() >= self._opened_at + self.reset_timeout
        if self._state is BreakerState.OPEN and expired:
            self._transition(BreakerState.HALF_OPEN)

    def _transition(self, state: BreakerState) -> None:
        if state is not self._state:
            logger.info(
                "Circuit breaker for %s: %s -> %s", self.name, self._state.value, state.value
            )
        self._state = state
        self._generation += 1
        self._probes = 0

    def _open_error(self) -> CircuitOpenError:
        now = self._clock.monotonic()
        if self._state is BreakerState.OPEN:
            retry_at = self._opened_at + self.reset_timeout
            wait = f"It will retry in {retry_at - now:.1f}s."
        else:
            retry_at = now
            wait = f"It will retry once its {self._probes} trial call(s) finish."
        return CircuitOpenError(
            f"Circuit breaker for {self.name} is {self._state.value} after {self._failures} "
            f"consecutive failure(s); calls fail fast. {wait}",
            retry_at=retry_at,
            context=ErrorContext(
                operation="circuit breaker check",
                resource=self.name,
                details={"state": self._state.value, "retry_in_seconds": max(0.0, retry_at - now)},
            ),
        )


class BreakerRegistry:
    """One :class:`CircuitBreaker` per host, created on first use, at most ``max_hosts``.

    Eviction: when a new host would exceed ``max_hosts``, the least recently
    used *closed* breaker is dropped (it holds at most a few failures); only
    if every breaker is open or half-open is the least recently used one
    dropped, forgetting that host's open state.  An evicted breaker still
    accepts outcomes for permits it issued; they just no longer matter.
    """

    def __init__(
        self,
        clock: Clock | None = None,
        failure_threshold: int = 5,
        reset_timeout: float = 60.0,
        half_open_max_calls: int = 1,
        *,
        max_hosts: int = 256,
    ) -> None:
        if max_hosts < 1:
            raise ValueError(f"BreakerRegistry max_hosts must be >= 1, got {max_hosts}")
        self._clock: Clock = clock if clock is not None else SystemClock()
        self.failure_threshold = failure_threshold
        self.reset_timeout = reset_timeout
        self.half_open_max_calls = half_open_max_calls
        self.max_hosts = max_hosts
        self._lock = threading.Lock()
        self._breakers: OrderedDict[str, CircuitBreaker] = OrderedDict()
        self._new("settings check")  # fail on bad settings now, not at the first request

    def __repr__(self) -> str:
        return (
            f"BreakerRegistry(hosts={len(self)}, threshold={self.failure_threshold}, "
            f"reset_timeout={self.reset_timeout:g}s)"
        )

    def __len__(self) -> int:
        with self._lock:
            return len(self._breakers)

    def hosts(self) -> list[str]:
        """The hosts with a breaker, least recently used first."""
        with self._lock:
            return list(self._breakers)

    def get(self, host: str) -> CircuitBreaker:
        """The breaker for ``host`` (created closed on first use)."""
        with self._lock:
            breaker = self._breakers.get(host)
            if breaker is not None:
                self._breakers.move_to_end(host)
                return breaker
            if len(self._breakers) >= self.max_hosts:
                self._evict_one()
            breaker = self._breakers[host] = self._new(host)
            return breaker

    def _new(self, host: str) -> CircuitBreaker:
        return CircuitBreaker(
            host,
            self._clock,
            failure_threshold=self.failure_threshold,
            reset_timeout=self.reset_timeout,
            half_open_max_calls=self.half_open_max_calls,
        )

    def _evict_one(self) -> None:
        victim = next(iter(self._breakers))
        for host, breaker in self._breakers.items():
            if breaker.state is BreakerState.CLOSED:
                victim = host
                break
        del self._breakers[victim]
        logger.debug("Breaker registry full (%d hosts): dropped %s", self.max_hosts, victim)
