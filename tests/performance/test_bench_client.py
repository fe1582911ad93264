"""Per-request overhead of the full ``RestClient`` pipeline vs a raw ``httpx.Client``.

Both sides GET the same entity from the fake API on a real loopback socket,
with a bearer token, and parse the JSON.  The subject runs every pipeline
step: validation, host cool-down gate, a token-bucket rate limiter (rate
high enough never to wait), the host's circuit breaker, a pooled session,
OAuth client-credentials auth from a shared token cache, classification,
the retry policy and the library's logging calls.  Target: median ≤ 1.15x.
"""

from __future__ import annotations

from typing import Any

import httpx

from tools.bench import BASELINE, GROUP_CLIENT, SUBJECT, tag
from tools.load import build_client
from txo.http.pool import SessionPool
from txo.testing.fake_bc import FakeBusinessCentral
from txo.testing.server import LoopbackServer

RAW_TOKEN = "bench-raw-token-0001"


def test_full_pipeline_get(
    benchmark: Any, loopback_bc: tuple[FakeBusinessCentral, LoopbackServer]
) -> None:
    fake, server = loopback_bc
    tag(benchmark, GROUP_CLIENT, SUBJECT)
    with SessionPool() as pool, build_client(fake, server.url, pool=pool) as client:
        path = f"companies({fake.company_id})"
        client.get(path)  # fetch the token and open the connection outside the timing
        body = benchmark(client.get, path)
        stats = pool.stats
    assert body["id"] == fake.company_id
    assert fake.tokens_issued == 1
    assert stats.misses == 1  # one session, reused for every request
    assert all(r.status == 200 for r in fake.api_requests)


def test_raw_httpx_get(
    benchmark: Any, loopback_bc: tuple[FakeBusinessCentral, LoopbackServer]
) -> None:
    fake, server = loopback_bc
    fake.accept_token(RAW_TOKEN)
    tag(benchmark, GROUP_CLIENT, BASELINE)
    headers = {"Authorization": f"Bearer {RAW_TOKEN}", "Accept": "application/json"}
    url = f"{fake.api_root(server.url)}/companies({fake.company_id})"
    with httpx.Client(headers=headers, timeout=10.0) as client:
        client.get(url)

        def get() -> Any:
            return client.get(url).raise_for_status().json()

        body = benchmark(get)
    assert body["id"] == fake.company_id
    assert server.connections == 1
    assert all(r.status == 200 for r in fake.api_requests)
