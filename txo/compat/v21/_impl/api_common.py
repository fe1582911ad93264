"""v2.1 ``utils.api_common`` over :mod:`txo.http` (TokenBucket, CircuitBreaker).

* ``RateLimiter`` is a v3 ``TokenBucket``: exactly the configured rate
  (v2.1 bug 6 let about twice the rate through).
* ``CircuitBreaker`` keeps v2.1's permit-free methods (``is_open``,
  ``record_success``, ``record_failure``, ``reset``) over a v3 breaker,
  so it is thread-safe and lets one trial call through when half-open.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Callable, Mapping
from typing import Any

from txo.compat.runtime import current
from txo.compat.v21._impl._util import v21_default
from txo.compat.warnings import shim_of
from txo.errors import CircuitOpenError
from txo.http.breaker import BreakerState, Permit
from txo.http.breaker import CircuitBreaker as V3Breaker
from txo.http.ratelimit import TokenBucket

__all__ = ["APIMetrics", "CircuitBreaker", "RateLimiter", "apply_jitter", "manual_retry"]

_log = logging.getLogger("TxoApp")


@shim_of("utils.api_common.RateLimiter")
class RateLimiter:
    """v2.1 RateLimiter(calls_per_second=10, burst_size=1.0) over an exact token bucket."""

    def __init__(self, calls_per_second: float = 10, burst_size: float = 1.0) -> None:
        self.rate = float(calls_per_second)
        self.burst_size = max(1.0, float(burst_size))
        self._bucket = TokenBucket(self.rate, self.burst_size, clock=current().clock)
        self.last_check = current().clock.time()

    @property
    def allowance(self) -> float:
        """Tokens available now (v2.1's attribute name)."""
        return self._bucket.available

    def wait_if_needed(self) -> None:
        """Block until one call may start."""
        waited = self._bucket.acquire()
        if waited > 0:
            _log.debug("Rate limiting: sleeping %.3fs", waited)
        self.last_check = current().clock.time()


@shim_of("utils.api_common.CircuitBreaker")
class CircuitBreaker:
    """v2.1 CircuitBreaker(failure_threshold=5, timeout=60) over a v3 breaker."""

    def __init__(self, failure_threshold: int = 5, timeout: int = 60) -> None:
        self.failure_threshold = failure_threshold
        self.timeout = timeout
        self.v3_breaker = V3Breaker(
            "v21", current().clock, failure_threshold=failure_threshold, reset_timeout=timeout
        )
        self._permit: Permit | None = None
        self._last_failure = 0.0

    @property
    def _state(self) -> str:
        return self.v3_breaker.state.value

    @property
    def _failures(self) -> int:
        return self.v3_breaker.failures

    def is_open(self) -> bool:
        """True while calls should be blocked; False admits one call (a trial when half-open)."""
        try:
            self._permit = self.v3_breaker.acquire()
        except CircuitOpenError:
            return True
        return False

    def record_success(self) -> None:
        """Close the circuit and forget failures (as v2.1)."""
        self._permit = None
        self.v3_breaker.reset()
        _log.debug("Circuit breaker: success recorded, circuit closed")

    def record_failure(self) -> None:
        """Count a failure; open at the threshold (at once when half-open)."""
        permit, self._permit = self._permit, None
        if permit is None:
            try:
                permit = self.v3_breaker.acquire()
            except CircuitOpenError:
                return  # already open: v3 does not extend the open period
        self._last_failure = current().clock.time()
        self.v3_breaker.record_failure(permit)
        if self.v3_breaker.state is BreakerState.OPEN:
            _log.warning("Circuit breaker: opened after %d failures", self.v3_breaker.failures)

    def reset(self) -> None:
        self._permit = None
        self.v3_breaker.reset()


@shim_of("utils.api_common.apply_jitter")
def apply_jitter(delay: float, jitter_config: Mapping[str, Any] | None = None) -> float:
    """``delay`` times a random factor in [min-factor, max-factor] (default 0.8–1.2)."""
    low = float(v21_default(jitter_config, "min-factor", 0.8))
    high = float(v21_default(jitter_config, "max-factor", 1.2))
    return delay * random.uniform(low, high)


@shim_of("utils.api_common.manual_retry")
def manual_retry(
    func: Callable[..., Any],
    *args: Any,
    max_retries: int = 3,
    backoff: float = 2.0,
    jitter_config: Mapping[str, Any] | None = None,
    **kwargs: Any,
) -> Any:
    """Call ``func`` up to ``max_retries`` times (total), sleeping ``jitter(backoff**n)``."""
    last: Exception | None = None
    for attempt in range(max_retries):
        try:
            return func(*args, **kwargs)
        except Exception as exc:
            last = exc
            if attempt < max_retries - 1:
                delay = apply_jitter(backoff**attempt, jitter_config)
                _log.warning("Attempt %d/%d failed: %s", attempt + 1, max_retries, exc)
                current().clock.sleep(delay)
    _log.error("All %d attempts failed", max_retries)
    if last is None:
        raise ValueError("manual_retry needs max_retries >= 1")
    raise last


@shim_of("utils.api_common.APIMetrics")
class APIMetrics:
    """Counts calls, successes, failures and response time."""

    def __init__(self) -> None:
        self.total_calls = 0
        self.successful_calls = 0
        self.failed_calls = 0
        self.total_response_time = 0.0
        self._start_times: dict[str, float] = {}

    def start_operation(self, operation_id: str) -> None:
        self._start_times[operation_id] = current().clock.monotonic()
        self.total_calls += 1

    def end_operation(self, operation_id: str, success: bool = True) -> float:
        """The duration; an unknown id logs a warning and returns 0.0."""
        if operation_id not in self._start_times:
            _log.warning("No start time for operation %s", operation_id)
            return 0.0
        duration = current().clock.monotonic() - self._start_times.pop(operation_id)
        self.total_response_time += duration
        if success:
            self.successful_calls += 1
        else:
            self.failed_calls += 1
        return duration

    @property
    def success_rate(self) -> float:
        return self.successful_calls / self.total_calls * 100 if self.total_calls else 0.0

    @property
    def average_response_time(self) -> float:
        return self.total_response_time / self.total_calls if self.total_calls else 0.0

    def reset(self) -> None:
        self.total_calls = self.successful_calls = self.failed_calls = 0
        self.total_response_time = 0.0
        self._start_times.clear()

    def __str__(self) -> str:
        return (
            f"API Metrics: Total={self.total_calls}, Success={self.successful_calls}, "
            f"Failed={self.failed_calls}, Success Rate={self.success_rate:.1f}%, "
            f"Avg Response={self.average_response_time:.3f}s"
        )
