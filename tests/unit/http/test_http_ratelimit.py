"""TokenBucket (exact, reservation-based), HostCooldown and ConcurrencyLimiter."""

from __future__ import annotations

import threading
from concurrent.futures import ThreadPoolExecutor
from contextlib import ExitStack

import pytest

from txo.http.ratelimit import ConcurrencyLimiter, HostCooldown, TokenBucket
from txo.testing import FakeClock


class FrozenClock(FakeClock):
    """Time never moves: shows what every thread *reserved*, untouched by sleeping."""

    def sleep(self, seconds: float) -> None:
        with self._lock:
            self.sleeps.append(seconds)


def test_burst_is_free_then_calls_are_spaced_at_the_rate() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=2.0, burst=3, clock=clock)
    waits = [bucket.acquire() for _ in range(6)]
    assert waits == [0.0, 0.0, 0.0, 0.5, 0.5, 0.5]
    assert clock.sleeps == [0.5, 0.5, 0.5]


def test_v21_bug_is_gone_rate_is_not_doubled() -> None:
    """v2.1 admitted ~2x: 10 calls at 1/s took ~5s.  Exact: 10 calls need 9s after the first."""
    clock = FakeClock()
    bucket = TokenBucket(rate=1.0, burst=1, clock=clock)
    start = clock.monotonic()
    for _ in range(10):
        bucket.acquire()
    assert clock.monotonic() - start == pytest.approx(9.0)


def test_idle_time_refills_up_to_burst_only() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=1.0, burst=2, clock=clock)
    bucket.acquire()
    bucket.acquire()
    clock.advance(100.0)
    assert bucket.available == 2.0
    assert [bucket.reserve() for _ in range(3)] == [0.0, 0.0, 1.0]


def test_try_acquire_never_waits() -> None:
    clock = FakeClock()
    bucket = TokenBucket(rate=1.0, burst=1, clock=clock)
    assert bucket.try_acquire()
    assert not bucket.try_acquire()
    clock.advance(1.0)
    assert bucket.try_acquire()
    assert clock.sleeps == []


def test_concurrent_threads_never_double_spend_a_token() -> None:
    """16 threads x 10 reservations: each wait is a distinct slot k/rate, none shared."""
    clock = FrozenClock()
    bucket = TokenBucket(rate=4.0, burst=2, clock=clock)
    barrier = threading.Barrier(16)

    def worker(_: int) -> list[float]:
        barrier.wait()
        return [bucket.acquire() for _ in range(10)]

    with ThreadPoolExecutor(16) as pool:
        waits = sorted(w for chunk in pool.map(worker, range(16)) for w in chunk)
    expected = [0.0, 0.0] + [k / 4.0 for k in range(1, 159)]
    assert waits == pytest.approx(expected)


@pytest.mark.parametrize(("rate", "burst"), [(0, 1), (-1, 1), (1, 0.5)])
def test_invalid_bucket_settings(rate: float, burst: float) -> None:
    with pytest.raises(ValueError, match="TokenBucket"):
        TokenBucket(rate, burst, clock=FakeClock())


def test_repr_shows_settings() -> None:
    assert repr(TokenBucket(2.5, 4, FakeClock())) == "TokenBucket(rate=2.5/s, burst=4)"


# --- HostCooldown ---------------------------------------------------------------------


def test_cooldown_pauses_only_the_named_host() -> None:
    clock = FakeClock()
    gate = HostCooldown(clock)
    gate.pause("https://a:443", 30.0)
    assert gate.remaining("https://b:443") == 0.0
    assert gate.wait("https://b:443") == 0.0
    assert gate.wait("https://a:443") == 30.0
    assert clock.sleeps == [30.0]
    assert gate.remaining("https://a:443") == 0.0


def test_cooldown_deadlines_only_move_later() -> None:
    clock = FakeClock()
    gate = HostCooldown(clock)
    gate.pause("h", 30.0)
    gate.pause("h", 5.0)
    assert gate.remaining("h") == 30.0
    gate.pause("h", 60.0)
    assert gate.remaining("h") == 60.0


def test_cooldown_wait_follows_an_extended_deadline() -> None:
    """Another thread extending the pause while we sleep makes us sleep again."""

    class ExtendingClock(FakeClock):
        gate: HostCooldown | None = None

        def sleep(self, seconds: float) -> None:
            super().sleep(seconds)
            if self.gate is not None and len(self.sleeps) == 1:
                self.gate.pause("h", 7.0)

    clock = ExtendingClock()
    gate = HostCooldown(clock)
    clock.gate = gate
    gate.pause("h", 3.0)
    assert gate.wait("h") == 10.0
    assert clock.sleeps == [3.0, 7.0]


def test_one_pause_blocks_every_thread_until_the_deadline() -> None:
    clock = FakeClock()
    gate = HostCooldown(clock)
    deadline = gate.pause("h", 12.0)

    def wait_then_look(_: int) -> float:
        gate.wait("h")
        return clock.monotonic()

    with ThreadPoolExecutor(8) as pool:
        released_at = list(pool.map(wait_then_look, range(8)))
    assert all(t >= deadline for t in released_at)  # no thread got through early
    assert clock.sleeps and clock.sleeps[0] == 12.0


def test_expired_hosts_are_forgotten() -> None:
    clock = FakeClock()
    gate = HostCooldown(clock)
    gate.pause("h-old", 1.0)
    clock.advance(2.0)
    gate.pause("h-new", 1.0)
    assert repr(gate) == "HostCooldown(hosts=['h-new'])"


# --- ConcurrencyLimiter ----------------------------------------------------------------


def test_concurrency_is_capped_per_host() -> None:
    limiter = ConcurrencyLimiter(max_per_host=2)
    with ExitStack() as held:
        held.enter_context(limiter.slot("a"))
        held.enter_context(limiter.slot("a"))
        assert not limiter._semaphore("a").acquire(blocking=False)  # a third would block
        with limiter.slot("b"):  # other hosts are unaffected
            pass
    assert limiter._semaphore("a").acquire(blocking=False)  # released on exit


def test_concurrency_slots_are_shared_by_threads() -> None:
    limiter = ConcurrencyLimiter(max_per_host=3)
    lock = threading.Lock()
    state = {"now": 0, "peak": 0}
    barrier = threading.Barrier(6)

    def work(_: int) -> None:
        barrier.wait()
        for _ in range(200):
            with limiter.slot("h"):
                with lock:
                    state["now"] += 1
                    state["peak"] = max(state["peak"], state["now"])
                with lock:
                    state["now"] -= 1

    with ThreadPoolExecutor(6) as pool:
        list(pool.map(work, range(6)))
    assert 1 <= state["peak"] <= 3


def test_concurrency_limiter_rejects_zero() -> None:
    with pytest.raises(ValueError, match="max_per_host"):
        ConcurrencyLimiter(0)
