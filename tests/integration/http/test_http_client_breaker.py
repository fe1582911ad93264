"""RestClient + BreakerRegistry: the v3.0 roadmap's circuit-breaker behaviour."""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest
import respx

from txo.errors import ApiOperationError, CircuitOpenError, EntityNotFoundError, RateLimitError
from txo.http import BreakerRegistry, BreakerState, RestClient, RetryPolicy
from txo.testing import FakeClock

URL = "https://api.example.com/v2.0/companies"
ORIGIN = "https://api.example.com:443"
ONE_SHOT = RetryPolicy(max_attempts=1)


def make(
    router: respx.MockRouter, clock: FakeClock, **kw: Any
) -> tuple[RestClient, BreakerRegistry]:
    breakers = BreakerRegistry(clock, failure_threshold=3, reset_timeout=30.0)
    kw.setdefault("retry", ONE_SHOT)
    client = RestClient(
        transport=httpx.MockTransport(router.handler), clock=clock, rng=random.Random(1),
        breakers=breakers, **kw,
    )  # fmt: skip
    return client, breakers


def test_circuit_breaker_opens_after_failures(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    route = router.get(URL).mock(return_value=httpx.Response(500, text="boom"))
    client, breakers = make(router, fake_clock)

    for _ in range(3):  # the threshold: three consecutive 5xx
        with pytest.raises(ApiOperationError):
            client.get(URL)
    assert breakers.get(ORIGIN).state is BreakerState.OPEN

    with pytest.raises(CircuitOpenError) as info:  # open: fails fast, nothing is sent
        client.get(URL)
    assert route.call_count == 3
    assert f"Circuit breaker for {ORIGIN} is open" in str(info.value)
    assert "It will retry in 30.0s" in str(info.value)
    assert info.value.retry_at == fake_clock.monotonic() + 30.0

    fake_clock.advance(30.0)  # the reset timeout passes on the fake clock
    assert breakers.get(ORIGIN).state is BreakerState.HALF_OPEN

    route.mock(return_value=httpx.Response(200, json={"ok": True}))
    assert client.get(URL) == {"ok": True}  # the trial call succeeds…
    assert breakers.get(ORIGIN).state is BreakerState.CLOSED  # …and closes the circuit
    assert client.get(URL) == {"ok": True}


def test_failed_probe_reopens(router: respx.MockRouter, fake_clock: FakeClock) -> None:
    router.get(URL).mock(return_value=httpx.Response(503))
    client, breakers = make(router, fake_clock)
    for _ in range(3):
        with pytest.raises(ApiOperationError):
            client.get(URL)
    fake_clock.advance(30.0)
    with pytest.raises(ApiOperationError):
        client.get(URL)
    assert breakers.get(ORIGIN).state is BreakerState.OPEN
    with pytest.raises(CircuitOpenError, match=r"retry in 30\.0s"):
        client.get(URL)


def test_retries_stop_when_the_circuit_opens(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    route = router.get(URL).mock(return_value=httpx.Response(503))
    client, _ = make(router, fake_clock, retry=RetryPolicy(max_attempts=10))
    with pytest.raises(CircuitOpenError):
        client.get(URL)
    assert route.call_count == 3


def test_transport_errors_count_as_failures(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    router.get(URL).mock(side_effect=httpx.ConnectError("refused"))
    client, breakers = make(router, fake_clock)
    for _ in range(3):
        with pytest.raises(ApiOperationError):
            client.get(URL)
    assert breakers.get(ORIGIN).state is BreakerState.OPEN


@pytest.mark.parametrize(("status", "error"), [(404, EntityNotFoundError), (429, RateLimitError)])
def test_4xx_and_429_never_count(
    router: respx.MockRouter, fake_clock: FakeClock, status: int, error: type[Exception]
) -> None:
    router.get(URL).mock(return_value=httpx.Response(status))
    client, breakers = make(router, fake_clock)
    for _ in range(10):
        with pytest.raises(error):
            client.get(URL)
    assert breakers.get(ORIGIN).state is BreakerState.CLOSED
    assert breakers.get(ORIGIN).failures == 0


def test_a_4xx_resets_the_consecutive_count(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    router.get(URL).mock(
        side_effect=[httpx.Response(500), httpx.Response(500), httpx.Response(404)] * 3
    )
    client, breakers = make(router, fake_clock)
    for _ in range(9):
        with pytest.raises((ApiOperationError, EntityNotFoundError)):
            client.get(URL)
    assert breakers.get(ORIGIN).state is BreakerState.CLOSED


def test_breakers_are_per_host(router: respx.MockRouter, fake_clock: FakeClock) -> None:
    router.get(URL).mock(return_value=httpx.Response(500))
    router.get("https://other.example.com/x").mock(return_value=httpx.Response(200, json=1))
    client, _ = make(router, fake_clock)
    for _ in range(3):
        with pytest.raises(ApiOperationError):
            client.get(URL)
    assert client.get("https://other.example.com/x") == 1
