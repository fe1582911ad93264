"""A real HTTP/1.1 server on 127.0.0.1 that answers with an ``httpx``-style handler.

``LoopbackServer(handler)`` wraps any ``handler(httpx.Request) -> httpx.Response``
(e.g. :meth:`txo.testing.fake_bc.FakeBusinessCentral.handle`) in a
``ThreadingHTTPServer`` bound to an ephemeral loopback port, so the exact same
fake answers both in-process (``httpx.MockTransport``) and over a socket.

* loopback only: any other host is refused before binding;
* keep-alive (HTTP/1.1) with server-side counts of connections and requests,
  so tests can assert that a client reuses its connection;
* bounded: it stops serving after ``max_requests`` requests or ``max_seconds``,
  a simulated timeout holds a connection at most ``max_delay`` seconds, and
  leaving the ``with`` block closes every connection and joins every thread.
"""

from __future__ import annotations

import contextlib
import ipaddress
import socket
import threading
import time
from collections.abc import Callable
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from types import TracebackType
from typing import Any, cast

import httpx

from txo.testing.fake_bc import SimulatedTimeout

__all__ = ["Handler", "LoopbackServer"]

Handler = Callable[[httpx.Request], httpx.Response]

_HOP_BY_HOP = frozenset(
    {"connection", "keep-alive", "transfer-encoding", "content-length", "date", "server"}
)


class LoopbackServer:
    """Serve ``handler`` on ``http://127.0.0.1:<ephemeral port>`` in a daemon thread."""

    def __init__(
        self,
        handler: Handler,
        *,
        host: str = "127.0.0.1",
        max_requests: int = 50_000,
        max_seconds: float = 120.0,
        max_delay: float = 10.0,
        idle_timeout: float = 10.0,
    ) -> None:
        if not _is_loopback(host):
            raise ValueError(f"LoopbackServer binds loopback addresses only, not {host!r}")
        self.handler = handler
        self.host = host
        self.max_requests, self.max_seconds = max_requests, max_seconds
        self.max_delay, self.idle_timeout = max_delay, idle_timeout
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._sockets: set[socket.socket] = set()
        self._threads: list[threading.Thread] = []
        self._connections = 0
        self._requests = 0
        self._httpd: _Server | None = None
        self._thread: threading.Thread | None = None

    def __repr__(self) -> str:
        state = "running" if self.running else "stopped"
        return f"LoopbackServer({self.url if self._httpd else self.host!r}, {state})"

    # --- lifecycle -----------------------------------------------------------

    def start(self) -> LoopbackServer:
        if self._httpd is not None:
            raise RuntimeError("LoopbackServer already started")
        self._httpd = _Server((self.host, 0), _make_request_handler(self), self)
        self._thread = threading.Thread(
            target=self._serve, name=f"loopback-{self.port}", daemon=True
        )
        self._thread.start()
        return self

    def stop(self) -> None:
        """Stop accepting, close open keep-alive connections, join every thread."""
        self._stop.set()
        if self._thread is not None:
            self._thread.join(timeout=5)
        with self._lock:
            open_sockets, threads = list(self._sockets), list(self._threads)
        for sock in open_sockets:
            _shutdown(sock)
        deadline = time.monotonic() + 5.0
        for thread in threads:
            thread.join(timeout=max(0.0, deadline - time.monotonic()))
        if self._httpd is not None:
            self._httpd.server_close()

    def __enter__(self) -> LoopbackServer:
        return self.start()

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.stop()

    def _serve(self) -> None:
        assert self._httpd is not None
        deadline = time.monotonic() + self.max_seconds
        self._httpd.timeout = 0.05
        while not self._stop.is_set() and time.monotonic() < deadline:
            if self.requests >= self.max_requests:
                break
            self._httpd.handle_request()

    # --- what tests look at ----------------------------------------------------

    @property
    def port(self) -> int:
        if self._httpd is None:
            raise RuntimeError("LoopbackServer is not started")
        return int(self._httpd.server_address[1])

    @property
    def url(self) -> str:
        """``http://127.0.0.1:<port>`` (no trailing slash)."""
        return f"http://{self.host}:{self.port}"

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    @property
    def connections(self) -> int:
        """TCP connections accepted so far (1 for N sequential keep-alive calls)."""
        with self._lock:
            return self._connections

    @property
    def requests(self) -> int:
        with self._lock:
            return self._requests

    # --- called from connection threads ----------------------------------------

    def _opened(self, sock: socket.socket, thread: threading.Thread) -> None:
        with self._lock:
            self._connections += 1
            self._sockets.add(sock)
            self._threads = [t for t in self._threads if t.is_alive()]
            self._threads.append(thread)

    def _closed(self, sock: socket.socket) -> None:
        with self._lock:
            self._sockets.discard(sock)

    def _counted(self) -> bool:
        """Count a request; False once the request budget is spent."""
        with self._lock:
            self._requests += 1
            return self._requests <= self.max_requests

    def _hold(self, delay: float) -> None:
        """Keep a connection silent for a simulated timeout; ends early on stop()."""
        self._stop.wait(min(delay, self.max_delay))


class _Server(ThreadingHTTPServer):
    daemon_threads = True
    block_on_close = False  # LoopbackServer joins its own connection threads

    def __init__(
        self,
        address: tuple[str, int],
        handler_class: type[BaseHTTPRequestHandler],
        owner: LoopbackServer,
    ) -> None:
        self.owner = owner
        super().__init__(address, handler_class)

    def process_request(self, request: Any, client_address: Any) -> None:
        """One daemon thread per connection, tracked so stop() can join it."""
        thread = threading.Thread(
            target=self.process_request_thread,
            args=(request, client_address),
            name=f"loopback-conn-{client_address[1]}",
            daemon=True,
        )
        self.owner._opened(request, thread)
        thread.start()

    def shutdown_request(self, request: Any) -> None:
        self.owner._closed(request)
        super().shutdown_request(request)


def _make_request_handler(owner: LoopbackServer) -> type[BaseHTTPRequestHandler]:
    class RequestHandler(_RequestHandler):
        timeout = owner.idle_timeout

    return RequestHandler


class _RequestHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "txo-loopback/1.0"
    disable_nagle_algorithm = True  # no 40 ms delayed-ACK stalls on small responses

    @property
    def owner(self) -> LoopbackServer:
        return cast(_Server, self.server).owner

    def log_message(self, format: str, *args: Any) -> None:
        """Silence the default stderr access log."""

    def do_GET(self) -> None:
        self._answer()

    do_POST = do_PUT = do_PATCH = do_DELETE = do_HEAD = do_OPTIONS = do_GET

    def _answer(self) -> None:
        if not self.owner._counted():
            self.close_connection = True
            self._write(httpx.Response(503, text="loopback server request budget spent"))
            return
        request = self._to_httpx()
        try:
            response = self.owner.handler(request)
        except SimulatedTimeout as timeout:
            self.owner._hold(timeout.delay)
            self.close_connection = True
            return
        except Exception as exc:  # the handler is test code; report, don't crash
            response = httpx.Response(500, text=f"handler error: {type(exc).__name__}: {exc}")
        self._write(response)

    def _to_httpx(self) -> httpx.Request:
        length = int(self.headers.get("Content-Length") or 0)
        body = self.rfile.read(length) if length else b""
        host = self.headers.get("Host") or f"{self.owner.host}:{self.owner.port}"
        return httpx.Request(
            self.command,
            f"http://{host}{self.path}",
            headers=list(self.headers.items()),
            content=body,
        )

    def _write(self, response: httpx.Response) -> None:
        """Status line, headers and body in one write (no small-segment stalls)."""
        body = response.read()
        lines = [f"{self.protocol_version} {response.status_code} {response.reason_phrase}"]
        for name, value in response.headers.multi_items():
            if name.lower() not in _HOP_BY_HOP:
                lines.append(f"{name}: {value}")
        lines.append(f"Content-Length: {len(body)}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        self.wfile.write(head if self.command == "HEAD" else head + body)
        self.wfile.flush()


def _is_loopback(host: str) -> bool:
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def _shutdown(sock: socket.socket) -> None:
    with contextlib.suppress(OSError):
        sock.shutdown(socket.SHUT_RDWR)
