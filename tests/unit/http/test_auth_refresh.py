"""When a cached token is refreshed: a margin that scales with the token's lifetime.

A fixed 60 s margin marked any token living under a minute as expired the
moment it was cached, so every call (and every waiting thread) fetched
another.  The margin is the smaller of ``skew`` (60 s) and half the lifetime.
"""

from __future__ import annotations

import threading

import httpx
import pytest

from txo.http.auth import ClientCredentialsAuth, TokenCache, TokenInfo, TokenKey
from txo.testing.clock import FakeClock
from txo.testing.fake_bc import DEFAULT_SCOPE, FakeBusinessCentral


class MissCountingCache(TokenCache):
    """Releases ``misses`` each time a lookup finds nothing: threads report their miss."""

    def __init__(self) -> None:
        super().__init__()
        self.misses = threading.Semaphore(0)

    def get(self, key: TokenKey) -> TokenInfo | None:
        found = super().get(key)
        if found is None:
            self.misses.release()
        return found


def make_auth(
    fake: FakeBusinessCentral, clock: FakeClock, cache: TokenCache, hold_for: int = 0
) -> ClientCredentialsAuth:
    """Client credentials whose first token request waits until ``hold_for`` threads missed."""
    transport = httpx.MockTransport(fake.handle)
    first = threading.Event()

    def send(request: httpx.Request) -> httpx.Response:
        if hold_for and not first.is_set() and isinstance(cache, MissCountingCache):
            first.set()
            for _ in range(hold_for):
                assert cache.misses.acquire(timeout=5), "threads did not all miss the cache"
        with httpx.Client(transport=transport) as client:
            return client.send(request)

    return ClientCredentialsAuth(
        tenant_id=fake.tenant_id, client_id=fake.client_id, client_secret=fake.client_secret,
        scope=DEFAULT_SCOPE, cache=cache, sender=send, clock=clock,
    )  # fmt: skip


def run_threads(auth: ClientCredentialsAuth, count: int) -> list[str]:
    barrier = threading.Barrier(count)
    tokens: list[str] = []

    def worker() -> None:
        barrier.wait(timeout=5)
        tokens.append(auth.get_token().access_token)

    threads = [threading.Thread(target=worker) for _ in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=10)
    return tokens


@pytest.mark.parametrize("lifetime", [30, 2, 119, 3600])
def test_sixteen_threads_make_one_token_request_for_any_lifetime(
    fake_bc: FakeBusinessCentral, fake_clock: FakeClock, lifetime: int
) -> None:
    fake_bc.expires_in = lifetime
    auth = make_auth(fake_bc, fake_clock, MissCountingCache(), hold_for=16)
    tokens = run_threads(auth, 16)
    assert fake_bc.token_requests == 1
    assert len(tokens) == 16 and len(set(tokens)) == 1


def test_a_thirty_second_token_is_reused_until_half_its_lifetime(
    fake_bc: FakeBusinessCentral, fake_clock: FakeClock
) -> None:
    fake_bc.expires_in = 30
    auth = make_auth(fake_bc, fake_clock, TokenCache())
    first = auth.get_token()
    for _ in range(5):
        assert auth.get_token() is first
    fake_clock.advance(14.9)
    assert auth.get_token() is first
    fake_clock.advance(0.2)  # 15.1 s: within half the lifetime of expiry
    assert auth.get_token() is not first
    assert fake_bc.token_requests == 2


@pytest.mark.parametrize(("lifetime", "margin"), [(3600, 60.0), (120, 60.0), (100, 50.0)])
def test_margin_is_the_smaller_of_skew_and_half_the_lifetime(
    fake_bc: FakeBusinessCentral, fake_clock: FakeClock, lifetime: int, margin: float
) -> None:
    fake_bc.expires_in = lifetime
    auth = make_auth(fake_bc, fake_clock, TokenCache())
    first = auth.get_token()
    fake_clock.advance(lifetime - margin - 0.5)
    assert auth.get_token() is first
    fake_clock.advance(1.0)
    assert auth.get_token() is not first


def test_token_info_knows_when_it_is_due_for_refresh() -> None:
    token = TokenInfo("tok-abcdef", expires_at=130.0, issued_at=100.0)
    assert token.lifetime == 30.0
    assert not token.refresh_due(114.0, max_margin=60.0)
    assert token.refresh_due(115.0, max_margin=60.0)
    unknown_start = TokenInfo("tok-abcdef", expires_at=130.0)
    assert unknown_start.refresh_due(70.0, max_margin=60.0)  # no lifetime: the full margin
