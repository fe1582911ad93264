"""Hypothesis state machine for SessionPool's invariants.

Invariants: the pool never holds more than ``max_size`` clients; every client
that left the pool is closed exactly once (immediately, or when its last
lease ends); no leased client is ever closed; the stats match a model.
"""

from __future__ import annotations

from contextlib import AbstractContextManager
from dataclasses import dataclass

import httpx
from hypothesis import settings
from hypothesis import strategies as st
from hypothesis.stateful import (
    Bundle,
    RuleBasedStateMachine,
    consumes,
    invariant,
    precondition,
    rule,
)

from txo.http.pool import PoolKey, SessionPool


class CountingClient(httpx.Client):
    def __init__(self) -> None:
        super().__init__(transport=httpx.MockTransport(lambda r: httpx.Response(204)))
        self.close_calls = 0

    def close(self) -> None:
        self.close_calls += 1
        super().close()


@dataclass
class Lease:
    key: PoolKey
    manager: AbstractContextManager[httpx.Client]
    client: httpx.Client


KEYS = st.sampled_from([(f"https://h{i}.example", "id") for i in range(6)])


class PoolMachine(RuleBasedStateMachine):
    leases = Bundle("leases")

    def __init__(self) -> None:
        super().__init__()
        self.max_size = 3
        self.pool = SessionPool(max_size=self.max_size)
        self.created: list[CountingClient] = []
        self.held: list[Lease] = []
        self.hits = 0
        self.misses = 0
        self.model: list[PoolKey] = []  # LRU order, oldest first
        self.pool_closed = False

    def _factory(self) -> httpx.Client:
        client = CountingClient()
        self.created.append(client)
        return client

    @precondition(lambda self: not self.pool_closed)
    @rule(target=leases, key=KEYS)
    def acquire(self, key: PoolKey) -> Lease:
        manager = self.pool.lease(key, self._factory)
        client = manager.__enter__()
        if key in self.model:
            self.hits += 1
            self.model.remove(key)
        else:
            self.misses += 1
        self.model.append(key)
        del self.model[: -self.max_size]
        lease = Lease(key, manager, client)
        self.held.append(lease)
        return lease

    @rule(lease=consumes(leases))
    def release(self, lease: Lease) -> None:
        lease.manager.__exit__(None, None, None)
        self.held.remove(lease)

    @precondition(lambda self: not self.pool_closed)
    @rule(key=KEYS)
    def quick_use(self, key: PoolKey) -> None:
        self.release(self.acquire(key))

    @rule()
    def close_pool(self) -> None:
        self.pool.close()
        self.pool_closed = True
        self.model.clear()

    @invariant()
    def size_is_bounded(self) -> None:
        assert len(self.pool) <= self.max_size
        assert self.pool.keys() == self.model

    @invariant()
    def leased_clients_are_open(self) -> None:
        for lease in self.held:
            assert not lease.client.is_closed

    @invariant()
    def closed_exactly_once_when_unused(self) -> None:
        pooled_or_held = {id(c) for c in self._pooled_clients()} | {id(h.client) for h in self.held}
        for client in self.created:
            expected = 0 if id(client) in pooled_or_held else 1
            assert client.close_calls == expected

    @invariant()
    def stats_match_model(self) -> None:
        stats = self.pool.stats
        assert (stats.hits, stats.misses) == (self.hits, self.misses)
        live = sum(1 for c in self.created if c.close_calls == 0)
        assert stats.open == live
        assert stats.evictions <= stats.misses

    def _pooled_clients(self) -> list[httpx.Client]:
        return [] if self.pool_closed else [self.pool._entries[k].client for k in self.model]

    def teardown(self) -> None:
        for lease in list(self.held):
            self.release(lease)
        self.pool.close()
        assert all(c.close_calls == 1 for c in self.created)
        assert self.pool.stats.open == 0


PoolMachine.TestCase.settings = settings(max_examples=150, stateful_step_count=40, deadline=None)
TestPoolMachine = PoolMachine.TestCase
