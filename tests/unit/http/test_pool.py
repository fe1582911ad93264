"""SessionPool: LRU behaviour, lease-aware closing, stats, and thread safety."""

from __future__ import annotations

import threading
from collections.abc import Callable

import httpx
import pytest

from txo.http.pool import PoolKey, PoolStats, SessionPool


class CountingClient(httpx.Client):
    """An httpx.Client that counts how often it is closed; no network, no TLS set-up."""

    def __init__(self, name: str = "") -> None:
        super().__init__(transport=httpx.MockTransport(lambda r: httpx.Response(204)))
        self.name = name
        self.close_calls = 0

    def close(self) -> None:
        self.close_calls += 1
        super().close()


def maker(made: list[CountingClient], name: str = "") -> Callable[[], httpx.Client]:
    def factory() -> httpx.Client:
        client = CountingClient(name)
        made.append(client)
        return client

    return factory


def key(i: int) -> PoolKey:
    return (f"https://h{i}.example", "tenant:client:scope")


def test_hit_returns_same_client_and_counts() -> None:
    made: list[CountingClient] = []
    with SessionPool(max_size=2) as pool:
        with pool.lease(key(1), maker(made)) as first:
            pass
        with pool.lease(key(1), maker(made)) as second:
            assert second is first
        assert pool.stats == PoolStats(hits=1, misses=1, evictions=0, open=1)
    assert made[0].close_calls == 1
    assert pool.stats.open == 0


def test_least_recently_used_is_evicted_and_closed() -> None:
    made: list[CountingClient] = []
    pool = SessionPool(max_size=2)
    for i in (1, 2, 1, 3):  # touching 1 makes 2 the oldest
        with pool.lease(key(i), maker(made, str(i))):
            pass
    assert pool.keys() == [key(1), key(3)]
    assert [c.name for c in made if c.close_calls] == ["2"]
    assert pool.stats == PoolStats(hits=1, misses=3, evictions=1, open=2)
    pool.close()
    assert all(c.close_calls == 1 for c in made)


def test_evicted_client_still_leased_is_closed_on_release() -> None:
    made: list[CountingClient] = []
    pool = SessionPool(max_size=1)
    with pool.lease(key(1), maker(made)) as held:
        with pool.lease(key(2), maker(made)):
            pass
        assert key(1) not in pool
        assert not held.is_closed, "a leased client must not be closed by eviction"
        assert pool.stats.open == 2
    assert made[0].close_calls == 1
    assert pool.stats.open == 1
    pool.close()


def test_close_defers_leased_clients_and_refuses_new_leases() -> None:
    made: list[CountingClient] = []
    pool = SessionPool(max_size=3)
    with pool.lease(key(1), maker(made)) as held:
        pool.close()
        assert not held.is_closed
        with (
            pytest.raises(RuntimeError, match="SessionPool is closed"),
            pool.lease(key(2), maker(made)),
        ):
            pass
    assert made[0].close_calls == 1
    assert pool.stats.open == 0
    assert pool.closed


def test_factory_error_leaves_pool_unchanged() -> None:
    pool = SessionPool(max_size=2)

    def broken() -> httpx.Client:
        raise OSError("no route")

    with pytest.raises(OSError, match="no route"), pool.lease(key(1), broken):
        pass
    assert len(pool) == 0
    assert pool.stats == PoolStats(hits=0, misses=1, evictions=0, open=0)


def test_lost_creation_race_closes_the_spare_client() -> None:
    made: list[CountingClient] = []
    pool = SessionPool(max_size=2)
    inner: list[httpx.Client] = []

    def racing_factory() -> httpx.Client:
        # While this thread builds its client, another lease of the same key wins.
        with pool.lease(key(1), maker(made, "winner")) as won:
            inner.append(won)
        return maker(made, "spare")()

    with pool.lease(key(1), racing_factory) as got:
        assert got is inner[0]
    spare = next(c for c in made if c.name == "spare")
    assert spare.close_calls == 1
    assert pool.stats.open == 1
    pool.close()


def test_rejects_non_positive_size() -> None:
    with pytest.raises(ValueError, match="at least 1"):
        SessionPool(max_size=0)


def test_repr_shows_counters() -> None:
    made: list[CountingClient] = []
    with SessionPool(5) as pool:
        for _ in range(2):
            with pool.lease(key(1), maker(made)):
                pass
        assert repr(pool) == (
            "SessionPool(max_size=5, size=1, hits=1, misses=1, evictions=0, open=1)"
        )


def test_eight_threads_many_distinct_keys_stay_bounded() -> None:
    made: list[CountingClient] = []
    made_lock = threading.Lock()
    pool = SessionPool(max_size=16)
    peak = [0]
    errors: list[BaseException] = []

    def factory() -> httpx.Client:
        client = CountingClient()
        with made_lock:
            made.append(client)
        return client

    def worker(t: int) -> None:
        try:
            for i in range(400):
                k = (f"https://h{t}-{i % 150}.example", "id")
                with pool.lease(k, factory) as client:
                    assert not client.is_closed
                peak[0] = max(peak[0], len(pool))
        except BaseException as exc:  # pragma: no cover - reported below
            errors.append(exc)

    threads = [threading.Thread(target=worker, args=(t,)) for t in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert not errors
    stats = pool.stats
    assert peak[0] <= 16
    assert stats.hits + stats.misses == 8 * 400
    assert stats.open == len(pool) <= 16
    assert sum(c.close_calls for c in made) == len(made) - stats.open
    pool.close()
    assert all(c.close_calls == 1 for c in made), "every client closed exactly once"
