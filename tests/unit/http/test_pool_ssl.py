"""Pooled clients share one SSL context per verify/cert setting.

Building an SSL context loads the CA bundle (tens of ms and ~0.8 MB): a new
pooled key must not pay that again.  The benchmark and memory suites measure
the cost; these tests state the sharing.
"""

from __future__ import annotations

import ssl
import threading

import httpx

from txo.http import RestClient
from txo.http.pool import SessionPool


def context_of(client: httpx.Client) -> object:
    """The SSL context inside an httpx client's default transport (httpx/httpcore internals)."""
    transport = client._transport  # no public accessor exists
    return transport._pool._ssl_context  # type: ignore[attr-defined]


def test_one_context_per_setting() -> None:
    with SessionPool() as pool:
        verified = pool.ssl_context()
        assert pool.ssl_context(True) is verified
        assert verified.verify_mode is ssl.CERT_REQUIRED and verified.check_hostname
        unverified = pool.ssl_context(False)
        assert unverified is not verified and unverified.verify_mode is ssl.CERT_NONE
        assert pool.ssl_context(False) is unverified


def test_threads_racing_for_the_first_context_all_get_the_same_one() -> None:
    pool = SessionPool()
    barrier = threading.Barrier(8)
    seen: list[ssl.SSLContext] = []

    def worker() -> None:
        barrier.wait(timeout=5)
        seen.append(pool.ssl_context())

    threads = [threading.Thread(target=worker) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert len(seen) == 8 and len({id(c) for c in seen}) == 1
    pool.close()


def test_restclient_sessions_for_new_keys_reuse_the_pools_context() -> None:
    with SessionPool() as pool:
        client = RestClient(pool=pool)
        sessions = []
        for origin in ("https://a.example:443", "https://b.example:443", "http://c.example:80"):
            with pool.lease((origin, "anonymous"), client.new_session) as session:
                sessions.append(session)
        assert {id(context_of(s)) for s in sessions} == {id(pool.ssl_context())}
        unverified = RestClient(pool=pool, verify=False)
        with pool.lease(("https://d.example:443", "x"), unverified.new_session) as session:
            assert context_of(session) is pool.ssl_context(False)
