"""202 Accepted: poll the Location, honour Retry-After, stop at the max wait."""

from __future__ import annotations

import random
from typing import Any

import httpx
import pytest
import respx

from txo.errors import ApiTimeoutError
from txo.http import RestClient, RetryPolicy
from txo.http.auth import StaticTokenAuth
from txo.testing import FakeClock

BASE = "https://api.example.com/v2.0"
ACTION = f"{BASE}/companies(1)/Microsoft.NAV.post"
MONITOR = f"{BASE}/operations/op-7"


def make(router: respx.MockRouter, clock: FakeClock, **kw: Any) -> RestClient:
    return RestClient(
        BASE, auth=StaticTokenAuth("tok-1"), clock=clock,
        transport=httpx.MockTransport(router.handler),
        rng=random.Random(5), retry=RetryPolicy(max_attempts=2), poll_interval=5.0,
        poll_max_wait=60.0, **kw,
    )  # fmt: skip


def accepted(
    location: str | None = "../operations/op-7", retry_after: str | None = None
) -> httpx.Response:
    headers = {}
    if location is not None:
        headers["Location"] = location
    if retry_after is not None:
        headers["Retry-After"] = retry_after
    return httpx.Response(202, json={"status": "queued"}, headers=headers)


def test_polls_relative_location_honouring_retry_after(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    router.post(ACTION).mock(return_value=accepted("/v2.0/operations/op-7", retry_after="3"))
    monitor = router.get(MONITOR).mock(
        side_effect=[accepted(None, retry_after="2"), httpx.Response(200, json={"done": 1})]
    )
    assert make(router, fake_clock).post("companies(1)/Microsoft.NAV.post", {}) == {"done": 1}
    assert monitor.call_count == 2
    assert fake_clock.sleeps == [3.0, 2.0]
    assert monitor.calls.last.request.headers["Authorization"] == "Bearer tok-1"


def test_poll_interval_is_the_fallback(router: respx.MockRouter, fake_clock: FakeClock) -> None:
    router.post(ACTION).mock(return_value=accepted())
    router.get(MONITOR).mock(side_effect=[accepted(), httpx.Response(201, json={"id": 9})])
    assert make(router, fake_clock).post(ACTION) == {"id": 9}
    assert fake_clock.sleeps == [5.0, 5.0]


def test_gives_up_at_max_wait_stating_elapsed_and_polls(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    router.post(ACTION).mock(return_value=accepted(retry_after="25"))
    monitor = router.get(MONITOR).mock(return_value=accepted(retry_after="25"))
    with pytest.raises(ApiTimeoutError) as info:
        make(router, fake_clock).post(ACTION)
    assert fake_clock.sleeps == [25.0, 25.0, 10.0]  # the last sleep never overshoots
    assert monitor.call_count == 3
    message = info.value.message
    assert f"POST {ACTION} was accepted (HTTP 202) but did not finish within 60s" in message
    assert "still running after 60.0s and 3 poll(s)" in message
    assert MONITOR in message


def test_a_303_to_the_result_is_followed(router: respx.MockRouter, fake_clock: FakeClock) -> None:
    router.post(ACTION).mock(return_value=accepted())
    router.get(MONITOR).mock(
        return_value=httpx.Response(303, headers={"Location": f"{BASE}/results/r-1"})
    )
    router.get(f"{BASE}/results/r-1").mock(return_value=httpx.Response(200, json={"total": 3}))
    assert make(router, fake_clock).post(ACTION) == {"total": 3}
    assert fake_clock.sleeps == [5.0]


def test_final_204_returns_none(router: respx.MockRouter, fake_clock: FakeClock) -> None:
    router.delete(ACTION).mock(return_value=accepted())
    router.get(MONITOR).mock(return_value=httpx.Response(204))
    assert make(router, fake_clock).delete(ACTION) is None


def test_no_location_returns_the_202_body(
    router: respx.MockRouter, fake_clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    router.post(ACTION).mock(return_value=accepted(None))
    assert make(router, fake_clock).post(ACTION) == {"status": "queued"}
    assert fake_clock.sleeps == []
    assert "without a Location header" in caplog.text


def test_request_without_poll_returns_the_202(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    router.post(ACTION).mock(return_value=accepted())
    response = make(router, fake_clock).request("POST", ACTION, poll=False)
    assert response.status_code == 202


def test_monitor_errors_are_classified_and_retried(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    router.post(ACTION).mock(return_value=accepted())
    monitor = router.get(MONITOR).mock(
        side_effect=[httpx.Response(503, headers={"Retry-After": "1"}), httpx.Response(200, json=7)]
    )
    assert make(router, fake_clock).post(ACTION) == 7
    assert monitor.call_count == 2
    assert fake_clock.sleeps == [5.0, 1.0]


def test_cross_host_location_gets_no_authorization(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    other = "https://status.other-cloud.example/ops/1"
    router.post(ACTION).mock(return_value=accepted(other))
    monitor = router.get(other).mock(return_value=httpx.Response(200, json={"ok": 1}))
    client = make(router, fake_clock, headers={"Authorization": "Basic c3RhdGlj"})
    assert client.post(ACTION) == {"ok": 1}
    assert "Authorization" in router.calls[0].request.headers
    assert "authorization" not in monitor.calls.last.request.headers
