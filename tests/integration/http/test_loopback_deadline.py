"""The total deadline against a real socket: a server that trickles a byte every 0.2 s.

httpx's read timeout (0.5 s here) never fires, because every read gets a
byte in time; only the client's total deadline (1.5 s) can end the call.
This test takes about 1.5 s of real time; the server is bounded (30 bytes,
a stop event) so even a client that never gives up ends the test in ~6 s.
"""

from __future__ import annotations

import socket
import threading
from collections.abc import Iterator
from dataclasses import dataclass, field

import pytest

from txo.errors import ApiTimeoutError
from txo.http import RestClient, RetryPolicy

pytestmark = pytest.mark.loopback

BODY_BYTES = 30
EVERY = 0.2


@dataclass
class Trickler:
    """Answers one request: headers at once, then one body byte every ``EVERY`` seconds."""

    listener: socket.socket
    stop: threading.Event = field(default_factory=threading.Event)
    sent: int = 0

    @property
    def url(self) -> str:
        host, port = self.listener.getsockname()
        return f"http://{host}:{port}"

    def serve(self) -> None:
        try:
            conn, _ = self.listener.accept()
        except OSError:
            return
        with conn:
            conn.recv(65536)
            head = f"HTTP/1.1 200 OK\r\nContent-Length: {BODY_BYTES}\r\n\r\n"
            conn.sendall(head.encode())
            self._trickle(conn)

    def _trickle(self, conn: socket.socket) -> None:
        while self.sent < BODY_BYTES and not self.stop.wait(EVERY):
            try:
                conn.sendall(b" ")
            except OSError:  # the client hung up: what the deadline should make it do
                return
            self.sent += 1


@pytest.fixture
def trickler() -> Iterator[Trickler]:
    listener = socket.create_server(("127.0.0.1", 0))
    server = Trickler(listener)
    thread = threading.Thread(target=server.serve, daemon=True)
    thread.start()
    try:
        yield server
    finally:
        server.stop.set()
        listener.close()
        thread.join(timeout=10)


def test_total_deadline_ends_a_response_trickling_over_a_real_socket(trickler: Trickler) -> None:
    policy = RetryPolicy(total_deadline=1.5, max_attempts=3)
    client = RestClient(trickler.url, timeout=0.5, retry=policy)
    with client, pytest.raises(ApiTimeoutError) as caught:
        client.request("GET", "/slow")
    assert "total deadline" in str(caught.value)
    assert trickler.sent < BODY_BYTES // 2  # the client stopped reading long before the end
