"""RestClient verbs, URLs, headers, auth, pool ownership and the per-host concurrency cap."""

from __future__ import annotations

import json
import random
from collections.abc import Generator
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import httpx
import pytest
import respx

from txo.errors import ApiAuthenticationError
from txo.http import BreakerRegistry, ConcurrencyLimiter, RestClient, SessionPool, TokenBucket
from txo.testing import FakeClock

BASE = "https://api.example.com/v2.0/companies(1)"
ITEMS = f"{BASE}/items"
ORIGIN = "https://api.example.com:443"


class RefreshingAuth(httpx.Auth):
    """Like ClientCredentialsAuth: on a 401, get a fresh token and resend once."""

    auth_identity = "tenant-1:client-1:scope"

    def __init__(self) -> None:
        self.tokens = ["stale", "fresh"]

    def auth_flow(self, request: httpx.Request) -> Generator[httpx.Request, httpx.Response, None]:
        request.headers["Authorization"] = f"Bearer {self.tokens[0]}"
        response = yield request
        if response.status_code == 401 and len(self.tokens) > 1:
            self.tokens.pop(0)
            request.headers["Authorization"] = f"Bearer {self.tokens[0]}"
            yield request


def make(router: respx.MockRouter, clock: FakeClock, **kw: Any) -> RestClient:
    return RestClient(
        BASE, transport=httpx.MockTransport(router.handler), clock=clock,
        rng=random.Random(2), **kw,
    )  # fmt: skip


def test_verbs_return_parsed_json_or_none(router: respx.MockRouter, fake_clock: FakeClock) -> None:
    router.get(ITEMS).mock(return_value=httpx.Response(200, json={"value": []}))
    router.post(ITEMS).mock(return_value=httpx.Response(201, json={"id": 1}))
    router.put(f"{ITEMS}(1)").mock(return_value=httpx.Response(200, json={"id": 1, "v": 2}))
    router.patch(f"{ITEMS}(1)").mock(return_value=httpx.Response(200, json={"id": 1, "v": 3}))
    router.delete(f"{ITEMS}(1)").mock(return_value=httpx.Response(204))
    with make(router, fake_clock) as client:
        assert client.get("items") == {"value": []}
        assert client.post("items", {"name": "x"}) == {"id": 1}
        assert client.put("items(1)", {"v": 2}) == {"id": 1, "v": 2}
        assert client.patch("items(1)", {"v": 3}, etag='W/"7"') == {"id": 1, "v": 3}
        assert client.delete("items(1)", etag='W/"8"') is None
    post, patch, delete = router.calls[1].request, router.calls[3].request, router.calls[4].request
    assert json.loads(post.content) == {"name": "x"}
    assert post.headers["Content-Type"] == "application/json"
    assert post.headers["Accept"] == "application/json"
    assert patch.headers["If-Match"] == 'W/"7"' and delete.headers["If-Match"] == 'W/"8"'
    assert "If-Match" not in router.calls[0].request.headers


def test_request_returns_the_response(router: respx.MockRouter, fake_clock: FakeClock) -> None:
    router.get(ITEMS).mock(return_value=httpx.Response(200, text="plain"))
    response = make(router, fake_clock).request("get", "items", headers={"X-Trace": "t1"})
    assert isinstance(response, httpx.Response) and response.text == "plain"
    assert router.calls.last.request.headers["X-Trace"] == "t1"


def test_urls_relative_to_base_or_absolute(router: respx.MockRouter, fake_clock: FakeClock) -> None:
    router.get(ITEMS).mock(return_value=httpx.Response(200, json=1))
    router.get("https://other.example/x").mock(return_value=httpx.Response(200, json=2))
    client = make(router, fake_clock)
    assert client.get("/items") == 1
    assert client.get("items", {"$filter": "no eq '1'"}) == 1
    assert client.get("https://other.example/x") == 2
    assert router.calls[1].request.url.params["$filter"] == "no eq '1'"


def test_401_is_handled_by_the_auth_flow(router: respx.MockRouter, fake_clock: FakeClock) -> None:
    sent: list[str] = []  # recorded here: the auth flow re-sends the same Request object

    def handler(request: httpx.Request) -> httpx.Response:
        sent.append(request.headers["Authorization"])
        if request.headers["Authorization"] == "Bearer fresh":
            return httpx.Response(200, json={"ok": True})
        return httpx.Response(401, json={"error": {"message": "expired"}})

    router.get(ITEMS).mock(side_effect=handler)
    assert make(router, fake_clock, auth=RefreshingAuth()).get("items") == {"ok": True}
    assert sent == ["Bearer stale", "Bearer fresh"]


def test_401_after_reauth_is_an_authentication_error(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    router.get(ITEMS).mock(return_value=httpx.Response(401, json={"error": {"message": "no"}}))
    with pytest.raises(ApiAuthenticationError, match="was not authenticated"):
        make(router, fake_clock, auth=RefreshingAuth()).get("items")
    assert len(router.calls) == 2


def test_private_pool_is_closed_with_the_client(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    router.get(ITEMS).mock(return_value=httpx.Response(200, json=1))
    client = make(router, fake_clock, auth=RefreshingAuth())
    client.get("items")
    assert client.pool.keys() == [(ORIGIN, "tenant-1:client-1:scope")]
    client.close()
    assert client.pool.closed
    client.close()  # idempotent


def test_shared_pool_is_left_open_and_reused(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    router.get(ITEMS).mock(return_value=httpx.Response(200, json=1))
    with SessionPool(max_size=4) as pool:
        with make(router, fake_clock, pool=pool) as a, make(router, fake_clock, pool=pool) as b:
            a.get("items")
            b.get("items")
        assert not pool.closed
        assert pool.keys() == [(ORIGIN, "anonymous")]
        assert pool.stats.hits == 1 and pool.stats.misses == 1


def test_auth_identity(router: respx.MockRouter, fake_clock: FakeClock) -> None:
    assert make(router, fake_clock).auth_identity == "anonymous"
    assert make(router, fake_clock, auth=RefreshingAuth()).auth_identity == (
        "tenant-1:client-1:scope"
    )
    assert make(router, fake_clock, auth=httpx.BasicAuth("u", "p")).auth_identity.startswith(
        "BasicAuth@"
    )
    assert make(router, fake_clock, auth_identity="explicit").auth_identity == "explicit"


def test_concurrency_limiter_wraps_each_send(
    router: respx.MockRouter, fake_clock: FakeClock
) -> None:
    limiter = ConcurrencyLimiter(max_per_host=1)

    def handler(request: httpx.Request) -> httpx.Response:
        held = not limiter._semaphore(ORIGIN).acquire(blocking=False)
        return httpx.Response(200, json={"slot_held": held})

    router.get(ITEMS).mock(side_effect=handler)
    assert make(router, fake_clock, concurrency=limiter).get("items") == {"slot_held": True}


def test_one_client_shared_by_threads(router: respx.MockRouter, fake_clock: FakeClock) -> None:
    router.get(ITEMS).mock(return_value=httpx.Response(200, json={"ok": 1}))
    bucket = TokenBucket(rate=100.0, burst=10, clock=fake_clock)
    breakers = BreakerRegistry(fake_clock)
    with make(router, fake_clock, rate_limiter=bucket, breakers=breakers) as client:
        client.get("items")  # create the pooled session before the race
        with ThreadPoolExecutor(8) as pool:
            results = list(pool.map(lambda _: client.get("items"), range(199)))
        assert results == [{"ok": 1}] * 199
        assert client.pool.stats.misses == 1 and client.pool.stats.hits == 199
    assert len(router.calls) == 200
    assert fake_clock.monotonic() - 1_000.0 >= (200 - 10) / 100.0 - 1e-9  # the bucket held
