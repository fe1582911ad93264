"""Per-request overhead of the full ``RestClient`` pipeline vs a raw ``httpx.Client``.

Both sides GET the same entity from the fake API on a real loopback socket,
with a bearer token, and parse the JSON.  The subject runs every pipeline
step: validation, host cool-down gate, a token-bucket rate limiter (rate
high enough never to wait), the host's circuit breaker, a pooled session,
OAuth client-credentials auth from a shared token cache, classification,
the retry policy and the library's logging calls.  Target: median ≤ 1.15x.

Each pair runs in two configurations:

* ``minimal`` (group ``client-pipeline``): no logging set up, as a library
  user without a runner has it;
* ``script`` (group ``client-pipeline-logged``): logging set up the way
  ``run_script`` does (``setup_logging``: console + daily file handler,
  redaction on) with a migrated project's v2.1 ``config/logging-config.json``
  (root at DEBUG, a DEBUG rotating file) and ``log-redaction-patterns.json``
  from the legacy corpus — what a migrated script really runs with;
* ``script_bundled`` (group ``client-pipeline-logged-bundled``): the same set-up
  with txo's bundled defaults (a project without those two files).

Both sides of a pair run under the same logging.
"""

from __future__ import annotations

import io
import shutil
import statistics
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest

from tools.bench import (
    BASELINE,
    GROUP_CLIENT,
    GROUP_CLIENT_LOGGED,
    GROUP_CLIENT_LOGGED_BUNDLED,
    PAIRED,
    SUBJECT,
    tag,
)
from tools.load import build_client
from txo.http.pool import SessionPool
from txo.log import SecretRegistry, setup_logging
from txo.paths import ProjectPaths
from txo.testing.fake_bc import FakeBusinessCentral
from txo.testing.server import LoopbackServer

RAW_TOKEN = "bench-raw-token-0001"
PAIRS = 600  # alternating raw/pipeline GETs per configuration
Calls = tuple[Callable[[], Any], Callable[[], Any]]
LEGACY_CONFIG = Path(__file__).resolve().parents[2] / "migration" / "legacy" / "config"
V21_LOGGING_FILES = ("logging-config.json", "log-redaction-patterns.json")


@pytest.fixture(params=["minimal", "script", "script_bundled"])
def logging_mode(
    request: pytest.FixtureRequest, tmp_path: Path, loopback_bc: tuple[FakeBusinessCentral, Any]
) -> Iterator[str]:
    """No logging (minimal), or a migrated script's logging as run_script sets it up."""
    if request.param == "minimal":
        yield GROUP_CLIENT
        return
    (tmp_path / "config").mkdir()
    if request.param == "script":
        for name in V21_LOGGING_FILES:
            shutil.copy(LEGACY_CONFIG / name, tmp_path / "config" / name)
    fake, _ = loopback_bc
    secrets = SecretRegistry([fake.client_secret, RAW_TOKEN])
    setup = setup_logging(ProjectPaths(tmp_path), secrets, console=io.StringIO())
    assert setup.log_file is not None  # the file handler is on, as in a real run
    try:
        yield GROUP_CLIENT_LOGGED if request.param == "script" else GROUP_CLIENT_LOGGED_BUNDLED
    finally:
        setup.close()


def test_full_pipeline_get(
    benchmark: Any, loopback_bc: tuple[FakeBusinessCentral, LoopbackServer], logging_mode: str
) -> None:
    fake, server = loopback_bc
    tag(benchmark, logging_mode, SUBJECT)
    with SessionPool() as pool, build_client(fake, server.url, pool=pool) as client:
        path = f"companies({fake.company_id})"
        client.get(path)  # fetch the token and open the connection outside the timing
        body = benchmark(client.get, path)
        stats = pool.stats
    assert body["id"] == fake.company_id
    assert fake.tokens_issued == 1
    assert stats.misses == 1  # one session, reused for every request
    assert all(r.status == 200 for r in fake.api_requests)


def test_raw_httpx_get(
    benchmark: Any, loopback_bc: tuple[FakeBusinessCentral, LoopbackServer], logging_mode: str
) -> None:
    fake, server = loopback_bc
    fake.accept_token(RAW_TOKEN)
    tag(benchmark, logging_mode, BASELINE)
    headers = {"Authorization": f"Bearer {RAW_TOKEN}", "Accept": "application/json"}
    url = f"{fake.api_root(server.url)}/companies({fake.company_id})"
    with httpx.Client(headers=headers, timeout=10.0) as client:
        client.get(url)

        def get() -> Any:
            return client.get(url).raise_for_status().json()

        body = benchmark(get)
    assert body["id"] == fake.company_id
    assert server.connections == 1
    assert all(r.status == 200 for r in fake.api_requests)


def test_paired_pipeline_vs_raw_get(
    benchmark: Any,
    request: pytest.FixtureRequest,
    loopback_bc: tuple[FakeBusinessCentral, LoopbackServer],
    logging_mode: str,
) -> None:
    """Raw and pipeline GETs alternate in one loop (order swapped each pair), so both see the
    same machine; the target is the median of the per-pair ratios."""
    fake, server = loopback_bc
    fake.accept_token(RAW_TOKEN)
    pairs = 40 if request.config.getoption("benchmark_disable") else PAIRS
    headers = {"Authorization": f"Bearer {RAW_TOKEN}", "Accept": "application/json"}
    url = f"{fake.api_root(server.url)}/companies({fake.company_id})"
    path = f"companies({fake.company_id})"
    with (
        httpx.Client(headers=headers, timeout=10.0) as raw,
        SessionPool() as pool,
        build_client(fake, server.url, pool=pool) as client,
    ):

        def raw_get() -> Any:
            return raw.get(url).raise_for_status().json()

        def pipeline_get() -> Any:
            return client.get(path)

        calls: Calls = (raw_get, pipeline_get)
        for call in calls:
            call()  # token, connections and first-use imports outside the timing
        timings = [_timed_pair(calls, swap=i % 2 == 1) for i in range(pairs)]
        tag(benchmark, f"{logging_mode}-{PAIRED}", SUBJECT)
        benchmark.extra_info[PAIRED] = {
            "subject": statistics.median(t[1] for t in timings),
            "baseline": statistics.median(t[0] for t in timings),
            "ratio": statistics.median(t[1] / t[0] for t in timings),
            "pairs": pairs,
        }
        assert benchmark(calls[1])["id"] == fake.company_id
    assert fake.tokens_issued == 1


def _timed_pair(
    calls: tuple[Callable[[], Any], Callable[[], Any]], *, swap: bool
) -> tuple[float, float]:
    """(raw seconds, pipeline seconds) for one call of each, in the given order."""
    order = (1, 0) if swap else (0, 1)
    took = [0.0, 0.0]
    for index in order:
        started = time.perf_counter()
        calls[index]()
        took[index] = time.perf_counter() - started
    return took[0], took[1]
