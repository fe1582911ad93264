"""The roadmap's ``test_session_cache_performance``: a pooled client vs a client per call.

Both sides make the same authenticated GET to the fake API on a loopback
socket, with the same client factory (a default ``httpx.Client``, as a
v2.1 script created a session per call).  Target: pooled beats per-call by
the benchmarks' own medians from the same run.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import httpx
import pytest

from tools.bench import BASELINE, GROUP_POOL, SUBJECT, tag
from txo.http.pool import SessionPool
from txo.testing.fake_bc import FakeBusinessCentral
from txo.testing.server import LoopbackServer

BENCH_TOKEN = "bench-static-token-0001"


def _factory(server: LoopbackServer) -> Callable[[], httpx.Client]:
    headers = {"Authorization": f"Bearer {BENCH_TOKEN}", "Accept": "application/json"}

    def make() -> httpx.Client:
        return httpx.Client(base_url=server.url, headers=headers, timeout=10.0)

    return make


@pytest.mark.parametrize("mode", ["pooled", "per_call"])
def test_session_cache_performance(
    benchmark: Any, loopback_bc: tuple[FakeBusinessCentral, LoopbackServer], mode: str
) -> None:
    fake, server = loopback_bc
    fake.accept_token(BENCH_TOKEN)
    path = f"{fake.api_root('')}/companies({fake.company_id})"
    factory = _factory(server)
    pool = SessionPool(max_size=4)
    calls = [0]

    def pooled() -> Any:
        calls[0] += 1
        with pool.lease((server.url, "static:bench"), factory) as client:
            return client.get(path).raise_for_status().json()

    def per_call() -> Any:
        calls[0] += 1
        with factory() as client:
            return client.get(path).raise_for_status().json()

    tag(benchmark, GROUP_POOL, SUBJECT if mode == "pooled" else BASELINE)
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
