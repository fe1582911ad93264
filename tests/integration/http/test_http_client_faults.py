"""Faults that must stay bounded: a final 429 pauses the host; the deadline ends an attempt.

The transport is an injected fake (``httpx.MockTransport`` or a respx router);
time is a FakeClock, so nothing sleeps for real.
"""

from __future__ import annotations

import random
from collections.abc import Iterator
from typing import Any

import httpx
import pytest
import respx

from txo.errors import ApiTimeoutError, RateLimitError
from txo.http import HostCooldown, RestClient, RetryPolicy
from txo.testing import FakeClock

BASE = "https://api.example.com/v2.0"
URL = f"{BASE}/companies"
ORIGIN = "https://api.example.com:443"


def make(transport: httpx.BaseTransport, clock: FakeClock, **kw: Any) -> RestClient:
    return RestClient(BASE, transport=transport, clock=clock, rng=random.Random(7), **kw)


def rate_limited(retry_after: str) -> httpx.Response:
    return httpx.Response(429, json={"error": {"message": "slow down"}}, headers={
        "retry-after": retry_after})  # fmt: skip


# --- a call's last 429 closes the host's cool-down gate --------------------------------


@pytest.mark.parametrize("attempts", [1, 2])
def test_final_429_pauses_the_host_for_the_next_call(
    router: respx.MockRouter, fake_clock: FakeClock, attempts: int
) -> None:
    route = router.get(URL).mock(side_effect=[rate_limited("1")] * attempts + [httpx.Response(
        200, json={"value": []})])  # fmt: skip
    cooldown = HostCooldown(fake_clock)
    policy = RetryPolicy(max_attempts=attempts, jitter_min=1.0, jitter_max=1.0)
    client = make(httpx.MockTransport(router.handler), fake_clock, retry=policy, cooldown=cooldown)
    with pytest.raises(RateLimitError):
        client.get("companies")
    assert cooldown.remaining(ORIGIN) == pytest.approx(1.0)
    slept_before = len(fake_clock.sleeps)
    assert client.get("companies") == {"value": []}
    assert fake_clock.sleeps[slept_before:] == [pytest.approx(1.0)]  # waited out the gate
    assert route.call_count == attempts + 1


def test_final_429_of_a_non_retried_post_pauses_the_host(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    router.post(URL).mock(return_value=rate_limited("2"))
    cooldown = HostCooldown(fake_clock)
    client = make(
        httpx.MockTransport(router.handler), fake_clock,
        retry=RetryPolicy(max_attempts=1), cooldown=cooldown,
    )  # fmt: skip
    with pytest.raises(RateLimitError) as caught:
        client.post("companies", json={})
    assert caught.value.retry_after == 2.0
    assert cooldown.remaining(ORIGIN) == pytest.approx(2.0)


def test_retry_after_beyond_the_allowed_maximum_does_not_close_the_gate(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    router.get(URL).mock(return_value=rate_limited("900"))
    cooldown = HostCooldown(fake_clock)
    policy = RetryPolicy(max_attempts=3, retry_after_max=300)
    client = make(httpx.MockTransport(router.handler), fake_clock, retry=policy, cooldown=cooldown)
    with pytest.raises(RateLimitError):
        client.get("companies")
    assert cooldown.remaining(ORIGIN) == 0.0  # failed fast; nobody is parked for 15 minutes


def test_429_without_retry_after_does_not_close_the_gate(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    router.get(URL).mock(return_value=httpx.Response(429))
    cooldown = HostCooldown(fake_clock)
    client = make(
        httpx.MockTransport(router.handler), fake_clock,
        retry=RetryPolicy(max_attempts=1), cooldown=cooldown,
    )  # fmt: skip
    with pytest.raises(RateLimitError):
        client.get("companies")
    assert cooldown.remaining(ORIGIN) == 0.0


# --- the total deadline ends an attempt, whatever the server does ----------------------


def trickle(clock: FakeClock, chunks: int, every: float = 0.2) -> Iterator[bytes]:
    """A body that arrives one byte every ``every`` seconds (on the fake clock)."""
    for _ in range(chunks):
        clock.advance(every)
        yield b" "


def trickling_transport(clock: FakeClock, chunks: int, calls: list[str]) -> httpx.MockTransport:
    def handler(request: httpx.Request) -> httpx.Response:
        calls.append(request.method)
        return httpx.Response(200, content=trickle(clock, chunks))

    return httpx.MockTransport(handler)


@pytest.mark.parametrize("method", ["GET", "POST"])
def test_total_deadline_ends_a_trickling_response(fake_clock: FakeClock, method: str) -> None:
    calls: list[str] = []
    started = fake_clock.monotonic()
    client = make(
        trickling_transport(fake_clock, chunks=100, calls=calls), fake_clock,
        timeout=0.5, retry=RetryPolicy(total_deadline=1.5),
    )  # fmt: skip
    with pytest.raises(ApiTimeoutError) as caught:
        client.request(method, "companies")
    elapsed = fake_clock.monotonic() - started
    assert elapsed <= 1.5 + 0.2 + 1e-9  # ended within one byte of the deadline, not 20 s later
    assert calls == [method]  # no time was left for another attempt
    assert "total deadline" in str(caught.value)


def test_a_response_that_finishes_before_the_deadline_is_returned(fake_clock: FakeClock) -> None:
    calls: list[str] = []
    client = make(
        trickling_transport(fake_clock, chunks=5, calls=calls), fake_clock,
        timeout=0.5, retry=RetryPolicy(total_deadline=1.5),
    )  # fmt: skip
    assert client.request("GET", "companies").content == b" " * 5


def test_without_a_total_deadline_a_slow_body_is_read_to_the_end(fake_clock: FakeClock) -> None:
    calls: list[str] = []
    client = make(
        trickling_transport(fake_clock, chunks=50, calls=calls), fake_clock,
        timeout=0.5, retry=RetryPolicy(total_deadline=None),
    )  # fmt: skip
    assert len(client.request("GET", "companies").content) == 50


# --- the give-up carries the server's last Retry-After ---------------------------------


def test_exhausted_rate_limit_error_carries_the_last_retry_after(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    router.get(URL).mock(side_effect=[rate_limited("3"), rate_limited("5")])
    policy = RetryPolicy(max_attempts=2, jitter_min=1.0, jitter_max=1.0)
    client = make(httpx.MockTransport(router.handler), fake_clock, retry=policy)
    with pytest.raises(RateLimitError) as caught:
        client.get("companies")
    assert caught.value.retry_after == 5.0
    assert "gave up after 2 attempt(s)" in str(caught.value)


def test_a_too_long_retry_after_on_503_fails_fast_as_a_rate_limit(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    busy = httpx.Response(503, headers={"retry-after": "900"})
    route = router.get(URL).mock(return_value=busy)
    client = make(httpx.MockTransport(router.handler), fake_clock, retry=RetryPolicy())
    with pytest.raises(RateLimitError) as caught:
        client.get("companies")
    assert caught.value.retry_after == 900.0
    assert route.call_count == 1 and fake_clock.sleeps == []


def test_retry_after_exactly_at_the_allowed_maximum_still_pauses_the_host(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    router.get(URL).mock(return_value=rate_limited("30"))
    cooldown = HostCooldown(fake_clock)
    policy = RetryPolicy(max_attempts=1, retry_after_max=30)
    client = make(httpx.MockTransport(router.handler), fake_clock, retry=policy, cooldown=cooldown)
    with pytest.raises(RateLimitError):
        client.get("companies")
    assert cooldown.remaining(ORIGIN) == pytest.approx(30.0)
