"""RestClient retries: Retry-After, backoff + jitter, give-up, fail-fast, idempotency, deadline.

respx routers are injected as the transport (``httpx.MockTransport(router.handler)``);
nothing is patched globally, time is a FakeClock, jitter a seeded Random.
"""

from __future__ import annotations

import random
from datetime import UTC, datetime
from email.utils import format_datetime
from typing import Any

import httpx
import pytest
import respx

from txo.errors import ApiOperationError, ApiTimeoutError, RateLimitError
from txo.http import HostCooldown, RestClient, RetryPolicy, TokenBucket
from txo.testing import FakeClock

BASE = "https://api.example.com/v2.0"
URL = f"{BASE}/companies"
ORIGIN = "https://api.example.com:443"


def make(router: respx.MockRouter, clock: FakeClock, **kw: Any) -> RestClient:
    kw.setdefault("retry", RetryPolicy(max_attempts=4, jitter_min=1.0, jitter_max=1.0))
    return RestClient(
        BASE, transport=httpx.MockTransport(router.handler), clock=clock,
        rng=random.Random(42), **kw,
    )  # fmt: skip


def busy(status: int = 503, retry_after: str | None = None) -> httpx.Response:
    headers = {"retry-after": retry_after} if retry_after is not None else {}
    body = {"error": {"code": "Busy", "message": "Try later"}}
    return httpx.Response(status, json=body, headers={**headers, "x-ms-request-id": "rq-9"})


OK = httpx.Response(200, json={"value": [1]})


def test_retry_on_429_honours_retry_after_seconds(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    route = router.get(URL).mock(side_effect=[busy(429, "7"), OK])
    assert make(router, fake_clock).get("companies") == {"value": [1]}
    assert route.call_count == 2
    assert fake_clock.sleeps == [7.0]


def test_retry_on_503_honours_retry_after_http_date(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    when = format_datetime(datetime.fromtimestamp(fake_clock.time() + 30, tz=UTC), usegmt=True)
    router.get(URL).mock(side_effect=[busy(503, when), OK])
    make(router, fake_clock).get("companies")
    assert fake_clock.sleeps == [pytest.approx(30.0)]


def test_invalid_retry_after_falls_back_to_backoff(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    router.get(URL).mock(side_effect=[busy(503, "soon-ish"), OK])
    make(router, fake_clock, retry=RetryPolicy(jitter_min=1.0, jitter_max=1.0)).get("companies")
    assert fake_clock.sleeps == [1.0]


def test_backoff_with_jitter_follows_the_seeded_sequence(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    policy = RetryPolicy(max_attempts=5, backoff_factor=1.0, backoff_base=3.0, backoff_max=20.0)
    router.get(URL).mock(side_effect=[busy(), busy(), busy(), busy(), OK])
    make(router, fake_clock, retry=policy).get("companies")
    rng = random.Random(42)
    expected = [policy.delay_for(n, rng) for n in (1, 2, 3, 4)]
    assert fake_clock.sleeps == expected
    bases = [1.0, 3.0, 9.0, 20.0]
    for delay, base in zip(fake_clock.sleeps, bases, strict=True):
        assert base * 0.8 <= delay <= base * 1.2


def test_gives_up_on_429_with_rate_limit_error(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    route = router.get(URL).mock(return_value=busy(429, "2"))
    with pytest.raises(RateLimitError) as info:
        make(router, fake_clock).get("companies")
    err = info.value
    assert route.call_count == 4
    assert err.status_code == 429 and err.retry_after == 2.0 and err.request_id == "rq-9"
    assert f"GET {URL} was rate limited (HTTP 429 Too Many Requests): Try later" in err.message
    assert "gave up after 4 attempt(s)" in err.message
    assert fake_clock.sleeps == [2.0, 2.0, 2.0]


def test_gives_up_on_503_with_operation_error(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    router.get(URL).mock(return_value=busy(503))
    with pytest.raises(ApiOperationError) as info:
        make(router, fake_clock).get("companies")
    assert info.value.status_code == 503
    assert "failed on the server (HTTP 503" in info.value.message
    assert "gave up after 4 attempt(s)" in info.value.message
    assert info.value.context.details is not None
    assert info.value.context.details["attempts"] == 4


def test_retry_after_beyond_the_maximum_fails_fast(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    route = router.get(URL).mock(return_value=busy(429, "3600"))
    client = make(router, fake_clock, retry=RetryPolicy(retry_after_max=120))
    with pytest.raises(RateLimitError) as info:
        client.get("companies")
    assert route.call_count == 1 and fake_clock.sleeps == []
    assert info.value.retry_after == 3600.0
    assert "asked to retry after 3600s, more than the allowed 120s; failing fast" in str(info.value)


def test_post_is_not_retried_on_503(router: respx.MockRouter, fake_clock: FakeClock) -> None:
    route = router.post(URL).mock(return_value=busy(503))
    with pytest.raises(ApiOperationError) as info:
        make(router, fake_clock).post("companies", {"name": "x"})
    assert route.call_count == 1
    assert "not retried: POST is not idempotent" in info.value.message


def test_post_retry_on_503_is_opt_in(router: respx.MockRouter, fake_clock: FakeClock) -> None:
    route = router.post(URL).mock(side_effect=[busy(503), OK])
    policy = RetryPolicy(retry_non_idempotent=True, jitter_min=1.0, jitter_max=1.0)
    make(router, fake_clock, retry=policy).post("companies", {"name": "x"})
    assert route.call_count == 2


def test_post_is_retried_on_429_and_connect_errors(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    route = router.post(URL).mock(
        side_effect=[busy(429, "1"), httpx.ConnectError("refused"), httpx.Response(201, json={})]
    )
    assert make(router, fake_clock).post("companies", {"name": "x"}) == {}
    assert route.call_count == 3


def test_read_timeout_is_retried_for_get(router: respx.MockRouter, fake_clock: FakeClock) -> None:
    route = router.get(URL).mock(side_effect=[httpx.ReadTimeout("slow"), OK])
    assert make(router, fake_clock).get("companies") == {"value": [1]}
    assert route.call_count == 2


def test_read_timeout_is_not_retried_for_post(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    route = router.post(URL).mock(side_effect=httpx.ReadTimeout("slow"))
    with pytest.raises(ApiTimeoutError) as info:
        make(router, fake_clock).post("companies", {})
    assert route.call_count == 1
    assert f"POST {URL} timed out (ReadTimeout: slow); not retried" in info.value.message


def test_connect_errors_give_up_with_operation_error(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    router.get(URL).mock(side_effect=httpx.ConnectError("Name or service not known"))
    with pytest.raises(ApiOperationError) as info:
        make(router, fake_clock).get("companies")
    assert "failed before a response arrived (ConnectError: Name or service not known)" in str(
        info.value
    )
    assert "gave up after 4 attempt(s)" in str(info.value)


def test_total_deadline_stops_retrying(router: respx.MockRouter, fake_clock: FakeClock) -> None:
    def slow_503(request: httpx.Request) -> httpx.Response:
        fake_clock.advance(2.0)  # each attempt takes 2 s of (fake) time
        return busy(503, "4")

    route = router.get(URL).mock(side_effect=slow_503)
    policy = RetryPolicy(max_attempts=10, total_deadline=15.0)
    with pytest.raises(ApiOperationError) as info:
        make(router, fake_clock, retry=policy).get("companies")
    # t=2 → sleep 4 → t=8 → sleep 4 → t=14: 14 + 4 > 15, give up after 3 attempts
    assert route.call_count == 3 and fake_clock.sleeps == [4.0, 4.0]
    assert "waiting 4.0s more would pass the total deadline of 15s" in info.value.message


def test_rate_limiter_is_consulted_for_every_attempt(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    router.get(URL).mock(side_effect=[busy(503, "0"), busy(503, "0"), OK])
    bucket = TokenBucket(rate=1.0, burst=1, clock=fake_clock)
    make(router, fake_clock, rate_limiter=bucket).get("companies")
    assert fake_clock.sleeps == [1.0, 1.0]  # Retry-After 0, then the bucket spaces attempts


def test_a_429_pauses_other_threads_talking_to_the_host(router: respx.MockRouter) -> None:
    """While client A sleeps off a Retry-After, client B (same cool-down gate) waits too."""

    class Interleaving(FakeClock):
        during_first_sleep: Any = None

        def sleep(self, seconds: float) -> None:
            hook, self.during_first_sleep = self.during_first_sleep, None
            if hook is not None:
                hook()
            super().sleep(seconds)

    clock = Interleaving()
    gate = HostCooldown(clock)
    router.get(URL).mock(side_effect=[busy(429, "20"), OK, OK])
    a = make(router, clock, cooldown=gate)
    b = make(router, clock, cooldown=gate)
    seen: list[float] = []

    def other_thread() -> None:
        seen.append(gate.remaining(ORIGIN))
        b.get(URL)

    clock.during_first_sleep = other_thread
    a.get(URL)
    assert seen == [20.0]
    assert clock.sleeps[0] == 20.0  # B waited for the gate before its request


def test_attempt_timeouts_shrink_to_fit_the_total_deadline(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    route = router.get(URL).mock(side_effect=[busy(503, "6"), busy(503, "3"), OK])
    policy = RetryPolicy(max_attempts=5, total_deadline=12.0, jitter_min=1.0, jitter_max=1.0)
    client = make(router, fake_clock, retry=policy, timeout=30.0)
    assert client.get(URL) == {"value": [1]}
    timeouts = [call.request.extensions["timeout"]["read"] for call in route.calls]
    assert timeouts == [12.0, 6.0, 3.0]  # 12 s left, then 12-6, then 12-6-3
