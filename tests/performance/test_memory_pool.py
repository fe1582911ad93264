"""Session pool memory under many distinct keys from many threads (pytest-memray).

DESIGN.md: memory stays flat under 100,000 distinct keys from 8 threads,
bounded by the pool size.  ``make memory`` runs this at that scale with
``--memray``; ``make test`` runs a small size without memray.  The memory
limit below depends only on the pool size and the thread count — never on
the number of keys — which is what "flat" means: 4,000 keys (CI) and
100,000 keys (``make memory``) must fit the same budget.  Without
``--memray`` the pool's own counters prove the same bound.

Clients come from the real factory, ``RestClient.new_session`` — what every
pooled key costs a script — not a hand-built shortcut: it shares the pool's
one SSL context per verify setting, which is what keeps a key small.
"""

from __future__ import annotations

import threading
from collections.abc import Callable, Iterator

import httpx
import pytest

from tools.memory import MemoryScale
from txo.http import RestClient
from txo.http.pool import PoolKey, SessionPool

POOL_SIZE = 50
# One idle client from the real factory (httpx.Client on the pool's shared SSL
# context) measures ~3.4 KiB under memray --trace-python-allocators and ~3 KiB
# of RSS; 16 KiB leaves room for allocator slack.
CLIENT_BUDGET_KIB = 16
# Fixed cost of the run itself: thread objects, the pool's OrderedDict, keys in flight.
FIXED_BUDGET_KIB = 512
THREADS = MemoryScale.from_env().pool_threads  # the same at every scale: 8
POOL_LIMIT_KIB = (POOL_SIZE + THREADS) * CLIENT_BUDGET_KIB + FIXED_BUDGET_KIB
POOL_LIMIT = f"{POOL_LIMIT_KIB}KB"


@pytest.fixture
def pool_and_factory() -> Iterator[tuple[SessionPool, Callable[[], httpx.Client]]]:
    """A pool and the session factory a RestClient on it uses, warmed outside the measurement.

    The warm-up builds the pool's SSL context and pays httpx's first-use imports:
    both happen once per pool, not per key.
    """
    with SessionPool(max_size=POOL_SIZE) as pool:
        factory = RestClient(pool=pool, timeout=5.0).new_session
        factory().close()
        yield pool, factory


def _lease_many(
    pool: SessionPool,
    factory: Callable[[], httpx.Client],
    scale: MemoryScale,
    worker: int,
    peak: list[int],
) -> None:
    for i in range(worker, scale.pool_keys, scale.pool_threads):
        key: PoolKey = (f"https://host-{i}.example", f"tenant-{i % 97}:client:scope")
        with pool.lease(key, factory) as client:
            assert not client.is_closed
        if i % 256 == worker:
            peak[worker] = max(peak[worker], pool.stats.open)


@pytest.mark.limit_memory(POOL_LIMIT)
def test_session_pool_memory_is_flat_under_distinct_keys(
    pool_and_factory: tuple[SessionPool, Callable[[], httpx.Client]],
    memory_scale: MemoryScale,
    record_property: Callable[[str, object], None],
) -> None:
    scale = memory_scale
    assert scale.pool_threads == THREADS  # the limit above was derived from it
    for name, value in (("keys", scale.pool_keys), ("threads", scale.pool_threads)):
        record_property(name, value)
    record_property("pool_size", POOL_SIZE)
    record_property("limit_bytes", POOL_LIMIT_KIB * 1024)
    peak = [0] * scale.pool_threads
    pool, client_factory = pool_and_factory
    with pool:
        threads = [
            threading.Thread(target=_lease_many, args=(pool, client_factory, scale, w, peak))
            for w in range(scale.pool_threads)
        ]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=600)
        stats = pool.stats
        assert not any(thread.is_alive() for thread in threads)
        assert len(pool) == POOL_SIZE
    assert stats.misses == scale.pool_keys  # every key distinct: nothing to hit
    assert stats.evictions == scale.pool_keys - POOL_SIZE
    assert stats.open == POOL_SIZE  # every evicted client was closed
    assert max(peak) <= POOL_SIZE + scale.pool_threads  # + clients leased right now
    assert pool.stats.open == 0
