"""Server-side throttling for the fake BC API: a per-identity budget and concurrency cap.

Business Central limits each user per environment to a request budget per
time window and a few concurrent requests, answering 429 with
``Retry-After`` beyond either.  :class:`ThrottledApi` wraps any
``handle(request) -> response`` (usually :meth:`FakeBusinessCentral.handle`)
and enforces both on the API calls (token requests pass untouched).  The
identity is the path before ``/api/v2.0`` (tenant and environment), so one
wrapper can serve several tenants.  It counts what it admitted, refused and
the peak concurrency, for the fleet benchmark and tests.
"""

from __future__ import annotations

import math
import re
import threading
from collections import deque
from collections.abc import Callable
from dataclasses import dataclass, field

import httpx

from txo.clock import Clock, SystemClock

__all__ = ["ThrottleStats", "ThrottledApi"]

_API = re.compile(r"^(?P<identity>.*?)/api/v2\.0/")


@dataclass
class ThrottleStats:
    """What the throttle saw, per identity and in total."""

    admitted: int = 0
    throttled_budget: int = 0
    throttled_concurrency: int = 0
    peak_in_flight: int = 0
    first_admitted: float | None = None
    last_finished: float | None = None
    admitted_times: list[float] = field(default_factory=list)

    @property
    def throttled(self) -> int:
        return self.throttled_budget + self.throttled_concurrency


class ThrottledApi:
    """``handle`` with at most ``budget`` API calls per ``window`` s and ``max_in_flight``."""

    def __init__(
        self,
        handler: Callable[[httpx.Request], httpx.Response],
        *,
        budget: int | None = None,
        window: float = 1.0,
        max_in_flight: int | None = None,
        service_time: float = 0.0,
        clock: Clock | None = None,
    ) -> None:
        if (budget is not None and budget < 1) or window <= 0 or service_time < 0:
            raise ValueError("ThrottledApi needs budget >= 1, window > 0, service_time >= 0")
        if max_in_flight is not None and max_in_flight < 1:
            raise ValueError("ThrottledApi max_in_flight must be >= 1")
        self._handler = handler
        self.budget, self.window = budget, window
        self.max_in_flight, self.service_time = max_in_flight, service_time
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._lock = threading.Lock()
        self._recent: dict[str, deque[float]] = {}
        self._in_flight: dict[str, int] = {}
        self.stats = ThrottleStats()

    def __repr__(self) -> str:
        return (
            f"ThrottledApi(budget={self.budget}/{self.window:g}s, "
            f"max_in_flight={self.max_in_flight})"
        )

    def handle(self, request: httpx.Request) -> httpx.Response:
        match = _API.match(request.url.path)
        if match is None:
            return self._handler(request)  # the token endpoint and anything else
        identity = match["identity"]
        refusal = self._admit(identity)
        if refusal is not None:
            return refusal
        try:
            if self.service_time:
                self._clock.sleep(self.service_time)
            return self._handler(request)
        finally:
            self._finish(identity)

    def _admit(self, identity: str) -> httpx.Response | None:
        now = self._clock.time()
        with self._lock:
            recent = self._recent.setdefault(identity, deque())
            while recent and recent[0] <= now - self.window:
                recent.popleft()
            if self.budget is not None and len(recent) >= self.budget:
                self.stats.throttled_budget += 1
                return _too_many(recent[0] + self.window - now, "request budget")
            in_flight = self._in_flight.get(identity, 0)
            if self.max_in_flight is not None and in_flight >= self.max_in_flight:
                self.stats.throttled_concurrency += 1
                return _too_many(max(self.service_time, 0.01), "concurrent requests")
            recent.append(now)
            self._in_flight[identity] = in_flight + 1
            self._count(now, in_flight + 1)
        return None

    def _count(self, now: float, in_flight: int) -> None:
        stats = self.stats
        stats.admitted += 1
        stats.admitted_times.append(now)
        stats.peak_in_flight = max(stats.peak_in_flight, in_flight)
        if stats.first_admitted is None:
            stats.first_admitted = now

    def _finish(self, identity: str) -> None:
        with self._lock:
            self._in_flight[identity] -= 1
            self.stats.last_finished = self._clock.time()


def _too_many(retry_after: float, what: str) -> httpx.Response:
    seconds = max(0.001, retry_after)
    body = {
        "error": {
            "code": "Application_TooManyRequests",
            "message": f"Too many requests: the {what} limit was reached.",
        }
    }
    headers = {"Retry-After": f"{math.ceil(seconds * 1000) / 1000:g}"}
    return httpx.Response(429, json=body, headers=headers)
