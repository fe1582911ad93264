"""No leak per request: many requests through the full pipeline (pytest-memray ``limit_leaks``).

The client, its pool, the token and the keep-alive connection are all set
up and warmed in a fixture, outside the measurement.  The test then sends
the scale's request count of GETs (10,000 in ``make memory``).  A per-request leak of
even one small object per two requests would leave ``requests * 8`` bytes
at its allocation site, so that is the per-location limit.

The ``filter_fn`` is :func:`tools.memory.request_leak_filter`, whose
docstring lists exactly what it ignores: the in-process loopback server and
fake API (test scaffolding) and named interpreter caches that fill once.

Without ``--memray`` the test still counts live gc-tracked objects before
and after the loop: a per-request leak of Python objects shows up there.
"""

from __future__ import annotations

import gc
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pytest

from tools.load import build_client
from tools.memory import MemoryScale, request_leak_filter
from txo.http import RestClient
from txo.http.pool import SessionPool
from txo.testing.fake_bc import FakeBusinessCentral
from txo.testing.server import LoopbackServer

LEAK_LIMIT_BYTES = MemoryScale.from_env().requests * 8
LEAK_LIMIT = f"{LEAK_LIMIT_BYTES}B"
OBJECT_GROWTH_ALLOWED = 64  # independent of the number of requests


@dataclass
class Rig:
    fake: FakeBusinessCentral
    server: LoopbackServer
    pool: SessionPool
    client: RestClient
    path: str


@pytest.fixture
def warm_rig(memory_scale: MemoryScale) -> Iterator[Rig]:
    """Server, pool and client, warmed by 50 requests: token, connection, caches."""
    fake = FakeBusinessCentral(log_size=32)
    budget = memory_scale.requests + 1_000
    server = LoopbackServer(fake.handle, max_requests=budget, max_seconds=600)
    with server, SessionPool() as pool, build_client(fake, server.url, pool=pool) as client:
        rig = Rig(fake, server, pool, client, f"companies({fake.company_id})")
        for _ in range(50):
            client.get(rig.path)
        yield rig


@pytest.mark.limit_leaks(LEAK_LIMIT, filter_fn=request_leak_filter)
def test_no_leak_per_request_through_full_pipeline(
    warm_rig: Rig, memory_scale: MemoryScale, record_property: Callable[[str, object], None]
) -> None:
    rig = warm_rig
    requests = memory_scale.requests
    record_property("requests", requests)
    record_property("leak_limit_bytes", LEAK_LIMIT_BYTES)
    gc.collect()
    before = len(gc.get_objects())
    for _ in range(requests):
        body = rig.client.get(rig.path)
        assert body["id"] == rig.fake.company_id
    del body
    gc.collect()
    growth = len(gc.get_objects()) - before
    record_property("object_growth", growth)
    assert growth <= OBJECT_GROWTH_ALLOWED, f"{growth} objects survived {requests} requests"
    assert rig.pool.stats.misses == 1  # every request reused the one pooled session
    assert rig.fake.tokens_issued == 1  # the token cache served every other request
