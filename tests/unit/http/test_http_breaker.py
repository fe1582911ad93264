"""CircuitBreaker transitions and the bounded BreakerRegistry."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor

import pytest

from txo.errors import CircuitOpenError
from txo.http.breaker import BreakerRegistry, BreakerState, CallOutcome, CircuitBreaker
from txo.testing import FakeClock


def _breaker(clock: FakeClock, **kw: int | float) -> CircuitBreaker:
    settings: dict[str, float] = {"failure_threshold": 3, "reset_timeout": 30.0}
    settings.update(kw)
    return CircuitBreaker("https://api.example:443", clock, **settings)  # type: ignore[arg-type]


def _state(breaker: CircuitBreaker) -> BreakerState:
    """Read the state afresh (keeps mypy from narrowing across transitions)."""
    return breaker.state


def _fail(breaker: CircuitBreaker, times: int) -> None:
    for _ in range(times):
        breaker.record_failure(breaker.acquire())


def test_opens_after_threshold_consecutive_failures() -> None:
    clock = FakeClock()
    breaker = _breaker(clock)
    _fail(breaker, 2)
    assert breaker.state is BreakerState.CLOSED
    _fail(breaker, 1)
    assert _state(breaker) is BreakerState.OPEN
    assert breaker.retry_at == clock.monotonic() + 30.0


def test_a_success_resets_the_consecutive_count() -> None:
    breaker = _breaker(FakeClock())
    _fail(breaker, 2)
    breaker.record_success(breaker.acquire())
    _fail(breaker, 2)
    assert breaker.state is BreakerState.CLOSED
    assert breaker.failures == 2


def test_open_circuit_fails_fast_saying_when_it_retries() -> None:
    clock = FakeClock()
    breaker = _breaker(clock)
    _fail(breaker, 3)
    clock.advance(12.5)
    with pytest.raises(CircuitOpenError) as info:
        breaker.acquire()
    err = info.value
    assert "Circuit breaker for https://api.example:443 is open" in str(err)
    assert "after 3 consecutive failure(s)" in str(err)
    assert "retry in 17.5s" in str(err)
    assert err.retry_at == pytest.approx(clock.monotonic() + 17.5)
    assert err.context.resource == "https://api.example:443"
    assert err.context.details is not None
    assert err.context.details["state"] == "open"


def test_half_open_after_timeout_admits_limited_probes() -> None:
    clock = FakeClock()
    breaker = _breaker(clock, half_open_max_calls=2)
    _fail(breaker, 3)
    clock.advance(30.0)
    assert breaker.state is BreakerState.HALF_OPEN
    first, second = breaker.acquire(), breaker.acquire()
    assert first.probe and second.probe
    with pytest.raises(CircuitOpenError, match=r"half-open.*2 trial call"):
        breaker.acquire()
    breaker.release(first)  # a neutral probe outcome frees its slot
    assert breaker.acquire().probe


def test_probe_success_closes_probe_failure_reopens() -> None:
    clock = FakeClock()
    breaker = _breaker(clock)
    _fail(breaker, 3)
    clock.advance(30.0)
    breaker.record_failure(breaker.acquire())
    assert breaker.state is BreakerState.OPEN
    clock.advance(30.0)
    breaker.record_success(breaker.acquire())
    assert _state(breaker) is BreakerState.CLOSED
    assert breaker.failures == 0


def test_outcomes_from_an_older_generation_are_ignored() -> None:
    clock = FakeClock()
    breaker = _breaker(clock)
    slow = breaker.acquire()  # admitted while closed, answers late
    _fail(breaker, 3)
    clock.advance(30.0)
    assert breaker.state is BreakerState.HALF_OPEN
    breaker.record_success(slow)  # must not close the circuit: only a probe decides
    assert breaker.state is BreakerState.HALF_OPEN


def test_reset_closes() -> None:
    breaker = _breaker(FakeClock())
    _fail(breaker, 3)
    breaker.reset()
    assert breaker.state is BreakerState.CLOSED
    assert breaker.acquire().probe is False


def test_invalid_settings() -> None:
    with pytest.raises(ValueError, match="failure_threshold"):
        _breaker(FakeClock(), failure_threshold=0)


def test_thread_safe_failure_counting() -> None:
    breaker = _breaker(FakeClock(), failure_threshold=10_000)
    barrier = threading.Barrier(8)

    def work(_: int) -> None:
        barrier.wait()
        _fail(breaker, 500)

    with ThreadPoolExecutor(8) as pool:
        list(pool.map(work, range(8)))
    assert breaker.failures == 4000


# --- registry --------------------------------------------------------------------------


def test_registry_gives_one_breaker_per_host() -> None:
    registry = BreakerRegistry(FakeClock(), failure_threshold=2, reset_timeout=5.0)
    a = registry.get("https://a:443")
    assert registry.get("https://a:443") is a
    assert registry.get("https://b:443") is not a
    assert a.failure_threshold == 2 and a.reset_timeout == 5.0
    _fail(a, 2)
    assert registry.get("https://b:443").state is BreakerState.CLOSED


def test_registry_is_bounded_and_evicts_closed_breakers_first() -> None:
    registry = BreakerRegistry(FakeClock(), failure_threshold=1, max_hosts=3)
    _fail(registry.get("open-1"), 1)
    registry.get("closed-2")
    registry.get("closed-3")
    registry.get("new-4")
    assert registry.hosts() == ["open-1", "closed-3", "new-4"]
    assert len(registry) == 3
    assert registry.get("open-1").state is BreakerState.OPEN


def test_registry_evicts_lru_when_every_breaker_is_open() -> None:
    registry = BreakerRegistry(FakeClock(), failure_threshold=1, max_hosts=2)
    _fail(registry.get("a"), 1)
    _fail(registry.get("b"), 1)
    registry.get("c")
    assert registry.hosts() == ["b", "c"]


def test_registry_validates_settings_up_front() -> None:
    with pytest.raises(ValueError):
        BreakerRegistry(FakeClock(), failure_threshold=0)
    with pytest.raises(ValueError, match="max_hosts"):
        BreakerRegistry(FakeClock(), max_hosts=0)


@pytest.mark.parametrize(
    ("status", "outcome"),
    [
        (200, CallOutcome.SUCCESS),
        (204, CallOutcome.SUCCESS),
        (404, CallOutcome.SUCCESS),
        (499, CallOutcome.SUCCESS),
        (429, CallOutcome.NEUTRAL),
        (500, CallOutcome.FAILURE),
        (503, CallOutcome.FAILURE),
    ],
)
def test_call_outcome_of_a_status(status: int, outcome: CallOutcome) -> None:
    assert CallOutcome.of_status(status) is outcome


def test_record_reports_each_outcome(fake_clock: FakeClock) -> None:
    breaker = CircuitBreaker("h", fake_clock, failure_threshold=2, reset_timeout=10)
    breaker.record(breaker.acquire(), CallOutcome.FAILURE)
    assert breaker.failures == 1
    breaker.record(breaker.acquire(), CallOutcome.NEUTRAL)
    assert breaker.failures == 1  # no verdict
    breaker.record(breaker.acquire(), CallOutcome.SUCCESS)
    assert breaker.failures == 0
    breaker.record(breaker.acquire(), CallOutcome.FAILURE)
    breaker.record(breaker.acquire(), CallOutcome.FAILURE)
    assert breaker.state is BreakerState.OPEN
    fake_clock.advance(10)
    probe = breaker.acquire()
    breaker.record(probe, CallOutcome.NEUTRAL)  # frees the trial slot
    breaker.record(breaker.acquire(), CallOutcome.SUCCESS)
    assert breaker.state.value == "closed"
