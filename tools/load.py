"""A load scenario: N requests from M threads through ``RestClient`` against the fake API.

``python -m tools.load --requests 10000 --threads 8`` serves
:class:`~txo.testing.fake_bc.FakeBusinessCentral` on a 127.0.0.1 loopback
socket and drives GETs through one fully configured :class:`RestClient`
(OAuth client credentials, session pool, token-bucket rate limit, host
cool-down, circuit breakers, retries).  While it runs, the fake answers
every ``--throttle-every``-th request with a 429 + ``Retry-After`` and every
``--fail-every``-th with a 503, and once, half-way, a short outage (every
API request answered 503 for ``outage_seconds``) trips the host's breaker:
a request refused while it is open fails fast with ``CircuitOpenError``
(counted as an error) and its worker waits, as a well-behaved script
would, until the breaker's ``retry_at`` (``--breaker-reset`` seconds after
it opened).  Requests whose retries run out in the outage are errors too.

A progress bar is drawn on stderr when it is a terminal; at the end a table
gives throughput, p50/p95/p99 latency, retries, 429s served and honoured
(the host's cool-down gate closed for every thread), breaker trips, errors
by kind and the peak RSS.  ``--memray FILE`` records the run with
``memray.Tracker``; ``--json FILE`` writes the numbers for other tools.

Everything is bounded: the request count, ``--max-seconds`` (workers stop
taking requests after it) and the loopback server's own budget.
"""

from __future__ import annotations

import argparse
import contextlib
import json
import logging
import os
import resource
import sys
import threading
import time
from array import array
from collections import Counter
from collections.abc import Iterator, Sequence
from dataclasses import asdict, dataclass, field
from pathlib import Path
from typing import Any, TextIO

import httpx

from txo.errors import CircuitOpenError
from txo.http import BreakerRegistry, HostCooldown, RestClient, RetryPolicy, TokenBucket
from txo.http.auth import ClientCredentialsAuth, TokenCache
from txo.http.pool import SessionPool
from txo.http.ratelimit import RateLimiter
from txo.testing.fake_bc import DEFAULT_SCOPE, FakeBusinessCentral
from txo.testing.server import LoopbackServer

__all__ = ["LoadResult", "LoadSettings", "build_client", "format_table", "main", "run_load"]

LEGACY_CONFIG = Path(__file__).resolve().parents[1] / "migration" / "legacy" / "config"
_BAR_WIDTH = 30
_MIN_BREAKER_WAIT = 0.01  # half-open with a trial call in flight: retry_at is "now"
_MAX_BREAKER_WAIT = 1.0


@dataclass(frozen=True, slots=True)
class LoadSettings:
    """What to run; the defaults are a ~10 s scenario on a small machine."""

    requests: int = 2_000
    threads: int = 8
    rate: float = 5_000.0
    throttle_every: int = 97
    fail_every: int = 53
    retry_after: float = 0.05
    outage: bool = True
    breaker_threshold: int = 5
    breaker_reset: float = 0.05
    outage_seconds: float = 0.1
    max_seconds: float = 120.0
    script_logging: bool = True  # as a script runs: a project's v2.1 logging and pattern files

    def __post_init__(self) -> None:
        if self.requests < 1 or self.threads < 1:
            raise ValueError("requests and threads must be at least 1")
        if self.throttle_every < 1 or self.fail_every < 1:
            raise ValueError("throttle_every and fail_every must be at least 1")
        if not 0 < self.max_seconds <= 3600:
            raise ValueError("max_seconds must be in (0, 3600]")


@dataclass(frozen=True, slots=True)
class LoadResult:
    """The numbers a run produced (times in seconds, memory in KiB)."""

    settings: LoadSettings
    completed: int
    succeeded: int
    errors: dict[str, int]
    elapsed: float
    throughput: float
    p50: float
    p95: float
    p99: float
    retries: int
    server_requests: int
    throttled_served: int
    throttles_honoured: int
    breaker_trips: int
    peak_rss_kib: int

    def to_json(self) -> dict[str, Any]:
        return asdict(self)


def build_client(
    fake: FakeBusinessCentral,
    server_url: str,
    *,
    pool: SessionPool,
    rate_limiter: RateLimiter | None = None,
    cooldown: HostCooldown | None = None,
    breakers: BreakerRegistry | None = None,
    retry: RetryPolicy | None = None,
) -> RestClient:
    """A RestClient with every pipeline stage on, talking to ``fake`` at ``server_url``."""
    auth = ClientCredentialsAuth(
        tenant_id=fake.tenant_id,
        client_id=fake.client_id,
        client_secret=fake.client_secret,
        scope=DEFAULT_SCOPE,
        cache=TokenCache(),
        authority=server_url,
    )
    if breakers is None:  # not ``or``: an empty registry is falsy (it has a __len__)
        breakers = BreakerRegistry(failure_threshold=5, reset_timeout=1.0)
    return RestClient(
        fake.api_root(server_url),
        pool=pool,
        auth=auth,
        retry=retry if retry is not None else RetryPolicy(max_attempts=3, backoff_factor=0.01),
        rate_limiter=rate_limiter if rate_limiter is not None else TokenBucket(1e9, 1e9),
        cooldown=cooldown,
        breakers=breakers,
        timeout=10.0,
    )


# --- counting what the pipeline did ---------------------------------------------------


class _EventCounter(logging.Handler):
    """Counts the pipeline's own log events: retries and breaker openings."""

    def __init__(self) -> None:
        super().__init__(logging.INFO)
        self.counts: Counter[str] = Counter()

    def emit(self, record: logging.LogRecord) -> None:
        if record.name == "txo.http.client" and "retrying" in str(record.msg):
            self.counts["retries"] += 1
        elif record.name == "txo.http.breaker" and record.args:
            args = record.args if isinstance(record.args, tuple) else ()
            if args and args[-1] == "open":
                self.counts["breaker_trips"] += 1


class _CountingCooldown(HostCooldown):
    """A HostCooldown that counts how often the gate was closed (429 Retry-After honoured)."""

    def __init__(self) -> None:
        super().__init__()
        self._count_lock = threading.Lock()
        self.pauses = 0

    def pause(self, host: str, seconds: float) -> float:
        with self._count_lock:
            self.pauses += 1
        return super().pause(host, seconds)


@contextlib.contextmanager
def _counting_events() -> Iterator[_EventCounter]:
    counter = _EventCounter()
    http_logger = logging.getLogger("txo.http")
    old_level = http_logger.level
    http_logger.addHandler(counter)
    http_logger.setLevel(logging.INFO)
    try:
        yield counter
    finally:
        http_logger.removeHandler(counter)
        http_logger.setLevel(old_level)


@contextlib.contextmanager
def _script_logging(enabled: bool) -> Iterator[None]:
    """Logging as ``run_script`` sets it up in a migrated project: the legacy corpus's own
    ``logging-config.json`` and ``log-redaction-patterns.json``, console and daily file,
    a registered secret; the console goes to the null device, the file to a temp folder."""
    if not enabled:
        yield
        return
    import shutil
    import tempfile

    from txo.log import SecretRegistry, setup_logging
    from txo.paths import ProjectPaths

    with tempfile.TemporaryDirectory() as root, open(os.devnull, "w") as console:
        (Path(root) / "config").mkdir()
        for name in ("logging-config.json", "log-redaction-patterns.json"):
            shutil.copy(LEGACY_CONFIG / name, Path(root) / "config" / name)
        secrets = SecretRegistry(["load-scenario-client-secret-0001"])
        setup = setup_logging(ProjectPaths(root), secrets, console=console)
        try:
            yield
        finally:
            setup.close()


# --- the run ----------------------------------------------------------------------------


@dataclass(slots=True)
class _Tally:
    """Shared between the worker threads; every update is under ``lock``.

    Latencies go into an array allocated up front, so the scenario's own
    bookkeeping does not grow while it runs (memray would see that as growth).
    """

    settings: LoadSettings
    deadline: float
    lock: threading.Lock = field(default_factory=threading.Lock)
    issued: int = 0
    recorded: int = 0
    latencies: array[float] = field(default_factory=lambda: array("d"))
    errors: Counter[str] = field(default_factory=Counter)

    def __post_init__(self) -> None:
        self.latencies = array("d", bytes(8 * self.settings.requests))

    def take(self) -> int | None:
        """The next request number, or None when all are issued or time is up."""
        with self.lock:
            if self.issued >= self.settings.requests or time.monotonic() > self.deadline:
                return None
            self.issued += 1
            return self.issued

    def record(self, seconds: float, error: BaseException | None) -> None:
        with self.lock:
            self.latencies[self.recorded] = seconds
            self.recorded += 1
            if error is not None:
                self.errors[type(error).__name__] += 1

    @property
    def done(self) -> int:
        with self.lock:
            return self.recorded


class _ScenarioHandler:
    """Wraps the fake: counts answers by status and plays the outage window."""

    def __init__(self, fake: FakeBusinessCentral, outage_seconds: float) -> None:
        self.fake = fake
        self.outage_seconds = outage_seconds
        self.statuses: Counter[int] = Counter()
        self._lock = threading.Lock()
        self._outage_until = 0.0

    def start_outage(self) -> None:
        with self._lock:
            self._outage_until = time.monotonic() + self.outage_seconds

    def __call__(self, request: httpx.Request) -> httpx.Response:
        with self._lock:
            down = time.monotonic() < self._outage_until
        if down and "/api/" in request.url.path:
            response = httpx.Response(503, json={"error": {"code": "Outage", "message": "down"}})
        else:
            response = self.fake.handle(request)
        with self._lock:
            self.statuses[response.status_code] += 1
        return response


def _inject_faults(handler: _ScenarioHandler, n: int, settings: LoadSettings) -> None:
    if n % settings.throttle_every == 0:
        handler.fake.throttle(1, retry_after=settings.retry_after)
    elif n % settings.fail_every == 0:
        handler.fake.fail_next(1, 503)
    if settings.outage and n == settings.requests // 2:
        handler.start_outage()


def _worker(client: RestClient, handler: _ScenarioHandler, path: str, tally: _Tally) -> None:
    while (n := tally.take()) is not None:
        _inject_faults(handler, n, tally.settings)
        started = time.perf_counter()
        error: BaseException | None = None
        try:
            client.get(path)
        except CircuitOpenError as exc:  # a well-behaved script waits for the half-open time
            error = exc
            wait = exc.retry_at - time.monotonic()
            time.sleep(min(max(_MIN_BREAKER_WAIT, wait), _MAX_BREAKER_WAIT))
        except Exception as exc:  # every failure is a result of the scenario, counted
            error = exc
        tally.record(time.perf_counter() - started, error)


def _percentile(ordered: Sequence[float], fraction: float) -> float:
    if not ordered:
        return 0.0
    index = min(len(ordered) - 1, max(0, round(fraction * len(ordered)) - 1))
    return ordered[index]


def _progress(tally: _Tally, threads: list[threading.Thread], out: TextIO | None) -> None:
    """Wait for the workers (bounded by the deadline); draw a bar when ``out`` is given."""
    started = time.monotonic()
    hard_stop = tally.deadline + 30.0
    while (alive := [t for t in threads if t.is_alive()]) and time.monotonic() < hard_stop:
        alive[0].join(timeout=0.1)
        if out is not None:
            _draw(out, tally.done, tally.settings.requests, time.monotonic() - started)
    if out is not None:
        _draw(out, tally.done, tally.settings.requests, time.monotonic() - started)
        out.write("\n")
        out.flush()


def _draw(out: TextIO, done: int, total: int, elapsed: float) -> None:
    filled = int(_BAR_WIDTH * done / total) if total else _BAR_WIDTH
    rate = done / elapsed if elapsed > 0 else 0.0
    bar = "#" * filled + "." * (_BAR_WIDTH - filled)
    out.write(f"\r[{bar}] {done}/{total} {rate:,.0f} req/s {elapsed:5.1f}s")
    out.flush()


def _drive(
    client: RestClient, handler: _ScenarioHandler, settings: LoadSettings, out: TextIO | None
) -> tuple[_Tally, float]:
    tally = _Tally(settings, time.monotonic() + settings.max_seconds)
    path = f"companies({handler.fake.company_id})"
    threads = [
        threading.Thread(target=_worker, args=(client, handler, path, tally), name=f"load-{i}")
        for i in range(settings.threads)
    ]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    _progress(tally, threads, out)
    for thread in threads:
        thread.join(timeout=max(0.0, tally.deadline + 30.0 - time.monotonic()))
    return tally, time.perf_counter() - started


def run_load(settings: LoadSettings, progress: TextIO | None = None) -> LoadResult:
    """Serve the fake on loopback, drive the load, and summarise it."""
    handler = _ScenarioHandler(FakeBusinessCentral(log_size=100), settings.outage_seconds)
    budget = settings.requests * 4 + 1_000
    cooldown = _CountingCooldown()
    breakers = BreakerRegistry(
        failure_threshold=settings.breaker_threshold, reset_timeout=settings.breaker_reset
    )
    server = LoopbackServer(handler, max_requests=budget, max_seconds=settings.max_seconds + 60)
    with server, SessionPool() as pool, _script_logging(settings.script_logging), \
            _counting_events() as events:  # fmt: skip
        bucket = TokenBucket(rate=settings.rate, burst=max(1.0, settings.rate / 100))
        client = build_client(
            handler.fake, server.url, pool=pool, rate_limiter=bucket, cooldown=cooldown,
            breakers=breakers,
        )  # fmt: skip
        with client:
            client.get(f"companies({handler.fake.company_id})")  # token + connection first
            handler.statuses.clear()
            tally, elapsed = _drive(client, handler, settings, progress)
    counts = Counter(events.counts)
    counts["honoured"] = cooldown.pauses
    return _result(settings, tally, elapsed, handler.statuses, counts)


def _result(
    settings: LoadSettings,
    tally: _Tally,
    elapsed: float,
    statuses: Counter[int],
    counts: Counter[str],
) -> LoadResult:
    ordered = sorted(tally.latencies[: tally.recorded])
    completed = len(ordered)
    failed = sum(tally.errors.values())
    return LoadResult(
        settings=settings,
        completed=completed,
        succeeded=completed - failed,
        errors=dict(tally.errors),
        elapsed=elapsed,
        throughput=completed / elapsed if elapsed > 0 else 0.0,
        p50=_percentile(ordered, 0.50),
        p95=_percentile(ordered, 0.95),
        p99=_percentile(ordered, 0.99),
        retries=counts["retries"],
        server_requests=sum(statuses.values()),
        throttled_served=statuses[429],
        throttles_honoured=counts["honoured"],
        breaker_trips=counts["breaker_trips"],
        peak_rss_kib=resource.getrusage(resource.RUSAGE_SELF).ru_maxrss,
    )


# --- output -------------------------------------------------------------------------------


def format_table(result: LoadResult) -> str:
    """The result as an aligned two-column text table."""
    s = result.settings
    errors = ", ".join(f"{k}={v}" for k, v in sorted(result.errors.items())) or "none"
    rows = [
        ("Requests (threads)", f"{result.completed}/{s.requests} ({s.threads} threads)"),
        ("Logging", "a project's v2.1 files" if s.script_logging else "off"),
        ("Succeeded", f"{result.succeeded}"),
        ("Elapsed", f"{result.elapsed:.2f} s"),
        ("Throughput", f"{result.throughput:,.0f} req/s"),
        ("Latency p50", f"{result.p50 * 1e3:.2f} ms"),
        ("Latency p95", f"{result.p95 * 1e3:.2f} ms"),
        ("Latency p99", f"{result.p99 * 1e3:.2f} ms"),
        ("Retries", f"{result.retries} (server saw {result.server_requests} requests)"),
        ("429s served / honoured", f"{result.throttled_served} / {result.throttles_honoured}"),
        ("Breaker trips", f"{result.breaker_trips}"),
        ("Errors", f"{sum(result.errors.values())} ({errors})"),
        ("Peak RSS", f"{result.peak_rss_kib / 1024:.1f} MiB"),
    ]
    width = max(len(name) for name, _ in rows)
    rule = "-" * (width + 2 + max(len(value) for _, value in rows))
    lines = [rule, *(f"{name:<{width}}  {value}" for name, value in rows), rule]
    return "\n".join(lines)


def _parse_args(argv: Sequence[str] | None) -> argparse.Namespace:
    defaults = LoadSettings()
    parser = argparse.ArgumentParser(prog="python -m tools.load", description=__doc__)
    parser.formatter_class = argparse.RawDescriptionHelpFormatter
    parser.add_argument("--requests", "-n", type=int, default=defaults.requests)
    parser.add_argument("--threads", "-t", type=int, default=defaults.threads)
    parser.add_argument("--rate", type=float, default=defaults.rate, help="client rate limit/s")
    parser.add_argument("--throttle-every", type=int, default=defaults.throttle_every)
    parser.add_argument("--fail-every", type=int, default=defaults.fail_every)
    parser.add_argument("--retry-after", type=float, default=defaults.retry_after)
    parser.add_argument("--no-outage", action="store_true", help="skip the breaker-tripping outage")
    parser.add_argument("--breaker-reset", type=float, default=defaults.breaker_reset)
    parser.add_argument("--outage-seconds", type=float, default=defaults.outage_seconds)
    parser.add_argument("--max-seconds", type=float, default=defaults.max_seconds)
    parser.add_argument("--memray", type=Path, metavar="FILE", help="record the run with memray")
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the numbers as JSON")
    parser.add_argument("--no-progress", action="store_true")
    parser.add_argument(
        "--no-script-logging", action="store_true", help="run without a script's logging set up"
    )
    return parser.parse_args(argv)


def _settings(args: argparse.Namespace) -> LoadSettings:
    return LoadSettings(
        requests=args.requests,
        threads=args.threads,
        rate=args.rate,
        throttle_every=args.throttle_every,
        fail_every=args.fail_every,
        retry_after=args.retry_after,
        outage=not args.no_outage,
        breaker_reset=args.breaker_reset,
        outage_seconds=args.outage_seconds,
        max_seconds=args.max_seconds,
        script_logging=not args.no_script_logging,
    )


def _tracked(path: Path | None) -> contextlib.AbstractContextManager[object]:
    if path is None:
        return contextlib.nullcontext()
    import memray

    path.parent.mkdir(parents=True, exist_ok=True)
    path.unlink(missing_ok=True)
    tracker: contextlib.AbstractContextManager[object] = memray.Tracker(str(path))
    return tracker


def main(argv: Sequence[str] | None = None) -> int:
    args = _parse_args(argv)
    try:
        settings = _settings(args)
    except ValueError as exc:
        print(f"tools.load: {exc}", file=sys.stderr)
        return 2
    progress = sys.stderr if sys.stderr.isatty() and not args.no_progress else None
    with _tracked(args.memray):
        result = run_load(settings, progress)
    print(format_table(result))
    if args.memray is not None:
        print(f"memray capture: {args.memray}  (memray flamegraph {args.memray})")
    if args.json is not None:
        args.json.parent.mkdir(parents=True, exist_ok=True)
        args.json.write_text(json.dumps(result.to_json(), indent=2) + "\n", encoding="utf-8")
    return 0 if result.completed == settings.requests else 1


if __name__ == "__main__":
    raise SystemExit(main())
