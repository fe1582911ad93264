"""``RestClient``: one resilient request pipeline over ``httpx``.

Every request runs the same steps, in this order (see :meth:`RestClient._execute`):

1. **validate** — method known; URL absolute, or relative to ``base_url``;
2. **gate** — wait out the host's cool-down (a 429 ``Retry-After`` seen by any
   thread), then take a token from the rate limiter;
3. **breaker check** — the host's circuit breaker may refuse (``CircuitOpenError``);
4. **send** — through a pooled ``httpx.Client`` leased for (origin, auth
   identity), with ``auth=`` (the ``httpx.Auth`` handles 401 re-auth), under
   the optional per-host concurrency cap; the outcome is reported to the breaker;
5. **classify** — success (< 400) returns; otherwise the outcome is an error;
6. **retry or raise** — :meth:`RetryPolicy.increment` says how long to sleep
   (and a 429/503 ``Retry-After`` closes the host's cool-down gate for all
   threads), or gives up and the classified :class:`~txo.errors.ApiError` is raised;
7. **202 polling** — a ``202 Accepted`` with ``Location`` is followed to its result.

Steps 2-6 repeat per attempt: the rate limiter and breaker see every attempt.
``paginate``/``get_all`` follow ``@odata.nextLink``; links and 202 monitors on
another origin (scheme, host, port) are fetched **without** ``auth`` and
without any ``Authorization`` header.

Thread-safe: all mutable state lives in the injected, locked collaborators.
"""

from __future__ import annotations

import logging
import random
import re
from collections.abc import Iterator, Mapping
from contextlib import AbstractContextManager, nullcontext
from dataclasses import dataclass
from types import TracebackType
from typing import Any

import httpx

from txo.clock import Clock, SystemClock
from txo.errors import ApiError, ErrorContext, ValidationError
from txo.http.breaker import BreakerRegistry, CallOutcome, CircuitBreaker, Permit
from txo.http.classify import (
    TextRedactor,
    display_url,
    error_for_response,
    error_for_transport,
    json_body,
    redact,
    transport_failure,
)
from txo.http.paging import iterate_items
from txo.http.polling import wait_for_completion
from txo.http.pool import CertSetting, SessionPool, VerifySetting
from txo.http.ratelimit import ConcurrencyLimiter, HostCooldown, RateLimiter
from txo.http.retry import (
    GiveUpReason,
    RetryExhausted,
    RetryPolicy,
    TransportFailure,
    parse_retry_after,
)

__all__ = ["DEFAULT_HEADERS", "METHODS", "RestClient"]

logger = logging.getLogger(__name__)
request_logger = logging.getLogger("txo.http.requests")
"""One DEBUG line per response, only when this logger's own level is set (opt-in)."""

METHODS = frozenset({"GET", "POST", "PUT", "PATCH", "DELETE", "HEAD", "OPTIONS"})
DEFAULT_HEADERS: Mapping[str, str] = {"Accept": "application/json"}
ANONYMOUS = "anonymous"
_DEFAULT_PORTS = {"http": 80, "https": 443}
_COOLDOWN_STATUSES = frozenset({429, 503})
_MIN_ATTEMPT_TIMEOUT = 0.1  # seconds: an attempt near the deadline still gets a real timeout
_ABSOLUTE = re.compile(r"^[A-Za-z][A-Za-z0-9+.-]*://")


@dataclass(frozen=True, slots=True)
class _Call:
    """One validated request, ready to send (possibly several times)."""

    method: str
    url: httpx.URL
    origin: str
    headers: Mapping[str, str]
    json: Any = None
    content: bytes | None = None
    send_auth: bool = True


@dataclass(frozen=True, slots=True)
class _Ticket:
    """The breaker that admitted an attempt, and its permit: report the outcome here."""

    breaker: CircuitBreaker
    permit: Permit

    def report(self, outcome: CallOutcome) -> None:
        self.breaker.record(self.permit, outcome)


@dataclass(frozen=True, slots=True)
class _Attempt:
    """What one attempt produced: a response, or the transport error instead."""

    response: httpx.Response | None
    error: httpx.RequestError | None = None

    @property
    def ok(self) -> bool:
        return self.response is not None and self.response.status_code < 400

    @property
    def failure(self) -> TransportFailure | None:
        """How a transport error bears on retrying (None when there was a response)."""
        if self.error is None:
            return None
        return transport_failure(self.error) or TransportFailure.UNRECOVERABLE


class RestClient:
    """A resilient JSON REST/OData client; a context manager.

    Args:
        base_url: prefix for relative URLs ("" → every URL must be absolute).
        pool: a shared :class:`SessionPool`; None → a private one, closed by :meth:`close`.
        owns_pool: whether :meth:`close` closes the pool; default: only a private one.
            Pooled clients are keyed by (origin, auth identity) and carry only the
            ``transport``: headers, timeout and auth are applied per request.
        auth: an ``httpx.Auth`` (e.g. ``ClientCredentialsAuth``), applied per request.
        auth_identity: the pool key's identity; default: ``auth.auth_identity`` if the auth
            object has one, else a per-object id ("anonymous" without auth). Never a secret.
        headers: default headers (merged over ``Accept: application/json``).
        retry: the :class:`RetryPolicy` template.
        rate_limiter: anything with ``acquire() -> float`` (a :class:`TokenBucket`), or None.
        cooldown: the per-host :class:`HostCooldown` gate; None → a private one.
        concurrency: optional per-host :class:`ConcurrencyLimiter`.
        breakers: optional :class:`BreakerRegistry` (None → no circuit breaking).
        timeout: per-request timeout in seconds.
        poll_interval / poll_max_wait: 202 polling fallback interval and overall limit.
        max_pages: default page cap for :meth:`paginate` / :meth:`get_all`.
        clock / rng: injected time and jitter randomness.
        transport: the ``httpx.BaseTransport`` for new pooled clients (tests: MockTransport).
        verify / cert: TLS verification (True, False or a CA bundle path) and client
            certificate; pooled clients share the pool's one SSL context per setting.
        redactor: the run's redactor (``txo.log.Redactor``) for every text this client
            renders (error messages, body excerpts, repr); None → generic masking only.
    """

    def __init__(
        self,
        base_url: str = "",
        *,
        pool: SessionPool | None = None,
        owns_pool: bool | None = None,
        auth: httpx.Auth | None = None,
        auth_identity: str | None = None,
        headers: Mapping[str, str] | None = None,
        retry: RetryPolicy | None = None,
        rate_limiter: RateLimiter | None = None,
        cooldown: HostCooldown | None = None,
        concurrency: ConcurrencyLimiter | None = None,
        breakers: BreakerRegistry | None = None,
        timeout: float = 60.0,
        poll_interval: float = 5.0,
        poll_max_wait: float = 300.0,
        max_pages: int = 1000,
        clock: Clock | None = None,
        rng: random.Random | None = None,
        transport: httpx.BaseTransport | None = None,
        redactor: TextRedactor | None = None,
        verify: VerifySetting = True,
        cert: CertSetting = None,
    ) -> None:
        self._base = base_url.rstrip("/")
        self._owns_pool = pool is None if owns_pool is None else owns_pool
        self._pool = pool if pool is not None else SessionPool()
        self._auth = auth
        self._identity = auth_identity or _identity_of(auth)
        self._headers = {**DEFAULT_HEADERS, **(headers or {})}
        self._retry = (retry or RetryPolicy()).reset()
        self._clock: Clock = clock if clock is not None else SystemClock()
        self._rate_limiter = rate_limiter
        self._cooldown = cooldown if cooldown is not None else HostCooldown(self._clock)
        self._concurrency = concurrency
        self._breakers = breakers
        self._timeout_seconds = float(timeout)
        self._timeout = httpx.Timeout(timeout)
        self.poll_interval, self.poll_max_wait = poll_interval, poll_max_wait
        self.max_pages = max_pages
        self._rng = rng if rng is not None else random.Random()
        self._transport = transport
        self._tls = (verify, cert)
        self._redactor = redactor
        self._closed = False

    def __repr__(self) -> str:
        text = f"RestClient(base_url={self._base!r}, identity={self._identity!r})"
        return redact(text, self._redactor)

    @property
    def base_url(self) -> str:
        return self._base

    @property
    def auth_identity(self) -> str:
        return self._identity

    @property
    def retry(self) -> RetryPolicy:
        return self._retry

    @property
    def pool(self) -> SessionPool:
        return self._pool

    # --- public API ---------------------------------------------------------------

    def request(
        self,
        method: str,
        url: str | httpx.URL,
        *,
        params: Mapping[str, Any] | None = None,
        json: Any = None,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        etag: str | None = None,
        poll: bool = True,
    ) -> httpx.Response:
        """Run the pipeline; return the final response (after 202 polling if ``poll``)."""
        call = self._call(method, url, params, headers, etag, json=json, content=content)
        response = self._execute(call)
        if poll and response.status_code == 202:
            response = self._poll(response, call)
        return response

    def get(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        *,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """GET and return the parsed JSON (None for 204/empty)."""
        return self._json(self.request("GET", url, params=params, headers=headers))

    def post(self, url: str, json: Any = None, *, headers: Mapping[str, str] | None = None) -> Any:
        return self._json(self.request("POST", url, json=json, headers=headers))

    def put(self, url: str, json: Any = None, *, headers: Mapping[str, str] | None = None) -> Any:
        return self._json(self.request("PUT", url, json=json, headers=headers))

    def patch(
        self,
        url: str,
        json: Any = None,
        *,
        etag: str | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Any:
        """PATCH; ``etag`` is sent as ``If-Match`` (optimistic concurrency)."""
        return self._json(self.request("PATCH", url, json=json, etag=etag, headers=headers))

    def delete(
        self, url: str, *, etag: str | None = None, headers: Mapping[str, str] | None = None
    ) -> Any:
        """DELETE; ``etag`` is sent as ``If-Match``.  Usually returns None (204)."""
        return self._json(self.request("DELETE", url, etag=etag, headers=headers))

    def paginate(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        *,
        max_pages: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> Iterator[Any]:
        """Yield the items of every page, following ``@odata.nextLink``.

        Items are returned as the server sent them (``@odata.etag`` kept).
        A repeating link or more than ``max_pages`` pages raises
        ``ApiOperationError`` (after yielding what was fetched).
        """
        first = self._call("GET", url, params, headers, None)

        def fetch(page_url: httpx.URL) -> Any:
            return self._json(self._execute(self._follow(first, "GET", page_url)))

        return iterate_items(fetch, first.url, max_pages=max_pages or self.max_pages)

    def get_all(
        self,
        url: str,
        params: Mapping[str, Any] | None = None,
        *,
        max_pages: int | None = None,
        headers: Mapping[str, str] | None = None,
    ) -> list[Any]:
        """Every item of every page as a list — all of them, or an error."""
        return list(self.paginate(url, params, max_pages=max_pages, headers=headers))

    def close(self) -> None:
        """Close the private pool (a shared pool is left to its owner)."""
        if not self._closed:
            self._closed = True
            if self._owns_pool:
                self._pool.close()

    def __enter__(self) -> RestClient:
        return self

    def __exit__(
        self,
        exc_type: type[BaseException] | None,
        exc: BaseException | None,
        tb: TracebackType | None,
    ) -> None:
        self.close()

    # --- the pipeline ---------------------------------------------------------------

    def _execute(self, call: _Call) -> httpx.Response:
        """Gate → breaker → send → classify → retry or return, until done."""
        policy = self._retry
        started = self._clock.monotonic()
        deadline = None if policy.total_deadline is None else started + policy.total_deadline
        while True:
            self._wait_turn(call.origin)
            ticket = self._check_breaker(call.origin)
            timeout = self._attempt_timeout(policy, started)
            outcome = self._send(call, ticket, timeout, deadline)
            if outcome.ok:
                assert outcome.response is not None
                return outcome.response
            policy = self._next_attempt(call, policy, outcome, started)
            if policy.last_delay > 0:
                self._clock.sleep(policy.last_delay)

    def _wait_turn(self, origin: str) -> None:
        self._cooldown.wait(origin)
        if self._rate_limiter is not None:
            self._rate_limiter.acquire()

    def _check_breaker(self, origin: str) -> _Ticket | None:
        if self._breakers is None:
            return None
        breaker = self._breakers.get(origin)
        return _Ticket(breaker, breaker.acquire())

    def _attempt_timeout(self, policy: RetryPolicy, started: float) -> httpx.Timeout:
        """The request timeout, shortened so the attempt cannot outlive the total deadline."""
        if policy.total_deadline is None:
            return self._timeout
        remaining = policy.total_deadline - (self._clock.monotonic() - started)
        if remaining >= self._timeout_seconds:
            return self._timeout
        return httpx.Timeout(max(remaining, _MIN_ATTEMPT_TIMEOUT))

    def _send(
        self,
        call: _Call,
        ticket: _Ticket | None,
        timeout: httpx.Timeout,
        deadline: float | None,
    ) -> _Attempt:
        """One attempt; its outcome is reported to the breaker whatever happens."""
        verdict = CallOutcome.NEUTRAL
        try:
            with self._slot(call.origin), self._lease(call) as session:
                request = session.build_request(
                    call.method, call.url, headers=call.headers, json=call.json,
                    content=call.content, timeout=timeout,
                )  # fmt: skip
                auth = self._auth if call.send_auth else None
                response = session.send(request, auth=auth, follow_redirects=False, stream=True)
                _read_by(response, deadline, self._clock)
            verdict = CallOutcome.of_status(response.status_code)
            _log_response(call, response)
            return _Attempt(response)
        except httpx.RequestError as exc:
            if isinstance(exc, httpx.TransportError):
                verdict = CallOutcome.FAILURE
            return _Attempt(None, exc)
        finally:
            if ticket is not None:
                ticket.report(verdict)

    def _next_attempt(
        self, call: _Call, policy: RetryPolicy, outcome: _Attempt, started: float
    ) -> RetryPolicy:
        """The next retry state (after closing the cool-down gate), or raise the error."""
        status, retry_after = self._status_and_retry_after(outcome)
        self._cool_down(call.origin, policy, status, retry_after)
        try:
            policy = policy.increment(
                call.method, str(call.url), rng=self._rng, status=status,
                failure=outcome.failure, retry_after=retry_after,
                elapsed=self._clock.monotonic() - started,
            )  # fmt: skip
        except RetryExhausted as stop:
            raise self._give_up(call, outcome, stop) from outcome.error
        _log_retry(call, policy, status, outcome.error)
        return policy

    def _cool_down(
        self, origin: str, policy: RetryPolicy, status: int | None, retry_after: float | None
    ) -> None:
        """A 429/503 with an acceptable Retry-After pauses the host for every thread.

        Whether or not this call retries: a final attempt's 429 still tells the
        server's wish to the next call.  A Retry-After beyond ``retry_after_max``
        fails fast instead and parks nobody.
        """
        if status not in _COOLDOWN_STATUSES or retry_after is None:
            return
        if retry_after <= policy.retry_after_max:
            self._cooldown.pause(origin, retry_after)

    def _give_up(self, call: _Call, outcome: _Attempt, stop: RetryExhausted) -> ApiError:
        """The one place giving up happens: the policy's reason becomes the classified error."""
        attempts, note = stop.policy.attempt, stop.note(call.method)
        if outcome.response is not None:
            too_long = stop.reason is GiveUpReason.RETRY_AFTER_TOO_LONG
            return error_for_response(
                outcome.response, note=note, attempts=attempts,
                retry_after=stop.retry_after, rate_limited=too_long, redactor=self._redactor,
            )  # fmt: skip
        assert outcome.error is not None
        return error_for_transport(
            outcome.error, method=call.method, url=call.url, note=note, attempts=attempts,
            redactor=self._redactor,
        )  # fmt: skip

    def _poll(self, accepted: httpx.Response, call: _Call) -> httpx.Response:
        def send(url: httpx.URL) -> httpx.Response:
            return self._execute(self._follow(call, "GET", url))

        return wait_for_completion(
            accepted,
            send,
            clock=self._clock,
            interval=self.poll_interval,
            max_wait=self.poll_max_wait,
        )

    # --- helpers ----------------------------------------------------------------------

    def _call(
        self,
        method: str,
        url: str | httpx.URL,
        params: Mapping[str, Any] | None,
        headers: Mapping[str, str] | None,
        etag: str | None,
        **body: Any,
    ) -> _Call:
        """Step 1, validate: a known method and an absolute http(s) URL."""
        verb = _validate_method(method)
        target = self._resolve(url)
        if params:
            target = target.copy_merge_params(dict(params))
        merged = {**self._headers, **(headers or {})}
        if etag is not None:
            merged["If-Match"] = etag
        return _Call(verb, target, _origin(target), merged, **body)

    def _follow(self, origin_call: _Call, method: str, url: httpx.URL) -> _Call:
        """A call to a server-given link: auth only if it stays on the same origin."""
        origin = _origin(url)
        same = origin == origin_call.origin and origin_call.send_auth
        headers = dict(origin_call.headers)
        headers.pop("If-Match", None)
        if not same:
            headers = {k: v for k, v in headers.items() if k.lower() != "authorization"}
            logger.debug("Following a link to %s without credentials", origin)
        return _Call(method, url, origin, headers, send_auth=same)

    def _resolve(self, url: str | httpx.URL) -> httpx.URL:
        text = str(url)
        if self._base and not _ABSOLUTE.match(text):
            url = f"{self._base}/{text.lstrip('/')}"  # one parse instead of two
        try:
            target = httpx.URL(url)
        except httpx.InvalidURL as exc:
            raise _bad_url(str(url), str(exc)) from exc
        if target.is_relative_url:
            raise _bad_url(text, "it is a relative URL and the client has no base_url")
        if target.scheme not in _DEFAULT_PORTS or not target.host:
            raise _bad_url(text, "only absolute http(s) URLs with a host can be requested")
        return target

    def _lease(self, call: _Call) -> AbstractContextManager[httpx.Client]:
        identity = self._identity if call.send_auth and self._auth is not None else ANONYMOUS
        return self._pool.lease((call.origin, identity), self.new_session)

    def new_session(self) -> httpx.Client:
        """The session factory the pool calls for a new (origin, identity) key.

        The injected transport, or the default one on the pool's shared SSL
        context.  Headers, timeout and auth are applied per request.
        """
        if self._transport is not None:
            return httpx.Client(transport=self._transport, timeout=self._timeout)
        context = self._pool.ssl_context(*self._tls)
        return httpx.Client(verify=context, timeout=self._timeout)

    def _slot(self, origin: str) -> AbstractContextManager[None]:
        return nullcontext() if self._concurrency is None else self._concurrency.slot(origin)

    def _json(self, response: httpx.Response) -> Any:
        return json_body(response, self._redactor)

    def _status_and_retry_after(self, outcome: _Attempt) -> tuple[int | None, float | None]:
        if outcome.response is None:
            return None, None
        header = outcome.response.headers.get("retry-after")
        return outcome.response.status_code, parse_retry_after(header, self._clock.time())


# --- module helpers (pure) -------------------------------------------------------------


def _identity_of(auth: httpx.Auth | None) -> str:
    if auth is None:
        return ANONYMOUS
    identity = getattr(auth, "auth_identity", None)
    if isinstance(identity, str) and identity:
        return identity
    return f"{type(auth).__name__}@{id(auth):x}"


def _origin(url: httpx.URL) -> str:
    port = url.port or _DEFAULT_PORTS.get(url.scheme, 0)
    return f"{url.scheme}://{url.host}:{port}"


def _read_by(response: httpx.Response, deadline: float | None, clock: Clock) -> None:
    """Read the body, but end the attempt at ``deadline`` however slowly it trickles in.

    httpx's timeouts bound each read, not the whole exchange: a server sending
    a byte now and then would hold the call for ever.  The deadline is checked
    after every chunk, so an attempt ends at most one read past it.
    """
    if deadline is not None:
        response.stream = _DeadlineStream(response, deadline, clock)
    try:
        response.read()
    except BaseException:
        response.close()
        raise


class _DeadlineStream(httpx.SyncByteStream):
    """A response's byte stream that raises ``ReadTimeout`` once the deadline has passed."""

    __slots__ = ("_clock", "_deadline", "_inner", "_request")

    def __init__(self, response: httpx.Response, deadline: float, clock: Clock) -> None:
        stream = response.stream
        assert isinstance(stream, httpx.SyncByteStream)
        self._inner, self._request = stream, response.request
        self._deadline, self._clock = deadline, clock

    def __iter__(self) -> Iterator[bytes]:
        for chunk in self._inner:
            if self._clock.monotonic() > self._deadline:
                raise httpx.ReadTimeout(
                    "the response was still arriving at the total deadline", request=self._request
                )
            yield chunk

    def close(self) -> None:
        self._inner.close()


def _validate_method(method: str) -> str:
    verb = method.upper()
    if verb not in METHODS:
        raise ValidationError(
            f"Unsupported HTTP method {method!r}.",
            f"Use one of: {', '.join(sorted(METHODS))}.",
            'client.request("GET", "companies")',
            field="method",
        )
    return verb


def _bad_url(url: str, why: str) -> ValidationError:
    return ValidationError(
        f"Cannot request {url!r}: {why}.",
        "Pass an absolute http(s) URL, or a path relative to the client's base_url.",
        'RestClient("https://api.example.com/v2.0").get("companies")',
        field="url",
        context=ErrorContext(operation="validate request", resource=url),
    )


def _log_response(call: _Call, response: httpx.Response) -> None:
    """A line per response, opt-in: set ``txo.http.requests`` to DEBUG to trace every call.

    Inheriting DEBUG is not enough: a migrated script's logging config puts the
    root logger and a rotating file at DEBUG, and a record per request through
    that handler (format, redact, write) was the pipeline's largest cost — as
    v2.1 scripts quieted urllib3's per-request lines, this one is quiet unless
    asked for.  Retries (WARNING) and errors are reported regardless.
    """
    level = request_logger.level
    if level and level <= logging.DEBUG and request_logger.isEnabledFor(logging.DEBUG):
        request_logger.debug(
            "%s %s -> %d", call.method, display_url(call.url), response.status_code
        )


def _log_retry(
    call: _Call, policy: RetryPolicy, status: int | None, error: httpx.RequestError | None
) -> None:
    what = f"HTTP {status}" if status is not None else type(error).__name__
    logger.warning(
        "%s %s: %s; retrying in %.1fs (attempt %d of %d)",
        call.method,
        display_url(call.url),
        what,
        policy.last_delay,
        policy.attempt,
        policy.max_attempts,
    )
