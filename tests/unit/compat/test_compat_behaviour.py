"""Observable v2.1 behaviour, and the §0 bug fixes, of the compat implementations."""

from __future__ import annotations

import json
import logging
import os
from collections.abc import Iterator
from pathlib import Path

import pytest

from txo import errors as v3
from txo.compat.runtime import CompatRuntime, current
from txo.compat.v21._impl import (
    api_common,
    config_loader,
    exceptions,
    path_helpers,
    rate_limit_manager,
    url_helpers,
)
from txo.compat.v21._impl.logger import setup_logger
from txo.testing.clock import FakeClock

SCHEMA = Path(__file__).resolve().parents[3] / "migration/legacy/schemas/org-env-config-schema.json"


@pytest.fixture
def project(tmp_path: Path, compat_runtime: CompatRuntime) -> Iterator[Path]:
    (tmp_path / "config").mkdir()
    (tmp_path / "schemas").mkdir()
    (tmp_path / "schemas" / SCHEMA.name).write_text(SCHEMA.read_text())
    config = {"global": {"tenant-id": ""}, "script-behavior": {"api-delay-seconds": 0}}
    (tmp_path / "config" / "o-e-config.json").write_text(json.dumps(config))
    yield tmp_path


@pytest.fixture
def clock(project: Path, compat_runtime: CompatRuntime) -> Iterator[FakeClock]:
    fake = FakeClock()
    compat_runtime.clock = fake
    yield fake


# --- exceptions -------------------------------------------------------------------


def test_helpful_error_keeps_v21_text_and_is_a_v3_helpful_error() -> None:
    error = exceptions.HelpfulError("it broke", "fix it", "example()")
    assert str(error) == "\n❌ Problem: it broke\n\n✅ Solution: fix it\n\n📝 Example:\nexample()"
    assert error.args == (str(error),)
    assert isinstance(error, v3.HelpfulError)
    assert isinstance(error, exceptions.TxoBaseError)
    assert (error.what_went_wrong, error.how_to_fix, error.example) == (
        "it broke",
        "fix it",
        "example()",
    )


E = exceptions
API_ERRORS = [
    (E.ApiTimeoutError(timeout_seconds=5), "API request timed out after 5 seconds", 408),
    (E.ApiRateLimitError(retry_after=3), "Rate limit exceeded", 429),
    (E.ApiAuthenticationError(), "Authentication failed", 401),
    (E.ApiNotFoundError("Order"), "Order not found", 404),
    (E.ApiValidationError("Bad", field="f", value=0), "Bad for field 'f': 0", 400),
    (E.EntityNotFoundError("Resource", "m"), "Resource with ID 'm' not found", 404),
    (E.ApiOperationError("boom"), "boom", None),
]
V3_CLASSES = [
    v3.ApiTimeoutError,
    v3.RateLimitError,
    v3.ApiAuthenticationError,
    v3.EntityNotFoundError,
    v3.ApiValidationError,
    v3.EntityNotFoundError,
    v3.ApiOperationError,
]


@pytest.mark.parametrize(
    ("error", "text", "status", "v3_class"),
    [(*row, cls) for row, cls in zip(API_ERRORS, V3_CLASSES, strict=True)],
)
def test_api_errors(
    error: exceptions.ApiError, text: str, status: int | None, v3_class: type
) -> None:
    assert str(error) == text
    assert error.status_code == status
    assert isinstance(error, v3_class)
    assert isinstance(error, exceptions.ApiError)


def test_context_and_message_quirks() -> None:
    ctx = exceptions.ErrorContext(operation="sync", resource="r")
    assert ctx.to_dict() == {"operation": "sync", "resource": "r"}
    assert str(exceptions.TxoBaseError("m", context=ctx)) == "m (during sync)"
    limited = exceptions.ApiRateLimitError("Slow down", retry_after=5)
    assert limited.message == "Slow down. Retry after 5 seconds" and str(limited) == "Slow down"
    config = exceptions.ConfigurationError("Missing", config_key="k")
    assert config.message == "Missing (key: k)" and str(config) == "Missing"
    assert isinstance(config, v3.ConfigError)
    assert isinstance(exceptions.FileOperationError("x"), v3.FileOperationError)


# --- url_helpers (bug 8) ----------------------------------------------------------------


def test_build_odata_filter_fixes_bug_8() -> None:
    conditions = {"flag": True, "off": False, "name": "Electronics", "o": "O'Brien", "n": None}
    assert url_helpers.build_odata_filter(conditions) == (
        "flag eq true and off eq false and name eq 'Electronics' and o eq 'O''Brien' and n eq null"
    )
    assert (
        url_helpers.build_odata_filter({"a": "gt 1000", "b": "123"}, "or")
        == "a gt 1000 or b eq 123"
    )


def test_url_helpers_match_v21_examples() -> None:
    assert url_helpers.build_url(
        "https://api.example.com/", "v2", "a b", 1,
        query_params={"x": [1, 2], "y": True, "z": None}, fragment="f g",
    ) == "https://api.example.com/v2/a%20b/1?x=1&x=2&y=true#f%20g"  # fmt: skip
    assert url_helpers.build_query_string({"t": ["a", "b"]}, array_format="comma") == "t=a,b"
    assert url_helpers.build_query_string({"t": ["a"]}, array_format="brackets") == "t[]=a"
    assert url_helpers.normalize_path("/api//v2/./users/../companies/") == "/api/v2/companies/"
    assert url_helpers.extract_path_params("/u/{id}", "/x/1") == {}


# --- paths (bug 4) -------------------------------------------------------------------------


def test_set_project_root_lasts(project: Path, tmp_path_factory: pytest.TempPathFactory) -> None:
    other = tmp_path_factory.mktemp("other")
    path_helpers.set_project_root(other)
    assert path_helpers.get_project_root() == other.resolve()
    assert path_helpers.get_path("output", "x.txt") == other.resolve() / "output" / "x.txt"
    assert path_helpers.ProjectPaths.init().root == other.resolve()
    with pytest.raises(ValueError):
        path_helpers.set_project_root(other / "missing")


def test_path_housekeeping(project: Path, clock: FakeClock) -> None:
    assert path_helpers.format_size(69) == "69.00 B"
    assert path_helpers.format_size(2048) == "2.00 KB"
    assert path_helpers.get_dir_size("tmp") == "0 B"
    paths = path_helpers.ProjectPaths.init()
    assert "output" in paths.ensure_dirs(skip_dirs=["wsdl"])
    (project / "output" / "a.txt").write_text("abc")
    assert path_helpers.list_files("output") == [project / "output" / "a.txt"]
    assert path_helpers.get_dir_size("output", human_readable=False) == 3
    backups = [path_helpers.ensure_file_backup("output", "a.txt", max_backups=1) for _ in range(2)]
    assert all(b is not None and "_backup_" in b.name for b in backups)
    assert path_helpers.ensure_file_backup("output", "missing.txt") is None
    old = project / "output" / "old.txt"
    old.write_text("x")
    os.utime(old, (clock.time() - 31 * 86400,) * 2)  # mtimes are compared with the compat clock
    assert path_helpers.cleanup_old_files("output", days=30, pattern="*.none") == []
    assert path_helpers.cleanup_old_files("output", days=30, dry_run=True) == [old]
    assert old.exists()
    assert path_helpers.cleanup_old_files("output", days=30) == [old]
    assert not old.exists() and (project / "output" / "a.txt").exists()


# --- api_common and rate_limit_manager (bugs 5, 6) -------------------------------------------


def test_rate_limiter_allows_exactly_the_configured_rate(clock: FakeClock) -> None:
    limiter = api_common.RateLimiter(calls_per_second=10, burst_size=1)
    start = clock.monotonic()
    for _ in range(21):
        limiter.wait_if_needed()
    assert clock.monotonic() - start == pytest.approx(2.0)  # v2.1 took about 1.0 s


def test_circuit_breaker_v21_methods(clock: FakeClock) -> None:
    breaker = api_common.CircuitBreaker(failure_threshold=2, timeout=60)
    breaker.record_failure()
    assert not breaker.is_open()
    breaker.record_failure()
    assert breaker.is_open() and breaker._state == "open"
    clock.advance(60)
    assert not breaker.is_open()  # half-open: one trial call
    assert breaker.is_open()  # no second trial while the first is out
    breaker.record_success()
    assert not breaker.is_open() and breaker._failures == 0


def test_rate_limit_manager_has_no_name_error(clock: FakeClock) -> None:  # bug 5
    manager = rate_limit_manager.RateLimitManager(default_cps=5)
    manager.configure_endpoint("example.com", 2, shared_pool="shared")
    first = manager.get_limiter("https://example.com/a")
    assert first is manager.get_limiter("https://api.example.com/b")
    assert manager.get_limiter("https://other.org").rate == 5
    manager.update_from_headers("https://example.com", {"X-RateLimit-Limit": "1"})
    manager.update_from_headers(
        "https://example.com", {"X-RateLimit-Limit": "9", "X-RateLimit-Remaining": "1"}
    )


def test_manual_retry_and_metrics(clock: FakeClock) -> None:
    calls: list[int] = []

    def flaky() -> str:
        calls.append(1)
        if len(calls) < 3:
            raise RuntimeError("no")
        return "ok"

    assert api_common.manual_retry(flaky, max_retries=3, backoff=2.0) == "ok"
    assert len(clock.sleeps) == 2
    with pytest.raises(ZeroDivisionError):
        api_common.manual_retry(lambda: 1 / 0, max_retries=1)
    metrics = api_common.APIMetrics()
    metrics.start_operation("a")
    clock.advance(0.5)
    assert metrics.end_operation("a") == pytest.approx(0.5)
    assert metrics.end_operation("zzz") == 0.0
    assert str(metrics).startswith("API Metrics: Total=1, Success=1, Failed=0, Success Rate=100.0%")


# --- config_loader (bugs 2, 3) and logging (bugs 7, 9) -----------------------------------------


def test_missing_secrets_file_is_not_fatal(project: Path) -> None:  # bug 2
    config = config_loader.ConfigLoader("o", "e").load_config()
    assert set(config) == {"global", "script-behavior"}


def test_loader_cache_and_context(project: Path) -> None:  # bug 3
    loader = config_loader.get_config_loader("o", "e", use_cache=True)
    assert loader is config_loader.get_config_loader("o", "e")
    assert config_loader.get_config_loader("o", "e", use_cache=False) is not loader
    with config_loader.ConfigContext("o", "e") as config:
        assert config["global"] == {"tenant-id": ""}
    assert repr(loader) == "ConfigLoader(org_id='o', env_type='e')"
    assert loader.get_config_value("missing", 7) == 7


def test_secrets_are_injected_registered_and_flat(project: Path) -> None:
    secrets = project / "config" / "o-e-config-secrets.json"
    secrets.write_text('{"client-secret": "s3cr3t-value-1234", "api-key": "k-99887766"}')
    config = config_loader.ConfigLoader("o", "e").load_config()
    assert config["_client_secret"] == "s3cr3t-value-1234"
    assert "s3cr3t-value-1234" in current().secrets
    secrets.write_text('{"nested": {"a": 1}}')
    with pytest.raises(ValueError, match="Secrets must be flat key-value pairs"):
        config_loader.ConfigLoader("o", "e").load_config()


def test_schema_violation_raises_helpful_error(
    project: Path, caplog: pytest.LogCaptureFixture
) -> None:
    bad: dict[str, object] = {"global": {}, "script-behavior": {}, "environments": {}}
    (project / "config" / "o-bad-config.json").write_text(json.dumps(bad))
    with pytest.raises(exceptions.HelpfulError, match="Error at 'root'"):
        config_loader.ConfigLoader("o", "bad").load_config()
    assert "❌ CRITICAL: Schema validation failed for o-bad" in caplog.text


def test_logging_redacts_without_breaking_args(project: Path) -> None:  # bugs 7, 9
    config_loader.ConfigLoader("o", "e").load_config()
    current().secrets.add("tok-abcdef-123456")
    log = setup_logger()
    log.info("count %d of %s", 3, {"_client_secret": "plain-text-secret-99"})
    log.info("token tok-abcdef-123456 used")
    text = next((project / "logs").glob("app_*.log")).read_text()
    assert "count 3 of" in text
    assert "plain-text-secret-99" not in text and "tok-abcdef-123456" not in text
    record = logging.LogRecord("TxoApp", logging.INFO, __file__, 1, "n=%d %s", (5, {"a": 1}), None)
    assert log.token_filter.filter(record) and record.getMessage() == "n=5 {'a': 1}"


def test_invalid_redaction_file_falls_back_to_txo_defaults(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "config" / "log-redaction-patterns.json").write_text('{"redaction-patterns": 5}')
    log = setup_logger()  # v2.1 exited here; the compat layer reports and continues
    assert "CRITICAL CONFIGURATION ERROR" in capsys.readouterr().err
    assert log.token_filter.redactor is log._setup.redactor
    current().secrets.add("tok-fallback-7654321")
    record = logging.LogRecord(
        "TxoApp", logging.INFO, __file__, 1, "t=%s", ("tok-fallback-7654321",), None
    )
    assert log.token_filter.filter(record) and "tok-fallback-7654321" not in record.getMessage()
