"""A token cache shared by the fleet: one token request per tenant per token lifetime.

Drop-in for :class:`txo.http.auth.TokenCache`.  Tokens are stored sealed
(:mod:`txo.fleet.sealing`) until they expire.  ``fetch_lock`` is single
flight across processes: the in-process lock first, then an expiring lock in
the backend; a process that finds the lock taken waits until the holder has
stored its token (it then reads that one) or until the lock expires (the
holder died: it fetches itself).  The in-process cache stays the fallback
when the backend is down.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager

from txo.clock import Clock
from txo.fleet.backend import Backend
from txo.fleet.guard import Guard
from txo.fleet.sealing import TokenSealer
from txo.http.auth import TokenCache, TokenInfo, TokenKey

__all__ = ["SharedTokenCache"]


class SharedTokenCache(TokenCache):
    """Sealed tokens in the backend, keyed by (tenant, client id, scope)."""

    def __init__(
        self,
        backend: Backend,
        guard: Guard,
        sealer: TokenSealer,
        clock: Clock,
        *,
        lock_seconds: float = 30.0,
        poll_interval: float = 0.02,
        max_entries: int = 256,
    ) -> None:
        super().__init__(max_entries)
        if lock_seconds <= 0 or poll_interval <= 0:
            raise ValueError("lock_seconds and poll_interval must be > 0")
        self._backend, self._guard, self._sealer, self._clock = backend, guard, sealer, clock
        self.lock_seconds, self.poll_interval = lock_seconds, poll_interval

    def __repr__(self) -> str:
        return f"SharedTokenCache(backend={self._guard.backend_name}, size={len(self)})"

    def get(self, key: TokenKey) -> TokenInfo | None:
        local = super().get(key)
        shared = self._guard.run(lambda: self._load(key), lambda: local)
        if shared is None or shared is local:
            return shared
        if local is not None and local.access_token == shared.access_token:
            return local  # keep object identity stable for conditional invalidation
        TokenCache.put(self, key, shared)
        return shared

    def put(self, key: TokenKey, info: TokenInfo) -> None:
        super().put(key, info)
        name = _store_key(key)
        blob = self._sealer.seal(name, info)
        self._guard.run(
            lambda: self._backend.put_secret(name, blob, info.expires_at, self._clock.time()),
            lambda: None,
        )

    def invalidate(self, key: TokenKey, token: TokenInfo | None = None) -> bool:
        dropped = super().invalidate(key, token)
        return self._guard.run(lambda: self._drop(key, token), lambda: dropped) or dropped

    def fetch_lock(self, key: TokenKey) -> AbstractContextManager[object]:  # type: ignore[override]
        return self._single_flight(key)

    @contextmanager
    def _single_flight(self, key: TokenKey) -> Iterator[object]:
        with TokenCache.fetch_lock(self, key):
            name, holder = _store_key(key), uuid.uuid4().hex
            locked = self._guard.run(lambda: self._wait_for_lock(name, holder), lambda: False)
            try:
                yield locked
            finally:
                if locked:
                    self._guard.run(lambda: self._backend.unlock(name, holder), lambda: None)

    def _wait_for_lock(self, name: str, holder: str) -> bool:
        """Take the fleet's fetch lock, or return False once another process stored a token."""
        deadline = self._clock.time() + self.lock_seconds
        while True:
            now = self._clock.time()
            if self._backend.try_lock(name, holder, now, self.lock_seconds):
                return True
            if self._backend.get_secret(name, now) is not None or now > deadline:
                return False
            self._clock.sleep(self.poll_interval)

    def _load(self, key: TokenKey) -> TokenInfo | None:
        name = _store_key(key)
        blob = self._backend.get_secret(name, self._clock.time())
        return None if blob is None else self._sealer.open(name, blob)

    def _drop(self, key: TokenKey, token: TokenInfo | None) -> bool:
        name = _store_key(key)
        blob = self._backend.get_secret(name, self._clock.time())
        if blob is None:
            return False
        stored = self._sealer.open(name, blob)
        if token is not None and stored is not None and stored.access_token != token.access_token:
            return False
        self._backend.delete_secret(name, blob)
        return True


def _store_key(key: TokenKey) -> str:
    return "token|" + "|".join(key)
