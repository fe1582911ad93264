"""The roadmap's ``test_session_cache_performance``: a pooled client vs a client per call.

Both sides make the same authenticated GET to the fake API on a loopback
socket, with the same client factory.  Target: pooled beats per-call by the
benchmarks' own medians from the same run.  Two factories:

* ``httpx_default`` (group ``session-pool``): a default ``httpx.Client``, as a
  v2.1 script created a session per call;
* ``real_factory`` (group ``session-pool-real-factory``): ``RestClient.new_session``,
  the factory every pooled key of a txo script really uses — no hand-built
  shared-context shortcut.

And the cost of a new pooled key itself (group ``session-pool-new-key``):
leasing a never-seen key through the real factory (subject) vs the floor, a
bare ``httpx.Client`` on a prebuilt SSL context without env proxies
(baseline).  Target: a new key costs at most 1 ms (absolute, read from the
subject's median) — before the shared SSL context it was 20-60 ms.
"""

from __future__ import annotations

import itertools
import ssl
from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tools.bench import BASELINE, GROUP_NEW_KEY, GROUP_POOL, GROUP_POOL_REAL, SUBJECT, tag
from txo.http import RestClient
from txo.http.pool import SessionPool
from txo.testing.fake_bc import FakeBusinessCentral
from txo.testing.server import LoopbackServer

BENCH_TOKEN = "bench-static-token-0001"
HEADERS = {"Authorization": f"Bearer {BENCH_TOKEN}", "Accept": "application/json"}


def _httpx_default(server: LoopbackServer) -> Callable[[], httpx.Client]:
    def make() -> httpx.Client:
        return httpx.Client(base_url=server.url, headers=HEADERS, timeout=10.0)

    return make


@pytest.mark.parametrize("factory_kind", ["httpx_default", "real_factory"])
@pytest.mark.parametrize("mode", ["pooled", "per_call"])
def test_session_cache_performance(
    benchmark: Any,
    loopback_bc: tuple[FakeBusinessCentral, LoopbackServer],
    mode: str,
    factory_kind: str,
) -> None:
    fake, server = loopback_bc
    fake.accept_token(BENCH_TOKEN)
    pool = SessionPool(max_size=4)
    if factory_kind == "real_factory":
        factory = RestClient(pool=pool, timeout=10.0).new_session
        url = f"{fake.api_root(server.url)}/companies({fake.company_id})"
        group = GROUP_POOL_REAL
    else:
        factory = _httpx_default(server)
        url = f"{fake.api_root('')}/companies({fake.company_id})"
        group = GROUP_POOL
    calls = [0]

    def get(client: httpx.Client) -> Any:
        calls[0] += 1
        return client.get(url, headers=HEADERS).raise_for_status().json()

    def pooled() -> Any:
        with pool.lease((server.url, "static:bench"), factory) as client:
            return get(client)

    def per_call() -> Any:
        with factory() as client:
            return get(client)

    tag(benchmark, group, SUBJECT if mode == "pooled" else BASELINE)
    with pool:
        body = benchmark(pooled if mode == "pooled" else per_call)
        stats = pool.stats
    assert body["id"] == fake.company_id
    assert server.requests == calls[0]
    if mode == "pooled":  # one client and one keep-alive connection for every call
        assert (stats.misses, stats.hits, stats.open) == (1, calls[0] - 1, 1)
        assert server.connections == 1
    else:
        assert server.connections == calls[0]


@pytest.mark.parametrize("factory_kind", ["real_factory", "floor"])
def test_new_pooled_key(benchmark: Any, factory_kind: str) -> None:
    """Lease a key never seen before: what the factory costs, without any connection."""
    pool = SessionPool(max_size=64)
    if factory_kind == "real_factory":
        factory = RestClient(pool=pool).new_session
    else:
        context = ssl.create_default_context()

        def factory() -> httpx.Client:
            return httpx.Client(verify=context, trust_env=False)

    factory().close()  # first-use imports and the pool's SSL context, outside the timing
    keys = itertools.count()

    def new_key() -> bool:
        key = (f"https://host-{next(keys)}.example:443", "anonymous")
        with pool.lease(key, factory) as client:
            return not client.is_closed

    tag(benchmark, GROUP_NEW_KEY, SUBJECT if factory_kind == "real_factory" else BASELINE)
    with pool:
        assert benchmark(new_key)
        stats = pool.stats
    assert stats.hits == 0 and stats.misses == next(keys)  # every lease was a new key
