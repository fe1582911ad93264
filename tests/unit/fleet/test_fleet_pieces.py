"""The coordinated rate limiter, cool-down, cap and token cache, two "processes" at a time.

Each "process" is its own set of objects over one SQLite file and one fake
clock; a "killed" process is one that took a lease or lock and never gave
it back.  A failing backend degrades with exactly one warning.
"""

from __future__ import annotations

import logging
from pathlib import Path

import httpx
import pytest

from txo.fleet.backend import Backend, BackendUnavailable, UnavailableBackend
from txo.fleet.guard import Guard
from txo.fleet.limits import (
    SharedConcurrencyLimiter,
    SharedCooldown,
    SharedRateLimiter,
    fleet_key,
)
from txo.fleet.sealing import TokenSealer
from txo.fleet.sqlite_backend import SQLiteBackend
from txo.fleet.tokens import SharedTokenCache
from txo.http.auth import ClientCredentialsAuth, TokenInfo
from txo.testing.clock import FakeClock
from txo.testing.fake_bc import DEFAULT_SCOPE, FakeBusinessCentral

HOST = "https://api.example.com:443"
IDENTITY = "tenant:client"


@pytest.fixture
def db(tmp_path: Path) -> Path:
    return tmp_path / "fleet.sqlite3"


def _guard() -> Guard:
    return Guard("sqlite")


def _auth(
    fake_bc: FakeBusinessCentral, backend: Backend, clock: FakeClock, guard: Guard | None = None
) -> ClientCredentialsAuth:
    cache = SharedTokenCache(
        backend, guard or _guard(), TokenSealer(fake_bc.client_secret), clock, lock_seconds=2.0
    )
    return ClientCredentialsAuth(
        tenant_id=fake_bc.tenant_id,
        client_id=fake_bc.client_id,
        client_secret=fake_bc.client_secret,
        scope=DEFAULT_SCOPE,
        cache=cache,
        sender=httpx.Client(transport=httpx.MockTransport(fake_bc.handle)),
        clock=clock,
    )


# --- rate budget ---------------------------------------------------------------------


def test_two_processes_share_one_rate_budget(db: Path, fake_clock: FakeClock) -> None:
    key = fleet_key(HOST, IDENTITY)
    first = SharedRateLimiter(SQLiteBackend(db), _guard(), key, 10.0, 1.0, fake_clock)
    second = SharedRateLimiter(SQLiteBackend(db), _guard(), key, 10.0, 1.0, fake_clock)
    assert first.reserve() == 0.0
    assert second.reserve() == pytest.approx(0.1)
    assert first.reserve() == pytest.approx(0.2)


def test_acquire_sleeps_on_the_injected_clock(db: Path, fake_clock: FakeClock) -> None:
    limiter = SharedRateLimiter(SQLiteBackend(db), _guard(), "k", 4.0, 1.0, fake_clock)
    waited = [limiter.acquire() for _ in range(3)]
    assert waited == pytest.approx([0.0, 0.25, 0.25])
    assert fake_clock.sleeps == pytest.approx([0.25, 0.25])


# --- cool-down -----------------------------------------------------------------------


def test_one_processs_429_pauses_the_other(db: Path, fake_clock: FakeClock) -> None:
    first = SharedCooldown(SQLiteBackend(db), _guard(), IDENTITY, fake_clock)
    second = SharedCooldown(SQLiteBackend(db), _guard(), IDENTITY, fake_clock)
    first.pause(HOST, 7.0)
    assert second.remaining(HOST) == pytest.approx(7.0)
    assert second.wait(HOST) == pytest.approx(7.0)
    assert second.remaining(HOST) == 0.0


def test_cooldowns_are_per_identity(db: Path, fake_clock: FakeClock) -> None:
    SharedCooldown(SQLiteBackend(db), _guard(), IDENTITY, fake_clock).pause(HOST, 7.0)
    other = SharedCooldown(SQLiteBackend(db), _guard(), "other:tenant", fake_clock)
    assert other.remaining(HOST) == 0.0


# --- concurrency cap ---------------------------------------------------------------


def _cap(db: Path, clock: FakeClock, limit: int = 1) -> SharedConcurrencyLimiter:
    return SharedConcurrencyLimiter(
        SQLiteBackend(db), _guard(), IDENTITY, limit, clock, lease_seconds=3.0, poll_interval=0.05
    )


def test_the_cap_counts_slots_of_every_process(db: Path, fake_clock: FakeClock) -> None:
    first, second = _cap(db, fake_clock, limit=2), _cap(db, fake_clock, limit=2)
    with first.slot(HOST), second.slot(HOST):
        backend = SQLiteBackend(db)
        assert not backend.acquire_lease(fleet_key(HOST, IDENTITY), "x", 2, fake_clock.time(), 1)
    assert SQLiteBackend(db).acquire_lease(fleet_key(HOST, IDENTITY), "x", 2, fake_clock.time(), 1)


def test_a_killed_holder_blocks_only_until_its_lease_expires(
    db: Path, fake_clock: FakeClock
) -> None:
    killed = _cap(db, fake_clock)
    holding = killed.slot(HOST)
    holding.__enter__()  # the process dies inside the block: never released
    started = fake_clock.time()
    with _cap(db, fake_clock).slot(HOST):
        waited = fake_clock.time() - started
    assert 3.0 <= waited < 3.0 + 0.1


def test_a_released_slot_is_free_at_once(db: Path, fake_clock: FakeClock) -> None:
    with _cap(db, fake_clock).slot(HOST):
        pass
    with _cap(db, fake_clock).slot(HOST):
        assert fake_clock.sleeps == []


# --- token cache -------------------------------------------------------------------


def test_processes_share_one_token(
    db: Path, fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    tokens = {_auth(fake_bc, SQLiteBackend(db), fake_clock).get_token().access_token
              for _ in range(5)}  # fmt: skip
    assert len(tokens) == 1
    assert fake_bc.token_requests == 1


def test_token_is_refetched_once_after_expiry(
    db: Path, fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    first, second = (
        _auth(fake_bc, SQLiteBackend(db), fake_clock),
        _auth(fake_bc, SQLiteBackend(db), fake_clock),
    )
    old = first.get_token()
    fake_clock.advance(fake_bc.expires_in)
    fresh = second.get_token()
    assert fresh.access_token != old.access_token
    assert first.get_token().access_token == fresh.access_token
    assert fake_bc.token_requests == 2


def test_the_token_is_never_stored_in_clear(
    db: Path, fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    token = _auth(fake_bc, SQLiteBackend(db), fake_clock).get_token().access_token
    stored = b"".join(p.read_bytes() for p in db.parent.glob("fleet.sqlite3*"))
    assert token.encode() not in stored
    assert fake_bc.client_secret.encode() not in stored


def test_another_secret_cannot_open_the_stored_token(
    db: Path, fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    _auth(fake_bc, SQLiteBackend(db), fake_clock).get_token()
    stranger = SharedTokenCache(SQLiteBackend(db), _guard(), TokenSealer("other"), fake_clock)
    assert stranger.get((fake_bc.tenant_id, fake_bc.client_id, DEFAULT_SCOPE)) is None


def test_a_killed_token_fetcher_blocks_only_until_its_lock_expires(
    db: Path, fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    key = "token|" + "|".join((fake_bc.tenant_id, fake_bc.client_id, DEFAULT_SCOPE))
    assert SQLiteBackend(db).try_lock(key, "killed", fake_clock.time(), 2.0)
    started = fake_clock.time()
    _auth(fake_bc, SQLiteBackend(db), fake_clock).get_token()
    assert 2.0 <= fake_clock.time() - started < 2.1
    assert fake_bc.token_requests == 1


def test_a_401_drops_the_shared_token_for_everyone(
    db: Path, fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    first, second = (
        _auth(fake_bc, SQLiteBackend(db), fake_clock),
        _auth(fake_bc, SQLiteBackend(db), fake_clock),
    )
    rejected = first.get_token()
    first.invalidate(rejected)
    assert second.get_token().access_token != rejected.access_token
    assert fake_bc.token_requests == 2


# --- degradation -------------------------------------------------------------------


class _DiesAfter(SQLiteBackend):
    """A SQLite backend that stops answering after ``calls`` operations."""

    def __init__(self, path: Path, calls: int) -> None:
        super().__init__(path)
        self.calls = calls

    def reserve(self, key: str, rate: float, burst: float, now: float) -> float:
        self.calls -= 1
        if self.calls < 0:
            raise BackendUnavailable("disk gone")
        return super().reserve(key, rate, burst, now)

    def paused_until(self, key: str) -> float:
        if self.calls < 0:
            raise BackendUnavailable("disk gone")
        return super().paused_until(key)


def test_a_dying_backend_degrades_with_one_warning(
    db: Path, fake_clock: FakeClock, caplog: pytest.LogCaptureFixture
) -> None:
    backend, guard = _DiesAfter(db, calls=2), _guard()
    limiter = SharedRateLimiter(backend, guard, "k", 100.0, 1.0, fake_clock)
    cooldown = SharedCooldown(backend, guard, IDENTITY, fake_clock)
    with caplog.at_level(logging.WARNING, logger="txo.fleet"):
        for _ in range(10):
            limiter.acquire()
            cooldown.wait(HOST)
    warnings = [r for r in caplog.records if r.levelno == logging.WARNING]
    assert len(warnings) == 1
    assert "in-process" in warnings[0].getMessage()
    assert guard.down
    assert backend.calls == -1  # never asked again once down


def test_an_unopenable_backend_falls_back_to_in_process_pieces(
    fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    guard = _guard()
    guard.trip("could not open")
    dead = UnavailableBackend("sqlite")
    limiter = SharedRateLimiter(dead, guard, "k", 2.0, 1.0, fake_clock)
    assert [limiter.reserve() for _ in range(2)] == pytest.approx([0.0, 0.5])
    with SharedConcurrencyLimiter(dead, guard, IDENTITY, 1, fake_clock).slot(HOST):
        pass
    assert _auth(fake_bc, dead, fake_clock, guard).get_token().access_token
    assert fake_bc.token_requests == 1


def test_sealed_tokens_round_trip() -> None:
    sealer = TokenSealer("s3cret")
    info = TokenInfo("abc", 123.0, "Bearer", "scope")
    blob = sealer.seal("token|k", info)
    assert b"abc" not in blob
    assert sealer.open("token|k", blob) == info
    assert sealer.open("token|other", blob) is None  # bound to its key
    assert "s3cret" not in repr(sealer)
