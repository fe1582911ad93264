"""Follow a ``202 Accepted`` long-running operation to its result.

The ``Location`` header of the 202 names a status monitor (relative URLs
are resolved against the URL of the request that returned it).  We wait
``Retry-After`` seconds (delta or HTTP-date; else the configured interval,
never less than :data:`MIN_POLL_WAIT`), then ``GET`` the monitor through
the client's full pipeline (rate limit, breaker, retries, auth — but auth
only if the monitor is on the same origin; the client's ``send`` decides
that).  Then:

* 202 → keep polling (a new ``Location`` replaces the old one);
* 3xx with ``Location`` (303 See Other, the usual "result is over there")
  → ``GET`` that URL at once (at most :data:`MAX_REDIRECTS` in a row);
* anything else (200/201 with the result, 204 with none) → that response.

Unlike v2.1, the last sleep never overshoots ``max_wait``: the final poll
happens at the deadline, and if the operation is still running we raise
:class:`~txo.errors.ApiTimeoutError` stating the elapsed time and the
number of polls.  A 202 without ``Location`` is returned as it is.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass

import httpx

from txo.clock import Clock
from txo.errors import ApiOperationError, ApiTimeoutError, ErrorContext
from txo.http.classify import display_url
from txo.http.retry import parse_retry_after

__all__ = ["MAX_REDIRECTS", "MIN_POLL_WAIT", "PollSender", "wait_for_completion"]

logger = logging.getLogger(__name__)

MIN_POLL_WAIT = 0.1
MAX_REDIRECTS = 10

PollSender = Callable[[httpx.URL], httpx.Response]
"""GET a URL through the client pipeline (no 202 handling); errors already raised."""


@dataclass(slots=True)
class _Poll:
    """Progress of one long-running operation."""

    accepted: httpx.Response
    location: httpx.URL
    started: float
    wait: float
    polls: int = 0
    redirects: int = 0


def wait_for_completion(
    accepted: httpx.Response,
    send: PollSender,
    *,
    clock: Clock,
    interval: float,
    max_wait: float,
) -> httpx.Response:
    """Poll the operation ``accepted`` (a 202) started; return its final response."""
    location = _location(accepted)
    if location is None:
        logger.warning(
            "%s %s returned 202 Accepted without a Location header; returning the 202 body",
            accepted.request.method,
            display_url(accepted.request.url),
        )
        return accepted
    poll = _Poll(accepted, location, clock.monotonic(), _wait_hint(accepted, clock, interval))
    while True:
        _sleep_before_poll(poll, clock, max_wait)
        response = send(poll.location)
        poll.polls += 1
        if not _keep_polling(poll, response, clock, interval):
            return response


def _keep_polling(poll: _Poll, response: httpx.Response, clock: Clock, interval: float) -> bool:
    """Update ``poll`` from a monitor response; False when it is the final one."""
    location = _location(response)
    if response.status_code == 202:
        poll.location = location or poll.location
        poll.wait = _wait_hint(response, clock, interval)
        poll.redirects = 0
        return True
    if 300 <= response.status_code < 400 and location is not None:
        poll.redirects += 1
        if poll.redirects > MAX_REDIRECTS:
            raise _redirect_error(poll)
        poll.location, poll.wait = location, 0.0
        return True
    return False


def _sleep_before_poll(poll: _Poll, clock: Clock, max_wait: float) -> None:
    if poll.wait <= 0:
        return
    # Against the absolute deadline: ``max_wait - elapsed`` can stay a float sliver (1e-14)
    # that sleeping never uses up, and the monitor was polled again and again.
    now = clock.monotonic()
    remaining = (poll.started + max_wait) - now
    if remaining <= 0:
        raise _timeout_error(poll, now - poll.started, max_wait)
    clock.sleep(min(poll.wait, remaining))


def _location(response: httpx.Response) -> httpx.URL | None:
    value = response.headers.get("location")
    if not value:
        return None
    return response.request.url.join(value.strip())


def _wait_hint(response: httpx.Response, clock: Clock, interval: float) -> float:
    hinted = parse_retry_after(response.headers.get("retry-after"), clock.time())
    return max(MIN_POLL_WAIT, interval if hinted is None else hinted)


def _context(poll: _Poll, **details: object) -> ErrorContext:
    request = poll.accepted.request
    return ErrorContext(
        operation=f"{request.method} (202 Accepted, long-running operation)",
        resource=display_url(request.url),
        details={"monitor": display_url(poll.location), "polls": poll.polls, **details},
    )


def _timeout_error(poll: _Poll, elapsed: float, max_wait: float) -> ApiTimeoutError:
    request = poll.accepted.request
    return ApiTimeoutError(
        f"{request.method} {display_url(request.url)} was accepted (HTTP 202) but did not "
        f"finish within {max_wait:g}s: still running after {elapsed:.1f}s and {poll.polls} "
        f"poll(s) of {display_url(poll.location)}",
        context=_context(poll, elapsed_seconds=round(elapsed, 3), max_wait=max_wait),
    )


def _redirect_error(poll: _Poll) -> ApiOperationError:
    return ApiOperationError(
        f"The status monitor of a 202 operation redirected more than {MAX_REDIRECTS} times "
        f"in a row (last: {display_url(poll.location)})",
        context=_context(poll),
    )
