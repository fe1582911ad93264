"""A bounded LRU pool of ``httpx.Client`` sessions, shared by every thread.

Modelled on urllib3's ``RecentlyUsedContainer``: an ``OrderedDict`` behind
one lock, ``move_to_end`` on a hit, the oldest entry evicted when the pool
is full.  Two differences matter for HTTP clients:

* a client is handed out through :meth:`SessionPool.lease`, a context
  manager, so the pool knows who is using it; an evicted client that is
  still leased by another thread is closed only when its last lease ends;
* clients are created and closed *outside* the lock, so a slow TLS set-up
  or close never blocks other threads.

There is no thread-local storage: memory is bounded by ``max_size`` plus
the clients currently leased, however many distinct keys or threads appear.

The pool also keeps one ``ssl.SSLContext`` per verify/cert setting
(:meth:`SessionPool.ssl_context`) for the clients it holds: building a
context loads the CA bundle, ~20-70 ms and ~0.8 MB each, which a new
``httpx.Client`` would otherwise pay for every new key.
"""

from __future__ import annotations

import os
import ssl
import threading
from collections import OrderedDict
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from types import TracebackType

import httpx

__all__ = ["CertSetting", "PoolKey", "PoolStats", "SessionPool", "VerifySetting"]

PoolKey = tuple[str, str]
"""(base URL or origin, auth identity) — never a secret."""
VerifySetting = bool | str
"""True (certifi, or ``SSL_CERT_FILE``/``SSL_CERT_DIR``), False, or a CA bundle file/folder."""
CertSetting = str | tuple[str, str] | None
"""A client certificate: one PEM file, or (certificate file, key file)."""


@dataclass(frozen=True, slots=True)
class PoolStats:
    """A consistent snapshot of the pool's counters.

    ``open`` counts clients created by the pool and not yet closed: the ones
    in the pool plus evicted ones still leased.
    """

    hits: int
    misses: int
    evictions: int
    open: int


class _Entry:
    """One pooled client and how many leases hold it."""

    __slots__ = ("client", "closed", "evicted", "leases")

    def __init__(self, client: httpx.Client) -> None:
        self.client = client
        self.leases = 0
        self.evicted = False
        self.closed = False


class SessionPool:
    """Thread-safe LRU of ``httpx.Client`` keyed by :data:`PoolKey`."""

    def __init__(self, max_size: int = 50) -> None:
        if max_size < 1:
            raise ValueError(f"SessionPool max_size must be at least 1, got {max_size}")
        self.max_size = max_size
        self._lock = threading.Lock()
        self._entries: OrderedDict[PoolKey, _Entry] = OrderedDict()
        self._hits = 0
        self._misses = 0
        self._evictions = 0
        self._open = 0
        self._closed = False
        self._ssl: dict[tuple[VerifySetting, CertSetting], ssl.SSLContext] = {}

    def __repr__(self) -> str:
        s = self.stats
        return (
            f"SessionPool(max_size={self.max_size}, size={len(self)}, hits={s.hits}, "
            f"misses={s.misses}, evictions={s.evictions}, open={s.open})"
        )

    def __len__(self) -> int:
        with self._lock:
            return len(self._entries)

    def __contains__(self, key: object) -> bool:
        with self._lock:
            return key in self._entries

    @property
    def closed(self) -> bool:
        return self._closed

    @property
    def stats(self) -> PoolStats:
        with self._lock:
            return PoolStats(self._hits, self._misses, self._evictions, self._open)

    def keys(self) -> list[PoolKey]:
        """The pooled keys, least recently used first."""
        with self._lock:
            return list(self._entries)

    def ssl_context(self, verify: VerifySetting = True, cert: CertSetting = None) -> ssl.SSLContext:
        """The one SSL context this pool's clients share for (``verify``, ``cert``).

        Built on first use, outside the lock; if two threads race, both get the
        first one stored.  SSL contexts are thread-safe to share.
        """
        key = (verify, cert)
        with self._lock:
            context = self._ssl.get(key)
        if context is not None:
            return context
        built = _build_ssl_context(verify, cert)
        with self._lock:
            return self._ssl.setdefault(key, built)

    @contextmanager
    def lease(self, key: PoolKey, factory: Callable[[], httpx.Client]) -> Iterator[httpx.Client]:
        """Yield the client for ``key``, creating it with ``factory`` on a miss.

        The client stays open for the whole ``with`` block even if another
        thread evicts it meanwhile.
        """
        entry = self._acquire(key, factory)
        try:
            yield entry.client
        finally:
            self._release(entry)

    def close(self) -> None:
        """Close every pooled client; leased ones are closed when released."""
        with self._lock:
            self._closed = True
            entries = list(self._entries.values())
            self._entries.clear()
            to_close = [e for e in entries if self._retire(e)]
        _close_all(to_close)

    def __enter__(self) -> SessionPool:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- internals -----------------------------------------------------------

    def _acquire(self, key: PoolKey, factory: Callable[[], httpx.Client]) -> _Entry:
        with self._lock:
            self._check_open()
            entry = self._entries.get(key)
            if entry is not None:
                self._hits += 1
                self._entries.move_to_end(key)
                entry.leases += 1
                return entry
            self._misses += 1
        return self._insert(key, factory())

    def _insert(self, key: PoolKey, client: httpx.Client) -> _Entry:
        """Store a freshly made client, unless another thread won the race."""
        evicted: list[_Entry] = []
        with self._lock:
            winner = None if self._closed else self._entries.get(key)
            if winner is not None:
                self._entries.move_to_end(key)
                winner.leases += 1
            elif not self._closed:
                winner = _Entry(client)
                winner.leases = 1
                self._entries[key] = winner
                self._open += 1
                evicted = self._evict_overflow()
        if winner is None or winner.client is not client:
            client.close()  # lost the race, or the pool closed meanwhile
        _close_all(evicted)
        if winner is None:
            raise _closed_error()
        return winner

    def _evict_overflow(self) -> list[_Entry]:
        """Pop least-recently-used entries beyond max_size; return those to close now."""
        to_close: list[_Entry] = []
        while len(self._entries) > self.max_size:
            _, old = self._entries.popitem(last=False)
            self._evictions += 1
            if self._retire(old):
                to_close.append(old)
        return to_close

    def _retire(self, entry: _Entry) -> bool:
        """Mark an entry as out of the pool; True if it should be closed now (lock held)."""
        entry.evicted = True
        if entry.leases == 0 and not entry.closed:
            entry.closed = True
            self._open -= 1
            return True
        return False

    def _release(self, entry: _Entry) -> None:
        with self._lock:
            entry.leases -= 1
            close_now = entry.evicted and entry.leases == 0 and not entry.closed
            if close_now:
                entry.closed = True
                self._open -= 1
        if close_now:
            entry.client.close()

    def _check_open(self) -> None:
        if self._closed:
            raise _closed_error()


def _closed_error() -> RuntimeError:
    return RuntimeError("SessionPool is closed; create a new pool to lease clients")


def _build_ssl_context(verify: VerifySetting, cert: CertSetting) -> ssl.SSLContext:
    """What ``httpx`` would build for one client, built once."""
    if isinstance(verify, str):
        folder = os.path.isdir(verify)
        context = ssl.create_default_context(
            cafile=None if folder else verify, capath=verify if folder else None
        )
    else:
        context = httpx.create_ssl_context(verify=verify)
    if isinstance(cert, str):
        context.load_cert_chain(cert)
    elif cert is not None:
        context.load_cert_chain(*cert)
    return context


def _close_all(entries: list[_Entry]) -> None:
    for entry in entries:
        entry.client.close()
