"""Fleet benchmark: 8 script processes against one throttled fake BC API, per backend.

``make fleet`` runs it and prints the table.  For each scenario (a request
budget per second; a cap on concurrent requests) and each coordination mode
(none, SQLite, Redis) it starts a fake Business Central on loopback that
enforces the limit with 429 + ``Retry-After``, then N worker processes that
each send M requests through a RestClient built the way the factory builds
one.  It reports the 429s the server sent, the achieved throughput as a
fraction of what the server allows, the token requests, failed requests
and wall time.  Workers start together at a shared wall-clock instant, so
their import time is not measured.

    python tools/fleet.py [--processes 8] [--requests 25] [--modes none,sqlite,redis]
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

SCENARIOS: dict[str, dict[str, float]] = {
    # server: 200 requests per 5 s sliding window (40/s); clients: 38/s token bucket, burst 1
    "rate budget": {"budget": 200, "window": 5.0, "client_rate": 38.0},
    # server: 4 requests in flight, each takes 0.2 s (BC answers in 0.1-1 s); clients: a cap of 4
    "concurrency cap": {"max_in_flight": 4, "service_time": 0.2},
}


@dataclass
class Row:
    scenario: str
    mode: str
    throttled: int
    fraction: float
    token_requests: int
    failed: int
    seconds: float


# --- the parent: server, workers, table ------------------------------------------------


def run_row(scenario: str, mode: str, args: argparse.Namespace, redis_url: str) -> Row:
    from txo.testing.fake_bc import FakeBusinessCentral
    from txo.testing.server import LoopbackServer
    from txo.testing.throttle import ThrottledApi

    limits = SCENARIOS[scenario]
    fake = FakeBusinessCentral(customers=3)
    throttle = ThrottledApi(
        fake.handle,
        budget=int(limits["budget"]) if "budget" in limits else None,
        window=limits.get("window", 1.0),
        max_in_flight=int(limits["max_in_flight"]) if "max_in_flight" in limits else None,
        service_time=limits.get("service_time", 0.0),
    )
    with tempfile.TemporaryDirectory() as tmp, LoopbackServer(throttle.handle) as server:
        job = {
            "mode": mode, "scenario": scenario, "url": server.url, "requests": args.requests,
            "sqlite": str(Path(tmp) / "fleet.sqlite3"), "redis": redis_url,
            "tenant": fake.tenant_id, "client": fake.client_id, "secret": fake.client_secret,
            "api": fake.customers_url(server.url), "start_at": time.time() + args.warmup,
        }  # fmt: skip
        started = time.monotonic()
        results = _run_workers(job, args.processes)
        seconds = time.monotonic() - started - args.warmup
    return Row(
        scenario, mode, throttle.stats.throttled, _fraction(throttle, limits),
        fake.token_requests, sum(r["failed"] for r in results), seconds,
    )  # fmt: skip


def _run_workers(job: dict[str, Any], processes: int) -> list[dict[str, Any]]:
    command = [sys.executable, __file__, "worker", json.dumps(job)]
    workers = [
        subprocess.Popen(command, stdout=subprocess.PIPE, text=True) for _ in range(processes)
    ]
    results = []
    for worker in workers:
        out, _ = worker.communicate(timeout=300)
        if worker.returncode != 0:
            raise RuntimeError(f"a fleet worker failed (exit {worker.returncode})")
        results.append(json.loads(out.strip().splitlines()[-1]))
    return results


def _fraction(throttle: Any, limits: dict[str, float]) -> float:
    stats = throttle.stats
    if "budget" in limits:
        times = sorted(stats.admitted_times)
        span = times[-1] - times[0] if len(times) > 1 else 0.0
        allowed = limits["budget"] / limits["window"]
        return (len(times) - 1) / span / allowed if span else 0.0
    span = (stats.last_finished or 0.0) - (stats.first_admitted or 0.0)
    allowed = limits["max_in_flight"] / limits["service_time"]
    return stats.admitted / span / allowed if span > 0 else 0.0


@contextmanager
def _redis(modes: list[str]) -> Iterator[str]:
    if "redis" not in modes:
        yield ""
        return
    from txo.testing.redis_server import RedisServer

    with RedisServer() as server:
        yield server.url


def print_table(rows: list[Row], args: argparse.Namespace) -> None:
    print(f"\nFleet: {args.processes} processes x {args.requests} requests, fake BC on loopback")
    print("| scenario        | coordination | 429s | throughput / allowed | token requests "
          "| failed | seconds |")  # fmt: skip
    print("|---|---|---:|---:|---:|---:|---:|")
    for r in rows:
        print(f"| {r.scenario} | {r.mode} | {r.throttled} | {r.fraction:.2f} | "
              f"{r.token_requests} | {r.failed} | {r.seconds:.1f} |")  # fmt: skip


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--processes", type=int, default=8)
    parser.add_argument("--requests", type=int, default=40)
    parser.add_argument("--modes", default="none,sqlite,redis")
    parser.add_argument("--scenarios", default=",".join(SCENARIOS))
    parser.add_argument("--warmup", type=float, default=3.0, help="seconds for workers to start")
    args = parser.parse_args(argv)
    modes = args.modes.split(",")
    rows = []
    with ExitStack() as stack:
        redis_url = stack.enter_context(_redis(modes))
        for scenario in args.scenarios.split(","):
            for mode in modes:
                rows.append(run_row(scenario, mode, args, redis_url))
                print(f"  {scenario} / {mode}: done", file=sys.stderr)
    print_table(rows, args)
    return 0


# --- a worker: one script process ------------------------------------------------------


def worker(job: dict[str, Any]) -> dict[str, Any]:
    import logging

    from txo.errors import TxoError

    logging.getLogger("txo.http").setLevel(logging.ERROR)  # 429 retries are the point here

    client, fleet, auth = _build_client(job)
    auth.get_token()  # a script authenticates first; the timed part is its API calls
    time.sleep(max(0.0, job["start_at"] - time.time()))
    failed = 0
    with client:
        for _ in range(job["requests"]):
            try:
                client.get(job["api"])
            except TxoError:
                failed += 1
    if fleet is not None:
        fleet.close()
    return {"failed": failed}


def _build_client(job: dict[str, Any]) -> tuple[Any, Any, Any]:
    from txo.clock import SystemClock
    from txo.http import ClientCredentialsAuth, RestClient, RetryPolicy, TokenCache
    from txo.http.ratelimit import ConcurrencyLimiter, HostCooldown, TokenBucket
    from txo.testing.fake_bc import DEFAULT_SCOPE

    clock = SystemClock()
    fleet = _coordination(job, clock)
    limits = SCENARIOS[job["scenario"]]
    cap = int(limits.get("max_in_flight", 0)) or None
    rate = limits.get("client_rate")
    auth = ClientCredentialsAuth(
        tenant_id=job["tenant"], client_id=job["client"], client_secret=job["secret"],
        scope=DEFAULT_SCOPE, authority=job["url"],
        cache=fleet.token_cache(job["secret"]) if fleet else TokenCache(),
    )  # fmt: skip
    if fleet is None:
        limiter = TokenBucket(rate, 1.0, clock) if rate else None
        cooldown, concurrency = HostCooldown(clock), ConcurrencyLimiter(cap) if cap else None
    else:
        from txo.fleet.limits import origin_of

        limiter = fleet.rate_limiter(origin_of(job["url"]), rate, 1.0) if rate else None
        cooldown, concurrency = fleet.cooldown(), fleet.concurrency()
    client = RestClient(
        auth=auth, rate_limiter=limiter, cooldown=cooldown, concurrency=concurrency,
        retry=RetryPolicy(max_attempts=10, backoff_factor=0.05, backoff_max=1.0),
        timeout=10.0, clock=clock,
    )  # fmt: skip
    return client, fleet, auth


def _coordination(job: dict[str, Any], clock: Any) -> Any:
    if job["mode"] == "none":
        return None
    from txo.fleet import Coordination, CoordinationSettings, open_backend

    limits = SCENARIOS[job["scenario"]]
    settings = CoordinationSettings(
        backend=job["mode"], sqlite_path=Path(job["sqlite"]), redis_url=job["redis"],
        max_concurrent=int(limits["max_in_flight"]) if "max_in_flight" in limits else None,
        lease_seconds=30.0,
    )  # fmt: skip
    identity = f"{job['tenant']}:{job['client']}"
    return Coordination(open_backend(settings), clock, identity, settings)


if __name__ == "__main__":
    if len(sys.argv) == 3 and sys.argv[1] == "worker":
        print(json.dumps(worker(json.loads(sys.argv[2]))))
        sys.stdout.flush()
        os._exit(0)
    raise SystemExit(main())
