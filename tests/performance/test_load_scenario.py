"""The load scenario runs, counts what the pipeline did, and prints its table.

Small sizes (CI); every assertion is about counts and consistency, never time.
"""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest

from tools.load import LoadSettings, format_table, main, run_load


def small() -> LoadSettings:
    return LoadSettings(
        requests=240,
        threads=4,
        throttle_every=20,
        fail_every=15,
        retry_after=0.01,
        outage_seconds=0.5,
        breaker_reset=0.05,
        max_seconds=120.0,
    )


def test_load_scenario_counts_retries_throttles_and_trips() -> None:
    bar = io.StringIO()
    settings = small()
    result = run_load(settings, progress=bar)
    assert result.completed == settings.requests
    assert result.succeeded + sum(result.errors.values()) == result.completed
    assert set(result.errors) <= {"CircuitOpenError", "ApiOperationError", "RateLimitError"}
    assert 1 <= result.throttles_honoured <= result.throttled_served
    assert result.breaker_trips >= 1  # the outage lasts long enough for 5 consecutive 503s
    assert result.retries >= result.throttles_honoured
    assert result.server_requests >= result.succeeded
    assert 0 < result.p50 <= result.p95 <= result.p99
    assert result.peak_rss_kib > 0
    assert f"{settings.requests}/{settings.requests}" in bar.getvalue()  # the progress bar's end
    table = format_table(result)
    for row in ("Throughput", "Latency p99", "Retries", "429s served", "Breaker trips", "Peak RSS"):
        assert row in table


def test_main_writes_json_and_rejects_bad_settings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "load.json"
    argv = ["-n", "40", "-t", "2", "--no-outage", "--no-progress", "--json", str(out)]
    assert main(argv) == 0
    data = json.loads(out.read_text(encoding="utf-8"))
    assert data["completed"] == 40 and data["errors"] == {}
    assert "Requests (threads)" in capsys.readouterr().out
    assert main(["-n", "0"]) == 2
