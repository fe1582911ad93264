"""Hypothesis state machine: CircuitBreaker against a small reference model.

The model is the specification in a dozen lines: consecutive failures open
the circuit at the threshold; after ``reset_timeout`` on the clock it is
half-open and admits at most ``max_probes`` trial calls; a probe success
closes it, a probe failure reopens it; outcomes from permits issued before
the latest state change are ignored.
"""

from __future__ import annotations

from dataclasses import dataclass

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import Bundle, RuleBasedStateMachine, consumes, invariant, rule

from txo.errors import CircuitOpenError
from txo.http.breaker import BreakerState, CircuitBreaker, Permit
from txo.testing import FakeClock

THRESHOLD, TIMEOUT, MAX_PROBES = 3, 10.0, 2


@dataclass
class Model:
    state: str = "closed"
    failures: int = 0
    opened_at: float = 0.0
    probes: int = 0
    generation: int = 0

    def advance(self, now: float) -> None:
        if self.state == "open" and now >= self.opened_at + TIMEOUT:
            self.move("half-open")

    def move(self, state: str) -> None:
        self.state, self.probes, self.generation = state, 0, self.generation + 1


@dataclass(frozen=True)
class Held:
    permit: Permit
    generation: int


class BreakerMachine(RuleBasedStateMachine):
    permits = Bundle("permits")

    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock()
        self.breaker = CircuitBreaker(
            "h", self.clock, failure_threshold=THRESHOLD, reset_timeout=TIMEOUT,
            half_open_max_calls=MAX_PROBES,
        )  # fmt: skip
        self.model = Model()

    @rule(target=permits)
    def acquire(self) -> Held | None:
        m = self.model
        m.advance(self.clock.monotonic())
        allowed = m.state == "closed" or (m.state == "half-open" and m.probes < MAX_PROBES)
        try:
            permit = self.breaker.acquire()
        except CircuitOpenError as err:
            assert not allowed, f"refused although the model allows it ({m})"
            assert err.retry_at >= self.clock.monotonic()
            return None
        assert allowed, f"admitted although the model refuses ({m})"
        assert permit.probe == (m.state == "half-open")
        m.probes += permit.probe
        return Held(permit, m.generation)

    @rule(held=consumes(permits))
    def succeed(self, held: Held | None) -> None:
        if held is None:
            return
        self.breaker.record_success(held.permit)
        m = self.model
        if held.generation == m.generation:
            m.failures = 0
            if m.state == "half-open":
                m.move("closed")

    @rule(held=consumes(permits))
    def fail(self, held: Held | None) -> None:
        if held is None:
            return
        self.breaker.record_failure(held.permit)
        m = self.model
        if held.generation == m.generation:
            m.failures += 1
            if m.state == "half-open" or m.failures >= THRESHOLD:
                m.opened_at = self.clock.monotonic()
                m.move("open")

    @rule(held=consumes(permits))
    def neutral(self, held: Held | None) -> None:
        if held is None:
            return
        self.breaker.release(held.permit)
        if held.generation == self.model.generation and held.permit.probe:
            self.model.probes -= 1

    @rule(seconds=st.sampled_from([0.5, 3.0, 9.99, 10.0, 25.0]))
    def time_passes(self, seconds: float) -> None:
        self.clock.advance(seconds)

    @invariant()
    def state_matches_the_model(self) -> None:
        self.model.advance(self.clock.monotonic())
        assert self.breaker.state.value == self.model.state
        assert self.breaker.failures == self.model.failures

    @invariant()
    def retry_at_only_when_open(self) -> None:
        self.model.advance(self.clock.monotonic())
        expected = self.model.opened_at + TIMEOUT if self.model.state == "open" else None
        assert self.breaker.retry_at == expected
        assert (self.breaker.state is BreakerState.OPEN) == (expected is not None)


BreakerMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40)
test_breaker_state_machine = BreakerMachine.TestCase
