"""The few atomic operations a coordination backend offers, whatever stores the state.

Everything the fleet coordinates (rate budget, concurrency cap, cool-down,
token cache) is built from these operations, so a new store only has to
implement this Protocol.  Each one is a single short, atomic step on the
shared store: nothing ever holds a store-side lock while waiting, sending a
request or fetching a token, so a process killed at any point leaves at most
a lease or lock that expires by itself.

Times are wall-clock seconds (``Clock.time()``): processes on several
machines share them, and ``monotonic()`` means nothing across machines.
"""

from __future__ import annotations

from typing import Protocol

__all__ = ["Backend", "BackendUnavailable", "UnavailableBackend"]


class BackendUnavailable(Exception):
    """The coordination store could not be reached or answered with an error."""


class Backend(Protocol):
    """Atomic operations on the shared store; each raises BackendUnavailable on failure."""

    @property
    def name(self) -> str:
        """``sqlite`` or ``redis``: what the one warning and the docs call it."""
        ...

    def reserve(self, key: str, rate: float, burst: float, now: float) -> float:
        """Book one call in ``key``'s token bucket; return the seconds until it may start."""
        ...

    def pause(self, key: str, until: float, now: float) -> float:
        """Close ``key``'s cool-down gate until ``until`` (never earlier); return the deadline."""
        ...

    def paused_until(self, key: str) -> float:
        """``key``'s cool-down deadline (0.0 when it was never paused)."""
        ...

    def acquire_lease(
        self, key: str, holder: str, limit: int, now: float, ttl: float, queue_ttl: float = 1.0
    ) -> bool:
        """Take one of ``limit`` slots of ``key`` until ``now + ttl``, first come first served.

        A holder that finds no free slot is queued; slots go to the queue in
        arrival order, so a process that just released a slot cannot take it
        straight back while others wait.  A queue entry lapses when its holder
        has not asked again for ``queue_ttl`` seconds (it died or gave up).
        """
        ...

    def release_lease(self, key: str, holder: str) -> None:
        """Give ``holder``'s slot (or queue place) of ``key`` back; nothing if already gone."""
        ...

    def try_lock(self, key: str, holder: str, now: float, ttl: float) -> bool:
        """Take ``key``'s exclusive lock until ``now + ttl`` if it is free or expired."""
        ...

    def unlock(self, key: str, holder: str) -> None:
        """Release ``key``'s lock if ``holder`` still holds it."""
        ...

    def get_secret(self, key: str, now: float) -> bytes | None:
        """The sealed blob stored under ``key`` if it has not expired, else None."""
        ...

    def put_secret(self, key: str, blob: bytes, expires_at: float, now: float) -> None:
        """Store a sealed blob until ``expires_at`` (it vanishes then)."""
        ...

    def delete_secret(self, key: str, blob: bytes | None = None) -> None:
        """Drop the blob under ``key`` (only if it is still ``blob``, when given)."""
        ...

    def close(self) -> None:
        """Release connections; the object is unusable afterwards."""
        ...


class UnavailableBackend:
    """Stands in for a backend that could not be opened: every operation fails at once."""

    def __init__(self, name: str) -> None:
        self.name = name

    def __repr__(self) -> str:
        return f"UnavailableBackend({self.name!r})"

    def _fail(self) -> BackendUnavailable:
        return BackendUnavailable(f"the {self.name} coordination backend could not be opened")

    def reserve(self, key: str, rate: float, burst: float, now: float) -> float:
        raise self._fail()

    def pause(self, key: str, until: float, now: float) -> float:
        raise self._fail()

    def paused_until(self, key: str) -> float:
        raise self._fail()

    def acquire_lease(
        self, key: str, holder: str, limit: int, now: float, ttl: float, queue_ttl: float = 1.0
    ) -> bool:
        raise self._fail()

    def release_lease(self, key: str, holder: str) -> None:
        raise self._fail()

    def try_lock(self, key: str, holder: str, now: float, ttl: float) -> bool:
        raise self._fail()

    def unlock(self, key: str, holder: str) -> None:
        raise self._fail()

    def get_secret(self, key: str, now: float) -> bytes | None:
        raise self._fail()

    def put_secret(self, key: str, blob: bytes, expires_at: float, now: float) -> None:
        raise self._fail()

    def delete_secret(self, key: str, blob: bytes | None = None) -> None:
        raise self._fail()

    def close(self) -> None:
        """Nothing to release."""
