"""LoopbackServer: loopback-only binding, keep-alive, bounds, clean shutdown."""

from __future__ import annotations

import threading

import httpx
import pytest

from txo.testing.server import LoopbackServer

pytestmark = pytest.mark.loopback


def echo(request: httpx.Request) -> httpx.Response:
    return httpx.Response(
        200,
        headers={"X-Echo-Method": request.method, "Set-Cookie": "a=1", "X-Multi": "b"},
        json={
            "method": request.method,
            "url": str(request.url),
            "body": request.content.decode(),
            "auth": request.headers.get("authorization"),
        },
    )


@pytest.mark.parametrize("host", ["0.0.0.0", "192.168.1.10", "example.com", "::"])
def test_refuses_non_loopback_hosts(host: str) -> None:
    with pytest.raises(ValueError, match="loopback addresses only"):
        LoopbackServer(echo, host=host)


def test_binds_127_0_0_1_on_an_ephemeral_port() -> None:
    with LoopbackServer(echo) as server:
        assert server.url.startswith("http://127.0.0.1:")
        assert server.port > 0
        assert "running" in repr(server)
    assert not server.running


def test_request_is_converted_faithfully() -> None:
    with LoopbackServer(echo) as server, httpx.Client() as client:
        response = client.post(
            f"{server.url}/api/v2.0/companies(abc)/customers?$top=2",
            content=b'{"a": 1}',
            headers={"Authorization": "Bearer t0k3n"},
        )
    body = response.json()
    assert body == {
        "method": "POST",
        "url": f"{server.url}/api/v2.0/companies(abc)/customers?$top=2",
        "body": '{"a": 1}',
        "auth": "Bearer t0k3n",
    }
    assert response.headers["X-Echo-Method"] == "POST"
    assert response.headers["content-type"] == "application/json"


def test_sequential_calls_reuse_one_keep_alive_connection() -> None:
    with LoopbackServer(echo) as server, httpx.Client() as client:
        for method in ("GET", "POST", "PATCH", "DELETE", "PUT", "OPTIONS"):
            assert client.request(method, f"{server.url}/x").json()["method"] == method
        assert server.connections == 1
        assert server.requests == 6


def test_connection_close_opens_new_connections() -> None:
    with LoopbackServer(echo) as server, httpx.Client(headers={"Connection": "close"}) as client:
        for _ in range(3):
            client.get(f"{server.url}/x")
        assert server.connections == 3


def test_head_has_no_body() -> None:
    with LoopbackServer(echo) as server, httpx.Client() as client:
        response = client.head(f"{server.url}/x")
        assert response.status_code == 200
        assert response.content == b""
        assert client.get(f"{server.url}/x").status_code == 200  # connection still in sync


def test_handler_errors_become_500() -> None:
    def broken(request: httpx.Request) -> httpx.Response:
        raise KeyError("boom")

    with LoopbackServer(broken) as server, httpx.Client() as client:
        response = client.get(f"{server.url}/x")
    assert response.status_code == 500
    assert "handler error: KeyError" in response.text


def test_request_budget_stops_the_server() -> None:
    server = LoopbackServer(echo, max_requests=2).start()
    try:
        with httpx.Client() as client:
            assert client.get(f"{server.url}/1").status_code == 200
            assert client.get(f"{server.url}/2").status_code == 200
            refused = client.get(f"{server.url}/3")
        assert refused.status_code == 503
        assert "budget spent" in refused.text
        assert server._thread is not None
        server._thread.join(timeout=5)
        assert not server.running
    finally:
        server.stop()


def test_stop_closes_idle_keep_alive_connections_and_joins_threads() -> None:
    before = threading.active_count()
    server = LoopbackServer(echo).start()
    clients = [httpx.Client() for _ in range(4)]
    for client in clients:
        client.get(f"{server.url}/x")
    assert server.connections == 4
    server.stop()
    assert threading.active_count() == before
    for client in clients:
        client.close()


def test_start_twice_is_an_error() -> None:
    with LoopbackServer(echo) as server, pytest.raises(RuntimeError, match="already started"):
        server.start()


def test_port_before_start_is_an_error() -> None:
    with pytest.raises(RuntimeError, match="not started"):
        _ = LoopbackServer(echo).port


def test_fixture_serves_the_fake(fake_bc_server: LoopbackServer, fake_bc_url: str) -> None:
    assert fake_bc_url == fake_bc_server.url
    with httpx.Client() as client:
        assert client.get(f"{fake_bc_url}/api/v2.0/companies").status_code == 401
