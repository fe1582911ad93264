"""Breaker registry defaults and settings, cool-down edges and Retry-After dates in any zone.

Behaviour a script relies on without configuring it: the registry's documented defaults, that
its settings reach every host's breaker, that a reset really forgets the failures, that a
non-positive pause parks nobody, and that an HTTP-date's zone is honoured whatever the
machine's local time zone is.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Iterator

import pytest

from txo.errors import CircuitOpenError
from txo.http.breaker import BreakerRegistry, BreakerState, CircuitBreaker
from txo.http.ratelimit import HostCooldown
from txo.http.retry import RetryPolicy, parse_retry_after
from txo.testing.clock import FakeClock

# --- circuit breakers ---------------------------------------------------------------------


def state(breaker: CircuitBreaker) -> BreakerState:
    """Read afresh each time (the state moves with the clock)."""
    return breaker.state


def fail(breaker: CircuitBreaker, times: int) -> None:
    for _ in range(times):
        breaker.record_failure(breaker.acquire())


def test_registry_defaults_open_after_five_failures_and_half_open_after_a_minute() -> None:
    clock = FakeClock()
    breaker = BreakerRegistry(clock).get("https://api.example:443")
    fail(breaker, 4)
    assert state(breaker) is BreakerState.CLOSED
    fail(breaker, 1)
    assert state(breaker) is BreakerState.OPEN
    clock.advance(59.9)
    assert state(breaker) is BreakerState.OPEN
    clock.advance(0.1)
    assert state(breaker) is BreakerState.HALF_OPEN
    breaker.acquire()
    with pytest.raises(CircuitOpenError):
        breaker.acquire()  # one trial call at a time by default


def test_registry_without_a_clock_uses_the_system_clock() -> None:
    breaker = BreakerRegistry(failure_threshold=1, reset_timeout=3600).get("h")
    fail(breaker, 1)
    retry_at = breaker.retry_at
    assert retry_at is not None and retry_at == pytest.approx(time.monotonic() + 3600, abs=60)


def test_registry_settings_reach_every_breaker() -> None:
    clock = FakeClock()
    registry = BreakerRegistry(clock, failure_threshold=2, reset_timeout=10, half_open_max_calls=2)
    breaker = registry.get("h")
    fail(breaker, 2)
    clock.advance(10)
    breaker.acquire()
    breaker.acquire()  # two trial calls allowed
    with pytest.raises(CircuitOpenError):
        breaker.acquire()


def test_registry_keeps_256_hosts_by_default() -> None:
    registry = BreakerRegistry(FakeClock())
    for n in range(256):
        registry.get(f"h{n}")
    assert len(registry) == 256 and registry.hosts()[0] == "h0"
    registry.get("h256")
    assert len(registry) == 256 and "h0" not in registry.hosts()


def test_a_registry_of_one_host_is_allowed_and_zero_is_not() -> None:
    registry = BreakerRegistry(FakeClock(), max_hosts=1)
    registry.get("a")
    registry.get("b")
    assert registry.hosts() == ["b"]
    with pytest.raises(ValueError, match="max_hosts must be >= 1, got 0"):
        BreakerRegistry(FakeClock(), max_hosts=0)


def test_reset_forgets_the_failures_counted_so_far() -> None:
    breaker = CircuitBreaker("h", FakeClock(), failure_threshold=3)
    fail(breaker, 2)
    breaker.reset()
    assert breaker.failures == 0
    fail(breaker, 2)
    assert state(breaker) is BreakerState.CLOSED


# --- cool-down -------------------------------------------------------------------------------


@pytest.mark.parametrize("seconds", [0.0, -5.0])
def test_a_pause_of_no_time_parks_nobody(seconds: float) -> None:
    clock = FakeClock()
    cooldown = HostCooldown(clock)
    cooldown.pause("h", seconds)
    assert cooldown.remaining("h") == 0.0
    assert cooldown.wait("h") == 0.0 and clock.sleeps == []


def test_a_host_whose_pause_just_ended_is_dropped_from_the_table() -> None:
    clock = FakeClock()
    cooldown = HostCooldown(clock)
    cooldown.pause("a", 1.0)
    clock.advance(1.0)
    cooldown.pause("b", 1.0)
    assert repr(cooldown) == "HostCooldown(hosts=['b'])"


def test_a_pause_is_logged_for_the_operator(caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.INFO, logger="txo.http.ratelimit"):
        HostCooldown(FakeClock()).pause("https://api.example:443", 2.5)
    assert caplog.messages == [
        "Cooling down https://api.example:443 for 2.5s (server asked to slow down)"
    ]


# --- Retry-After dates ------------------------------------------------------------------------


@pytest.fixture
def new_york_time() -> Iterator[None]:
    """The machine's local zone is not UTC (restored afterwards)."""
    mp = pytest.MonkeyPatch()
    mp.setenv("TZ", "America/New_York")
    time.tzset()
    try:
        yield
    finally:
        mp.undo()
        time.tzset()


EPOCH_2015 = 1445412480.0  # Wed, 21 Oct 2015 07:28:00 GMT


@pytest.mark.usefixtures("new_york_time")
@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("Wed, 21 Oct 2015 07:28:00 GMT", 10.0),
        ("Wed, 21 Oct 2015 07:28:00 -0000", 10.0),  # parses without a zone: still GMT
        ("Wed, 21 Oct 2015 08:28:00 +0100", 10.0),  # an explicit offset is kept
    ],
)
def test_an_http_date_is_read_in_its_own_zone_not_the_machines(value: str, expected: float) -> None:
    assert parse_retry_after(value, EPOCH_2015 - 10) == pytest.approx(expected)
    assert RetryPolicy.parse_retry_after(value, EPOCH_2015 - 10) == pytest.approx(expected)


# --- a single breaker ---------------------------------------------------------------------------


def test_a_breaker_on_its_own_has_the_same_defaults() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("h", clock)
    fail(breaker, 4)
    assert state(breaker) is BreakerState.CLOSED
    fail(breaker, 1)
    clock.advance(59.9)
    assert state(breaker) is BreakerState.OPEN
    clock.advance(0.1)
    breaker.acquire()
    with pytest.raises(CircuitOpenError):
        breaker.acquire()


@pytest.mark.parametrize("reset_timeout", [0.0, 0.5])
def test_a_reset_timeout_under_a_second_is_allowed(reset_timeout: float) -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("h", clock, failure_threshold=1, reset_timeout=reset_timeout)
    fail(breaker, 1)
    clock.advance(reset_timeout)
    assert state(breaker) is BreakerState.HALF_OPEN


def test_bad_breaker_settings_are_named_with_their_values() -> None:
    with pytest.raises(ValueError) as caught:
        CircuitBreaker("h", FakeClock(), half_open_max_calls=0)
    assert str(caught.value) == (
        "CircuitBreaker needs failure_threshold >= 1, half_open_max_calls >= 1 and "
        "reset_timeout >= 0; got 5, 0, 60.0"
    )


def test_an_open_breaker_says_what_it_checked_and_when_it_retries() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("h", clock, failure_threshold=1, reset_timeout=60)
    fail(breaker, 1)
    clock.advance(52.5)
    with pytest.raises(CircuitOpenError) as caught:
        breaker.acquire()
    assert caught.value.context.operation == "circuit breaker check"
    assert caught.value.context.details == {"state": "open", "retry_in_seconds": 7.5}


def test_a_half_open_breaker_with_its_trial_running_retries_at_once() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("h", clock, failure_threshold=1, reset_timeout=10)
    fail(breaker, 1)
    clock.advance(10)
    breaker.acquire()
    with pytest.raises(CircuitOpenError) as caught:
        breaker.acquire()
    assert caught.value.context.details == {"state": "half-open", "retry_in_seconds": 0.0}


def test_every_state_change_is_logged_once(caplog: pytest.LogCaptureFixture) -> None:
    clock = FakeClock()
    breaker = CircuitBreaker("h", clock, failure_threshold=1, reset_timeout=10)
    with caplog.at_level(logging.INFO, logger="txo.http.breaker"):
        breaker.reset()  # already closed: nothing to tell
        fail(breaker, 1)
        clock.advance(10)
        breaker.record_success(breaker.acquire())
    assert caplog.messages == [
        "Circuit breaker for h: closed -> open",
        "Circuit breaker for h: open -> half-open",
        "Circuit breaker for h: half-open -> closed",
    ]


def test_a_trial_slot_freed_by_an_old_trial_does_not_open_an_extra_one() -> None:
    clock = FakeClock()
    breaker = CircuitBreaker(
        "h", clock, failure_threshold=1, reset_timeout=10, half_open_max_calls=2
    )
    fail(breaker, 1)
    clock.advance(10)
    old_trial, failing_trial = breaker.acquire(), breaker.acquire()
    breaker.record_failure(failing_trial)  # open again, then half-open again
    clock.advance(10)
    breaker.acquire()
    breaker.acquire()
    breaker.release(old_trial)  # from the previous half-open round: no verdict now
    with pytest.raises(CircuitOpenError):
        breaker.acquire()


@pytest.mark.parametrize(
    ("bad", "message"),
    [
        ({"max_attempts": 0}, "max_attempts must be at least 1, got 0"),
        ({"backoff_factor": -1.0}, "backoff_factor must be >= 0, got -1.0"),
        ({"backoff_base": 0.5}, "backoff_base must be >= 1, got 0.5"),
        ({"backoff_max": -1.0}, "backoff_max must be >= 0, got -1.0"),
        ({"jitter_min": 2.0}, "need 0 < jitter_min <= jitter_max, got (2.0, 1.2)"),
        ({"retry_after_max": -1.0}, "retry_after_max must be >= 0, got -1.0"),
        ({"total_deadline": 0.0}, "total_deadline must be > 0 or None, got 0.0"),
    ],
)
def test_each_bad_retry_setting_gets_its_own_sentence(bad: dict[str, float], message: str) -> None:
    with pytest.raises(ValueError) as caught:
        RetryPolicy(**bad)  # type: ignore[arg-type]
    assert str(caught.value) == f"RetryPolicy: {message}"
