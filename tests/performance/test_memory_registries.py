"""Breaker registry and token cache stay bounded with many hosts and tenants (pytest-memray).

Each test touches many more hosts/tenants than the structure may keep; the
memray limit is derived from the structure's bound, not from the number of
hosts or tenants, and the structure's own size proves the bound without
``--memray``.
"""

from __future__ import annotations

from collections.abc import Callable

import httpx
import pytest

from tools.memory import MemoryScale
from txo.http import BreakerRegistry
from txo.http.auth import ClientCredentialsAuth, TokenCache
from txo.http.breaker import BreakerState
from txo.testing.clock import FakeClock

MAX_HOSTS = 256
# A CircuitBreaker (lock, counters, name) plus its OrderedDict slot: ~1 KiB; budget 4 KiB.
BREAKER_BUDGET_KIB = 4
FIXED_BUDGET_KIB = 256
BREAKER_LIMIT = f"{MAX_HOSTS * BREAKER_BUDGET_KIB + FIXED_BUDGET_KIB}KB"


@pytest.mark.limit_memory(BREAKER_LIMIT)
def test_breaker_registry_is_bounded_with_many_hosts(memory_scale: MemoryScale) -> None:
    clock = FakeClock()
    registry = BreakerRegistry(clock, failure_threshold=2, reset_timeout=30.0, max_hosts=MAX_HOSTS)
    opened = 0
    for i in range(memory_scale.hosts):
        breaker = registry.get(f"https://host-{i}.example:443")
        permit = breaker.acquire()
        if i % 10 == 0:  # every tenth host fails twice and opens
            breaker.record_failure(permit)
            breaker.record_failure(breaker.acquire())
            opened += breaker.state is BreakerState.OPEN
        else:
            breaker.record_success(permit)
        assert len(registry) <= MAX_HOSTS
    assert opened == (memory_scale.hosts + 9) // 10
    assert len(registry) == MAX_HOSTS
    assert f"https://host-{memory_scale.hosts - 1}.example:443" in registry.hosts()


TOKEN_BOUND = 256  # same order as the breaker registry: a script talks to a few tenants at a time
TOKEN_BUDGET_KIB = 4
TOKEN_LIMIT = f"{TOKEN_BOUND * TOKEN_BUDGET_KIB + FIXED_BUDGET_KIB}KB"
TOKEN_LIFETIME = 60


def _token_sender() -> Callable[[httpx.Request], httpx.Response]:
    issued = [0]

    def send(request: httpx.Request) -> httpx.Response:
        issued[0] += 1
        body = {"access_token": f"token-{issued[0]:08d}", "expires_in": TOKEN_LIFETIME}
        return httpx.Response(200, json=body, request=request)

    return send


@pytest.mark.limit_memory(TOKEN_LIMIT)
def test_token_cache_is_bounded_with_many_tenants(memory_scale: MemoryScale) -> None:
    clock = FakeClock()
    cache = TokenCache(max_entries=TOKEN_BOUND)
    sender = _token_sender()
    for i in range(memory_scale.tenants):
        auth = ClientCredentialsAuth(
            tenant_id=f"tenant-{i:06d}",
            client_id="client-id",
            client_secret="client-secret-value",
            scope="https://api.example.com/.default",
            cache=cache,
            sender=sender,
            clock=clock,
        )
        assert auth.get_token().access_token == f"token-{i + 1:08d}"
        clock.sleep(1.0)  # tokens live 60 s: at most ~60 are ever valid at once
    assert len(cache) <= TOKEN_BOUND
