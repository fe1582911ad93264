"""The pre-commit files: valid YAML of the shape pre-commit reads, and entries that run."""

from __future__ import annotations

import shlex
import tomllib
from pathlib import Path
from typing import Any

import pytest
import yaml

from txo.migrate.cli import main as migrate_main

REPO = Path(__file__).resolve().parents[2]
#: A manifest entry's keys (pre-commit's documented schema for .pre-commit-hooks.yaml).
REQUIRED = {"id", "name", "entry", "language"}
OPTIONAL = {
    "alias", "files", "exclude", "types", "types_or", "exclude_types", "always_run",
    "fail_fast", "verbose", "pass_filenames", "require_serial", "description",
    "language_version", "minimum_pre_commit_version", "args", "stages",
    "additional_dependencies",
}  # fmt: skip
SOFT_CONFIG = 'def read(config):\n    return config.get("global")\n'


def _hooks() -> dict[str, dict[str, Any]]:
    entries = yaml.safe_load((REPO / ".pre-commit-hooks.yaml").read_text(encoding="utf-8"))
    assert isinstance(entries, list)
    return {entry["id"]: entry for entry in entries}


def _argv(hook: dict[str, Any], *files: Path) -> list[str]:
    """The hook's command line as pre-commit builds it, minus the console script itself."""
    command = shlex.split(hook["entry"])
    scripts = tomllib.loads((REPO / "pyproject.toml").read_text(encoding="utf-8"))
    assert scripts["project"]["scripts"][command[0]] == "txo.migrate.cli:main"
    return [*command[1:], *hook.get("args", []), *map(str, files)]


def test_the_manifest_exposes_check_and_fix_with_known_keys() -> None:
    hooks = _hooks()
    assert set(hooks) == {"txo-migrate-check", "txo-migrate-fix"}
    for hook in hooks.values():
        assert set(hook) >= REQUIRED and set(hook) <= REQUIRED | OPTIONAL, hook
        assert hook["language"] == "python" and hook["types"] == ["python"]


def test_the_check_hook_passes_clean_files_and_fails_findings(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    clean, soft = tmp_path / "clean.py", tmp_path / "soft.py"
    clean.write_text("import json\n\nprint(json.dumps({}))\n", encoding="utf-8")
    soft.write_text(SOFT_CONFIG, encoding="utf-8")
    hook = _hooks()["txo-migrate-check"]
    assert migrate_main(_argv(hook, clean)) == 0
    assert migrate_main(_argv(hook, clean, soft)) == 1
    assert "TXO101" in capsys.readouterr().out


def test_the_fix_hook_rewrites_the_files_it_is_given(tmp_path: Path) -> None:
    legacy = tmp_path / "legacy.py"
    legacy.write_text("from utils.path_helpers import Dir\n\nprint(Dir.DATA)\n", encoding="utf-8")
    migrate_main(_argv(_hooks()["txo-migrate-fix"], legacy))
    assert "from txo.paths import Dir" in legacy.read_text(encoding="utf-8")


def test_the_repository_config_runs_ruff_mypy_and_the_self_check() -> None:
    config = yaml.safe_load((REPO / ".pre-commit-config.yaml").read_text(encoding="utf-8"))
    hooks = [hook for repo in config["repos"] for hook in repo["hooks"]]
    entries = " | ".join(hook["entry"] for hook in hooks)
    for command in ("ruff format", "ruff check", "mypy --strict txo tests", "txo-migrate check"):
        assert command in entries
    assert all(set(hook) >= REQUIRED and set(hook) <= REQUIRED | OPTIONAL for hook in hooks)
