"""create_rest_api with ``script-behavior.coordination``: clients of one tenant act as one.

Each client stands for a script process: its own create_rest_api call, its
own pool and token cache object, one SQLite file (or Redis) between them.
Without the section, nothing is shared, as before.
"""

from __future__ import annotations

import logging
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from txo.config import ConfigProxy
from txo.http.auth import TokenCache
from txo.http.client import RestClient
from txo.http.factory import acquire_token, create_rest_api
from txo.testing.clock import FakeClock
from txo.testing.fake_bc import FakeBusinessCentral
from txo.testing.plugin import build_config, default_secrets
from txo.testing.redis_server import RedisServer


def _config(coordination: dict[str, Any] | None, rate: float | None = None) -> ConfigProxy:
    behaviour: dict[str, Any] = {}
    if coordination is not None:
        behaviour["coordination"] = coordination
    if rate is not None:
        behaviour["rate-limiting"] = {"enabled": True, "calls-per-second": rate, "burst-size": 1}
    data = build_config(overrides={"script-behavior": behaviour})
    data["_client_secret"] = default_secrets()["client-secret"]
    return ConfigProxy(data, "config/txo-test-config.json")


def _client(config: ConfigProxy, fake: FakeBusinessCentral, clock: FakeClock) -> RestClient:
    return create_rest_api(
        config,
        clock=clock,
        rng=random.Random(3),
        transport=httpx.MockTransport(fake.handle),
        token_cache=TokenCache(),  # what the runner injects: superseded by the fleet's
    )


@pytest.fixture
def sqlite(tmp_path: Path) -> dict[str, Any]:
    return {"backend": "sqlite", "sqlite-path": str(tmp_path / "fleet.sqlite3")}


@pytest.fixture
def redis_url(redis_binary: str) -> Iterator[str]:
    with RedisServer() as server:
        yield server.url


def _customers(fake: FakeBusinessCentral) -> str:
    return f"api/v2.0/companies({fake.company_id})/customers"


def test_without_the_section_every_client_fetches_its_own_token(
    fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    for _ in range(3):
        with _client(_config(None), fake_bc, fake_clock) as client:
            client.get(_customers(fake_bc))
    assert fake_bc.token_requests == 3


def test_clients_share_one_token(
    sqlite: dict[str, Any], fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    token = acquire_token(
        _config(sqlite), clock=fake_clock, transport=httpx.MockTransport(fake_bc.handle)
    )
    for _ in range(3):
        with _client(_config(sqlite), fake_bc, fake_clock) as client:
            client.get(_customers(fake_bc))
    assert fake_bc.token_requests == 1
    assert fake_bc.api_requests[-1].headers["authorization"] == f"Bearer {token}"


def test_clients_share_one_rate_budget(
    sqlite: dict[str, Any], fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    first = _client(_config(sqlite, rate=2.0), fake_bc, fake_clock)
    second = _client(_config(sqlite, rate=2.0), fake_bc, fake_clock)
    with first, second:
        first.get(_customers(fake_bc))
        second.get(_customers(fake_bc))  # alone it would start at once
    assert fake_clock.sleeps == pytest.approx([0.5])


def test_one_clients_429_pauses_the_other(
    sqlite: dict[str, Any], fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    first = _client(_config(sqlite), fake_bc, fake_clock)
    second = _client(_config(sqlite), fake_bc, fake_clock)
    with first, second:
        second.get(_customers(fake_bc))
        fake_bc.throttle(1, retry_after=30.0)
        first.get(_customers(fake_bc))  # 429, pauses 30 s, retries
        del fake_clock.sleeps[:]
        fake_clock.advance(-30.0)  # rewind: as if the second runs while the first waits
        second.get(_customers(fake_bc))
    assert sum(fake_clock.sleeps) == pytest.approx(30.0, abs=0.01)


def test_the_concurrency_cap_is_configured_fleet_wide(
    sqlite: dict[str, Any], fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    from txo.fleet import SharedConcurrencyLimiter

    config = _config({**sqlite, "max-concurrent-requests": 3})
    with _client(config, fake_bc, fake_clock) as client:
        cap = client._concurrency  # the client keeps no public handle on it
        assert isinstance(cap, SharedConcurrencyLimiter)
        assert cap.max_per_host == 3
        client.get(_customers(fake_bc))


def test_redis_configured_clients_share_one_token(
    redis_url: str, fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    config = _config({"backend": "redis", "redis-url": redis_url}, rate=50.0)
    for _ in range(3):
        with _client(config, fake_bc, fake_clock) as client:
            client.get(_customers(fake_bc))
    assert fake_bc.token_requests == 1


def test_an_unreachable_redis_costs_one_warning_and_no_failure(
    fake_bc: FakeBusinessCentral, fake_clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    config = _config({"backend": "redis", "redis-url": "redis://127.0.0.1:1/0"}, rate=50.0)
    client = _client(config, fake_bc, fake_clock)
    with caplog.at_level(logging.WARNING, logger="txo.fleet"), client:
        for _ in range(5):
            client.get(_customers(fake_bc))
    assert sum(r.name == "txo.fleet" for r in caplog.records) == 1
    assert fake_bc.token_requests == 1
