"""HelpfulError's three parts, the error hierarchy, Dir and project-root discovery."""

from __future__ import annotations

from pathlib import Path

import pytest

from txo.errors import (
    ApiAuthenticationError,
    ApiError,
    ApiTimeoutError,
    CircuitOpenError,
    ConfigError,
    DependencyMissingError,
    EntityNotFoundError,
    ErrorContext,
    HelpfulError,
    MissingConfigError,
    RateLimitError,
    TxoError,
)
from txo.paths import Dir, ProjectPaths, find_project_root


def test_helpful_error_has_three_readable_parts() -> None:
    err = HelpfulError("Config missing", "Create it", '{"a": 1}\n{"b": 2}')
    assert (
        str(err) == 'Problem: Config missing\nFix: Create it\nExample:\n    {"a": 1}\n    {"b": 2}'
    )
    assert (err.what_went_wrong, err.how_to_fix) == ("Config missing", "Create it")


def test_helpful_error_without_example_and_with_context() -> None:
    err = HelpfulError("Failed", "Retry", context=ErrorContext(operation="sync customers"))
    assert str(err) == "Problem: Failed (during sync customers)\nFix: Retry"


def test_error_context_to_dict_omits_unset_fields() -> None:
    assert ErrorContext(resource="customers").to_dict() == {"resource": "customers"}
    ctx = ErrorContext("GET", "items", {"id": 3})
    assert ctx.to_dict() == {"operation": "GET", "resource": "items", "details": {"id": 3}}
    with pytest.raises(AttributeError):
        ctx.operation = "PUT"  # type: ignore[misc]


def test_missing_config_error_is_a_key_error_with_readable_str() -> None:
    err = MissingConfigError("global.tenant-id", "c.json", found_prefix="global")
    assert isinstance(err, KeyError) and isinstance(err, ConfigError)
    assert str(err).startswith("Problem: Missing configuration key 'global.tenant-id'")
    with pytest.raises(KeyError):
        raise err


@pytest.mark.parametrize(
    ("cls", "status"),
    [
        (ApiTimeoutError, 408),
        (EntityNotFoundError, 404),
        (ApiAuthenticationError, 401),
        (RateLimitError, 429),
        (ApiError, None),
    ],
)
def test_api_errors_carry_default_status_and_fix(cls: type[ApiError], status: int | None) -> None:
    err = cls("GET /x failed", request_id="req-1")
    assert err.status_code == status and err.request_id == "req-1"
    assert isinstance(err, HelpfulError) and isinstance(err, TxoError)
    assert "Fix: " in str(err) and err.how_to_fix


def test_rate_limit_and_circuit_open_extras() -> None:
    assert RateLimitError("slow down", retry_after=30.0).retry_after == 30.0
    assert CircuitOpenError("open", retry_at=12.5).retry_at == 12.5


def test_dependency_missing_gives_pip_line() -> None:
    err = DependencyMissingError("openpyxl", "pip install 'txo[excel]'", "Saving .xlsx")
    assert isinstance(err, ImportError)
    assert "pip install 'txo[excel]'" in str(err) and "Saving .xlsx" in str(err)


def test_dir_members_equal_folder_names_and_parse_errors_list_valid() -> None:
    assert str(Dir.OUTPUT) == "output" and Dir.parse("logs") is Dir.LOGS
    with pytest.raises(HelpfulError) as info:
        Dir.parse("outputs")
    assert "'outputs'" in str(info.value) and "generated_payloads" in str(info.value)


def test_root_discovery_order(tmp_path: Path) -> None:
    (tmp_path / "proj" / "config").mkdir(parents=True)
    (tmp_path / "proj" / "sub" / "deep").mkdir(parents=True)
    other = tmp_path / "other"
    other.mkdir()
    deep = tmp_path / "proj" / "sub" / "deep"
    assert find_project_root(environ={}, cwd=deep) == (tmp_path / "proj").resolve()
    env = {"TXO_PROJECT_ROOT": str(other)}
    assert find_project_root(environ=env, cwd=deep) == other.resolve()
    assert find_project_root(tmp_path, environ=env, cwd=deep) == tmp_path.resolve()


def test_root_discovery_failures_are_helpful(tmp_path: Path) -> None:
    with pytest.raises(HelpfulError, match="No project root found") as info:
        find_project_root(environ={}, cwd=tmp_path)
    assert "TXO_PROJECT_ROOT" in info.value.how_to_fix
    with pytest.raises(HelpfulError, match="not a directory"):
        find_project_root(environ={"TXO_PROJECT_ROOT": str(tmp_path / "nope")}, cwd=tmp_path)


def test_project_paths(tmp_path: Path) -> None:
    paths = ProjectPaths(tmp_path)
    target = paths.path(Dir.OUTPUT, "a/b.json", ensure_parent=True)
    assert target == tmp_path / "output" / "a" / "b.json" and target.parent.is_dir()
    created = paths.ensure_dirs([Dir.LOGS, Dir.OUTPUT])
    assert created == [tmp_path / "logs"]
    assert "ProjectPaths(root=" in repr(paths)
