"""One switch per process: coordinated while the backend answers, in-process after.

The first failure logs ONE warning and flips the switch for the rest of the
process: every later call goes straight to the in-process fallback, so a
dead backend costs one timeout, never a hang, a crash or a log storm.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable
from typing import TypeVar

from txo.fleet.backend import BackendUnavailable

__all__ = ["Guard"]

_T = TypeVar("_T")

logger = logging.getLogger("txo.fleet")


class Guard:
    """Runs backend operations; on :class:`BackendUnavailable` degrades for good."""

    def __init__(self, backend_name: str, log: logging.Logger | None = None) -> None:
        self.backend_name = backend_name
        self._log = log if log is not None else logger
        self._lock = threading.Lock()
        self._down = False

    def __repr__(self) -> str:
        return f"Guard({self.backend_name!r}, down={self._down})"

    @property
    def down(self) -> bool:
        return self._down

    def run(self, operation: Callable[[], _T], fallback: Callable[[], _T]) -> _T:
        """``operation()`` while the backend is up, else (and from now on) ``fallback()``."""
        if self._down:
            return fallback()
        try:
            return operation()
        except BackendUnavailable as exc:
            self.trip(str(exc))
        return fallback()

    def trip(self, reason: str) -> None:
        """Mark the backend down; the first call logs the one warning."""
        with self._lock:
            if self._down:
                return
            self._down = True
        self._log.warning(
            "Coordination backend %s is unavailable (%s). This process continues with "
            "in-process rate limiting, cool-down, concurrency cap and token cache; it is no "
            "longer coordinated with other processes.",
            self.backend_name,
            reason,
        )
