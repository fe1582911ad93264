"""Hypothesis state machine: the token bucket never admits more than burst + rate * T.

Calls are admitted at the fake-clock time their ``acquire()`` returns.  For
every window [t_i, t_j] between two admissions, the number of admissions
in it must be at most ``burst + rate * (t_j - t_i)`` — the exact
token-bucket bound (v2.1's limiter broke it by about a factor of two).
"""

from __future__ import annotations

from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import RuleBasedStateMachine, initialize, invariant, rule

from txo.http.ratelimit import TokenBucket
from txo.testing import FakeClock

EPS = 1e-6


class TokenBucketMachine(RuleBasedStateMachine):
    def __init__(self) -> None:
        super().__init__()
        self.clock = FakeClock()
        self.bucket: TokenBucket | None = None
        self.admitted: list[float] = []

    @initialize(rate=st.floats(0.1, 50.0), burst=st.integers(1, 10))
    def build(self, rate: float, burst: int) -> None:
        self.bucket = TokenBucket(rate, burst, clock=self.clock)

    @rule()
    def acquire(self) -> None:
        assert self.bucket is not None
        waited = self.bucket.acquire()
        assert waited >= 0
        self.admitted.append(self.clock.monotonic())

    @rule(n=st.integers(2, 20))
    def burst_of_calls(self, n: int) -> None:
        for _ in range(n):
            self.acquire()

    @rule()
    def try_acquire(self) -> None:
        assert self.bucket is not None
        if self.bucket.try_acquire():
            self.admitted.append(self.clock.monotonic())

    @rule(seconds=st.floats(0.0, 5.0))
    def idle(self, seconds: float) -> None:
        self.clock.advance(seconds)

    @invariant()
    def never_more_than_burst_plus_rate_times_window(self) -> None:
        if self.bucket is None:
            return
        times = self.admitted
        rate, burst = self.bucket.rate, self.bucket.burst
        for i in range(len(times)):
            for j in range(i, len(times)):
                count = j - i + 1
                assert count <= burst + rate * (times[j] - times[i]) + EPS, (
                    f"{count} calls in {times[j] - times[i]:.3f}s exceeds "
                    f"burst {burst} + rate {rate}/s"
                )

    @invariant()
    def tokens_never_exceed_burst(self) -> None:
        if self.bucket is not None:
            assert self.bucket.available <= self.bucket.burst + EPS


TokenBucketMachine.TestCase.settings = settings(max_examples=60, stateful_step_count=30)
test_token_bucket_state_machine = TokenBucketMachine.TestCase
