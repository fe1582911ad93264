"""Real processes, real Redis: killed holders and a killed backend never stall the fleet.

A child process takes a concurrency slot (or the token fetch lock) through
the real coordinated classes and is then SIGKILLed while holding it; this
process must get the slot (or a token) once the short lease expires, not
later.  A Redis server killed mid-run degrades the client to in-process
behaviour with exactly one warning and no failed request.  Waits here are
real but bounded (leases of one second).
"""

from __future__ import annotations

import logging
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from txo.clock import SystemClock
from txo.fleet import Coordination, CoordinationSettings, open_backend
from txo.fleet.backend import Backend
from txo.fleet.limits import origin_of
from txo.http import ClientCredentialsAuth, RestClient, RetryPolicy
from txo.testing.fake_bc import DEFAULT_SCOPE, FakeBusinessCentral
from txo.testing.redis_server import RedisServer

pytestmark = pytest.mark.slow

HOST = "https://api.example.com:443"
IDENTITY = "fake-tenant:fake-client-id"
LEASE = 1.0


@pytest.fixture
def redis_server(redis_binary: str) -> Iterator[RedisServer]:
    with RedisServer() as server:
        yield server


@pytest.fixture(params=["sqlite", "redis"])
def settings(request: pytest.FixtureRequest, tmp_path: Path) -> CoordinationSettings:
    url = request.getfixturevalue("redis_server").url if request.param == "redis" else ""
    return CoordinationSettings(
        backend=request.param,
        sqlite_path=tmp_path / "fleet.sqlite3",
        redis_url=url,
        max_concurrent=1,
        lease_seconds=LEASE,
        token_lock_seconds=LEASE,
    )


def _child(settings: CoordinationSettings, body: str) -> subprocess.Popen[str]:
    code = textwrap.dedent(f"""
        import sys, time
        from pathlib import Path
        from txo.clock import SystemClock
        from txo.fleet import Coordination, CoordinationSettings, open_backend
        settings = CoordinationSettings(
            backend={settings.backend!r}, sqlite_path=Path({str(settings.sqlite_path)!r}),
            redis_url={settings.redis_url!r}, max_concurrent=1,
            lease_seconds={LEASE!r}, token_lock_seconds={LEASE!r})
        fleet = Coordination(open_backend(settings), SystemClock(), {IDENTITY!r}, settings)
    """) + textwrap.dedent(body)
    return subprocess.Popen([sys.executable, "-c", code], stdout=subprocess.PIPE, text=True)


def _kill_when(child: subprocess.Popen[str], line: str) -> None:
    assert child.stdout is not None
    got = child.stdout.readline().strip()  # the child exits (EOF) if it fails
    child.kill()
    child.wait(timeout=10)
    assert got == line, f"child said {got!r}"


def _fleet(settings: CoordinationSettings) -> Coordination:
    backend: Backend = open_backend(settings)
    return Coordination(backend, SystemClock(), IDENTITY, settings)


def test_a_killed_slot_holder_blocks_only_until_its_lease_expires(
    settings: CoordinationSettings,
) -> None:
    child = _child(
        settings,
        f"""
        with fleet.concurrency().slot({HOST!r}):
            print("holding", flush=True)
            time.sleep(60)
    """,
    )
    _kill_when(child, "holding")
    cap = _fleet(settings).concurrency()
    assert cap is not None
    started = time.monotonic()
    with cap.slot(HOST):
        waited = time.monotonic() - started
    assert waited < LEASE + 1.0


def test_a_killed_token_fetcher_blocks_only_until_its_lock_expires(
    settings: CoordinationSettings, fake_bc: FakeBusinessCentral
) -> None:
    child = _child(
        settings,
        f"""
        from txo.http import ClientCredentialsAuth
        def hang(request):
            print("fetching", flush=True)
            time.sleep(60)
        ClientCredentialsAuth(
            tenant_id={fake_bc.tenant_id!r}, client_id={fake_bc.client_id!r},
            client_secret={fake_bc.client_secret!r}, scope={DEFAULT_SCOPE!r},
            cache=fleet.token_cache({fake_bc.client_secret!r}), sender=hang,
        ).get_token()
    """,
    )
    _kill_when(child, "fetching")
    auth = _auth(fake_bc, _fleet(settings))
    started = time.monotonic()
    assert auth.get_token().access_token
    assert time.monotonic() - started < LEASE + 1.0
    assert fake_bc.token_requests == 1


def _auth(fake_bc: FakeBusinessCentral, fleet: Coordination) -> ClientCredentialsAuth:
    return ClientCredentialsAuth(
        tenant_id=fake_bc.tenant_id,
        client_id=fake_bc.client_id,
        client_secret=fake_bc.client_secret,
        scope=DEFAULT_SCOPE,
        cache=fleet.token_cache(fake_bc.client_secret),
        sender=httpx.Client(transport=httpx.MockTransport(fake_bc.handle)),
    )


def test_redis_killed_mid_run_degrades_with_one_warning(
    redis_server: RedisServer, fake_bc: FakeBusinessCentral, caplog: pytest.LogCaptureFixture
) -> None:
    settings = CoordinationSettings(
        backend="redis", redis_url=redis_server.url, max_concurrent=2, timeout_seconds=0.5
    )
    fleet = _fleet(settings)
    api = fake_bc.customers_url()
    client = RestClient(
        auth=_auth(fake_bc, fleet),
        rate_limiter=fleet.rate_limiter(origin_of(api), 1000.0, 10.0),
        cooldown=fleet.cooldown(),
        concurrency=fleet.concurrency(),
        retry=RetryPolicy(max_attempts=2, backoff_factor=0.01),
        transport=httpx.MockTransport(fake_bc.handle),
    )
    with caplog.at_level(logging.WARNING, logger="txo.fleet"), client:
        for _ in range(5):
            client.get(api)
        redis_server.kill()
        started = time.monotonic()
        for _ in range(20):
            client.get(api)
        after_kill = time.monotonic() - started
    warnings = [r for r in caplog.records if r.name == "txo.fleet"]
    assert len(warnings) == 1, [r.getMessage() for r in warnings]
    assert "redis" in warnings[0].getMessage()
    assert fleet.guard.down
    assert after_kill < 3.0  # one refused connection, then in-process: no hang
    assert fake_bc.token_requests == 1
