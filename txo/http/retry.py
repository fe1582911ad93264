"""The retry policy: an immutable value whose ``increment()`` returns the next state.

Shaped like urllib3's ``Retry``: a :class:`RetryPolicy` describes how often
and how long to retry, and is also the *state* of one request's retries
(``attempt`` and ``history``).  The client keeps the configured policy as a
template and walks a copy through ``increment()`` for each request, so one
policy object is safely shared by every thread.

Which outcomes are retried:

* **429** and **connection failures** (the request never reached the
  server: connect error or timeout, pool timeout, proxy error) for every
  method — the server did not act on the request;
* the other ``retry_statuses`` (500, 502, 503, 504) and **read timeouts /
  broken connections** only for idempotent methods (GET, HEAD, OPTIONS,
  PUT, DELETE, TRACE), unless ``retry_non_idempotent`` opts POST/PATCH in.

The delay before the next attempt is the server's ``Retry-After`` when it
sent one (delta-seconds or an HTTP-date), else exponential backoff
``backoff_factor * backoff_base ** (attempt - 1)`` capped at
``backoff_max`` and multiplied by a random jitter factor from
``[jitter_min, jitter_max]``.  A ``Retry-After`` longer than
``retry_after_max`` fails fast instead of sleeping, and no retry may end
beyond ``total_deadline`` seconds after the first attempt started.
"""

from __future__ import annotations

import email.utils
import enum
import math
import random
from dataclasses import dataclass, field, replace
from datetime import UTC

__all__ = [
    "DEFAULT_RETRY_STATUSES",
    "IDEMPOTENT_METHODS",
    "GiveUpReason",
    "RetryEvent",
    "RetryExhausted",
    "RetryPolicy",
    "TransportFailure",
    "parse_retry_after",
]

IDEMPOTENT_METHODS = frozenset({"GET", "HEAD", "OPTIONS", "PUT", "DELETE", "TRACE"})
DEFAULT_RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})


class TransportFailure(enum.Enum):
    """How a request failed without an HTTP response."""

    CONNECT = "connect"
    """Never reached the server (connect error/timeout, pool timeout): safe for any method."""
    TIMEOUT = "timeout"
    """Read or write timeout: the server may have acted."""
    BROKEN = "broken"
    """The connection broke mid-exchange: the server may have acted."""
    UNRECOVERABLE = "unrecoverable"
    """The request cannot be made as built (protocol, scheme, decoding): retrying cannot help."""


class GiveUpReason(enum.Enum):
    """Why :meth:`RetryPolicy.increment` refused another attempt."""

    NOT_RETRYABLE = "not retryable"
    ATTEMPTS = "attempts exhausted"
    RETRY_AFTER_TOO_LONG = "Retry-After too long"
    DEADLINE = "total deadline"


@dataclass(frozen=True, slots=True)
class RetryEvent:
    """One failed attempt in a policy's history and the delay chosen after it."""

    method: str
    url: str
    status: int | None
    failure: TransportFailure | None
    delay: float
    retry_after: float | None = None


class RetryExhausted(Exception):
    """Signal from :meth:`RetryPolicy.increment`: do not retry; raise the classified error.

    Like urllib3's ``MaxRetryError(reason)``, it carries everything the one
    give-up point needs: ``policy`` is the state when giving up (its
    ``attempt`` is the number of attempts made); ``status``/``failure`` the
    outcome that was refused; ``retry_after`` the server's wish on that outcome
    and ``delay`` the wait that was refused.
    """

    def __init__(
        self,
        reason: GiveUpReason,
        policy: RetryPolicy,
        *,
        delay: float | None = None,
        retry_after: float | None = None,
        status: int | None = None,
        failure: TransportFailure | None = None,
    ) -> None:
        super().__init__(reason.value)
        self.reason = reason
        self.policy = policy
        self.delay = delay
        self.retry_after = retry_after
        self.status = status
        self.failure = failure

    def note(self, method: str) -> str | None:
        """The error message's note, or None where nobody expects a retry (e.g. a 404)."""
        if self.failure is TransportFailure.UNRECOVERABLE:
            return "not retried: retrying cannot help"
        if self.reason is not GiveUpReason.NOT_RETRYABLE:
            return self.describe(method)
        retryable_kind = self.failure is not None or self.status in self.policy.retry_statuses
        return self.describe(method) if retryable_kind else None

    def describe(self, method: str) -> str:
        """A short sentence for the error message: why there was no (further) retry."""
        p = self.policy
        if self.reason is GiveUpReason.NOT_RETRYABLE:
            if method.upper() not in IDEMPOTENT_METHODS and not p.retry_non_idempotent:
                return f"not retried: {method.upper()} is not idempotent"
            return "not retried"
        if self.reason is GiveUpReason.ATTEMPTS:
            return f"gave up after {p.attempt} attempt(s)"
        if self.reason is GiveUpReason.RETRY_AFTER_TOO_LONG:
            return (
                f"the server asked to retry after {self.retry_after:g}s, more than the "
                f"allowed {p.retry_after_max:g}s; failing fast after {p.attempt} attempt(s)"
            )
        return (
            f"gave up after {p.attempt} attempt(s): waiting {self.delay:.1f}s more would pass "
            f"the total deadline of {p.total_deadline:g}s"
        )


@dataclass(frozen=True, slots=True)
class RetryPolicy:
    """How to retry one request, and (``attempt``, ``history``) how far it got."""

    max_attempts: int = 5
    backoff_factor: float = 1.0
    backoff_base: float = 2.0
    backoff_max: float = 60.0
    jitter_min: float = 0.8
    jitter_max: float = 1.2
    retry_after_max: float = 300.0
    total_deadline: float | None = 600.0
    retry_statuses: frozenset[int] = DEFAULT_RETRY_STATUSES
    retry_non_idempotent: bool = False
    attempt: int = 1
    history: tuple[RetryEvent, ...] = field(default=(), compare=False)

    def __post_init__(self) -> None:
        _check(self.max_attempts >= 1, "max_attempts must be at least 1", self.max_attempts)
        _check(self.backoff_factor >= 0, "backoff_factor must be >= 0", self.backoff_factor)
        _check(self.backoff_base >= 1, "backoff_base must be >= 1", self.backoff_base)
        _check(self.backoff_max >= 0, "backoff_max must be >= 0", self.backoff_max)
        _check(
            0 < self.jitter_min <= self.jitter_max,
            "need 0 < jitter_min <= jitter_max",
            (self.jitter_min, self.jitter_max),
        )
        _check(self.retry_after_max >= 0, "retry_after_max must be >= 0", self.retry_after_max)
        deadline_ok = self.total_deadline is None or self.total_deadline > 0
        _check(deadline_ok, "total_deadline must be > 0 or None", self.total_deadline)

    # --- decisions -------------------------------------------------------------

    def is_retryable(
        self, method: str, *, status: int | None = None, failure: TransportFailure | None = None
    ) -> bool:
        """Whether this outcome may be retried at all (ignoring attempts and time)."""
        if failure is TransportFailure.UNRECOVERABLE:
            return False
        if failure is TransportFailure.CONNECT or (status == 429 and 429 in self.retry_statuses):
            return True
        safe = method.upper() in IDEMPOTENT_METHODS or self.retry_non_idempotent
        if failure is not None:
            return safe
        return status is not None and status in self.retry_statuses and safe

    def increment(
        self,
        method: str,
        url: str,
        *,
        rng: random.Random,
        status: int | None = None,
        failure: TransportFailure | None = None,
        retry_after: float | None = None,
        elapsed: float = 0.0,
    ) -> RetryPolicy:
        """The state for the next attempt; its last history event holds the delay to sleep.

        Raises :class:`RetryExhausted` when the outcome is not retryable, the
        attempts are used up, ``retry_after`` exceeds ``retry_after_max``, or
        the delay would end beyond ``total_deadline`` (``elapsed`` is the time
        since the first attempt started).
        """

        def give_up(reason: GiveUpReason, delay: float | None = None) -> RetryExhausted:
            return RetryExhausted(
                reason, self, delay=delay, retry_after=retry_after, status=status, failure=failure
            )

        if not self.is_retryable(method, status=status, failure=failure):
            raise give_up(GiveUpReason.NOT_RETRYABLE)
        if retry_after is not None and retry_after > self.retry_after_max:
            raise give_up(GiveUpReason.RETRY_AFTER_TOO_LONG)
        if self.attempt >= self.max_attempts:
            raise give_up(GiveUpReason.ATTEMPTS)
        delay = retry_after if retry_after is not None else self.delay_for(self.attempt, rng)
        if self.total_deadline is not None and elapsed + delay > self.total_deadline:
            raise give_up(GiveUpReason.DEADLINE, delay)
        event = RetryEvent(method.upper(), url, status, failure, delay, retry_after)
        return replace(self, attempt=self.attempt + 1, history=(*self.history, event))

    def reset(self) -> RetryPolicy:
        """The same configuration with fresh state (attempt 1, no history)."""
        return replace(self, attempt=1, history=())

    # --- delays ----------------------------------------------------------------

    def backoff_for(self, attempt: int) -> float:
        """The delay after failed attempt ``attempt`` (1-based) before jitter, capped."""
        exponent = max(attempt - 1, 0)
        try:
            raw = self.backoff_factor * self.backoff_base**exponent
        except OverflowError:
            return self.backoff_max
        return min(raw, self.backoff_max) if math.isfinite(raw) else self.backoff_max

    def delay_for(self, attempt: int, rng: random.Random) -> float:
        """The jittered backoff after failed attempt ``attempt`` (1-based)."""
        return self.backoff_for(attempt) * rng.uniform(self.jitter_min, self.jitter_max)

    @property
    def last_delay(self) -> float:
        """The delay chosen by the latest ``increment()`` (0 before any)."""
        return self.history[-1].delay if self.history else 0.0

    @staticmethod
    def parse_retry_after(value: str | None, now: float) -> float | None:
        """See :func:`parse_retry_after`."""
        return parse_retry_after(value, now)


def parse_retry_after(value: str | None, now: float) -> float | None:
    """Seconds to wait from a ``Retry-After`` value, or None if absent or invalid.

    Accepts delta-seconds (``"120"``, leniently ``"1.5"``) and an HTTP-date
    (``"Wed, 21 Oct 2015 07:28:00 GMT"``), relative to ``now`` (wall-clock
    seconds since the epoch).  A date in the past means 0.  Garbage,
    negative numbers and NaN/inf are ignored rather than raising.
    """
    if value is None:
        return None
    text = value.strip()
    if not text:
        return None
    try:
        seconds = float(text)
    except ValueError:
        return _retry_after_date(text, now)
    if not math.isfinite(seconds) or seconds < 0:
        return None
    return seconds


def _retry_after_date(text: str, now: float) -> float | None:
    try:
        when = email.utils.parsedate_to_datetime(text)
    except (TypeError, ValueError, IndexError, OverflowError):
        return None
    if when.tzinfo is None:  # "-0000" parses naive; RFC 9110 dates are GMT anyway
        when = when.replace(tzinfo=UTC)
    return max(0.0, when.timestamp() - now)


def _check(ok: bool, message: str, value: object) -> None:
    if not ok:
        raise ValueError(f"RetryPolicy: {message}, got {value!r}")
