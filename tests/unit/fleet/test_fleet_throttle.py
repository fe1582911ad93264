"""The throttled fake BC: a per-identity budget and concurrency cap, 429 + Retry-After."""

from __future__ import annotations

import threading

import httpx
import pytest

from txo.testing.clock import FakeClock
from txo.testing.fake_bc import FakeBusinessCentral
from txo.testing.throttle import ThrottledApi

API = "https://bc.example/v2.0/{tenant}/production/api/v2.0/companies"


def _get(throttle: ThrottledApi, tenant: str = "t1") -> httpx.Response:
    return throttle.handle(httpx.Request("GET", API.format(tenant=tenant)))


def _open(request: httpx.Request) -> httpx.Response:
    return httpx.Response(200, json={"value": []})


def test_budget_per_window_then_429_until_the_oldest_call_leaves() -> None:
    clock = FakeClock()
    throttle = ThrottledApi(_open, budget=2, window=10.0, clock=clock)
    assert [_get(throttle).status_code for _ in range(2)] == [200, 200]
    clock.advance(4.0)
    refused = _get(throttle)
    assert refused.status_code == 429
    assert float(refused.headers["Retry-After"]) == pytest.approx(6.0)
    clock.advance(6.0)
    assert _get(throttle).status_code == 200
    assert (throttle.stats.admitted, throttle.stats.throttled_budget) == (3, 1)


def test_each_identity_has_its_own_budget() -> None:
    throttle = ThrottledApi(_open, budget=1, window=10.0, clock=FakeClock())
    assert _get(throttle, "t1").status_code == 200
    assert _get(throttle, "t2").status_code == 200
    assert _get(throttle, "t1").status_code == 429


def test_concurrency_cap_refuses_the_request_beyond_it() -> None:
    inside, release = threading.Event(), threading.Event()

    def slow(request: httpx.Request) -> httpx.Response:
        inside.set()
        release.wait(timeout=5)
        return httpx.Response(200)

    throttle = ThrottledApi(slow, max_in_flight=1, clock=FakeClock())
    first = threading.Thread(target=_get, args=(throttle,))
    first.start()
    assert inside.wait(timeout=5)
    refused = _get(throttle)
    release.set()
    first.join(timeout=5)
    assert refused.status_code == 429
    assert "Retry-After" in refused.headers
    assert throttle.stats.throttled_concurrency == 1
    assert throttle.stats.peak_in_flight == 1


def test_token_requests_are_never_throttled(fake_bc: FakeBusinessCentral) -> None:
    throttle = ThrottledApi(fake_bc.handle, budget=1, window=60.0, clock=FakeClock())
    data = {
        "grant_type": "client_credentials",
        "client_id": fake_bc.client_id,
        "client_secret": fake_bc.client_secret,
        "scope": "https://api.businesscentral.dynamics.com/.default",
    }
    for _ in range(3):
        request = httpx.Request("POST", fake_bc.token_url(), data=data)
        assert throttle.handle(request).status_code == 200
