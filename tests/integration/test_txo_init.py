"""``txo init DIR``: a new project that validates, tests green and passes txo-migrate check."""

from __future__ import annotations

import io
import os
import subprocess
import sys
from pathlib import Path

import pytest

from txo.cli import main
from txo.config import ConfigLoader
from txo.migrate.cli import main as migrate_main
from txo.paths import ProjectPaths


def _init(*args: str) -> tuple[int, str, str]:
    out, err = io.StringIO(), io.StringIO()
    code = main(["init", *args], stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


def test_init_writes_a_project_whose_config_passes_the_bundled_schema(tmp_path: Path) -> None:
    target = tmp_path / "acme-scripts"
    code, out, err = _init(str(target), "--org", "acme", "--env", "prod")
    assert (code, err) == (0, "")
    assert "python scripts/list_customers.py acme prod" in out
    loaded = ConfigLoader(ProjectPaths(target)).load("acme", "prod")
    assert loaded.config.require("global", "api-version") == "v2.0"
    gitignore = (target / ".gitignore").read_text(encoding="utf-8").splitlines()
    assert "config/*-config-secrets.json" in gitignore
    assert (target / "config" / "acme-prod-config-secrets.example.json").is_file()
    assert "# acme-scripts" in (target / "README.md").read_text(encoding="utf-8")
    assert "{{" not in (target / "tests" / "test_list_customers.py").read_text(encoding="utf-8")


def test_init_refuses_to_overwrite_without_force(tmp_path: Path) -> None:
    readme = tmp_path / "README.md"
    readme.write_text("mine\n", encoding="utf-8")
    code, out, err = _init(str(tmp_path))
    assert (code, out) == (1, "")
    assert "already holds files a new project would overwrite: README.md" in err
    assert "--force" in err and "Example:" in err
    assert readme.read_text(encoding="utf-8") == "mine\n"
    assert not (tmp_path / "config").exists()  # nothing half-written
    assert _init(str(tmp_path), "--force")[0] == 0
    assert readme.read_text(encoding="utf-8").startswith("# ")


@pytest.mark.parametrize("args", [["--org", "Acme Corp"], ["--env", "../prod"]])
def test_names_that_cannot_name_config_files_are_helpful_errors(
    tmp_path: Path, args: list[str]
) -> None:
    code, _, err = _init(str(tmp_path / "p"), *args)
    assert code == 1
    assert "cannot name config files" in err and "lower-case letters" in err


def test_usage_errors_exit_2_and_version_exits_0(capsys: pytest.CaptureFixture[str]) -> None:
    assert main([]) == 2
    assert main(["init"]) == 2
    assert "DIR" in capsys.readouterr().err
    assert main(["--version"]) == 0
    assert capsys.readouterr().out.startswith("txo 3.")


@pytest.mark.slow
def test_the_scaffold_tests_pass_and_txo_migrate_check_is_clean(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """The scaffold has no conftest.py: its fixtures come from txo's pytest11 entry point."""
    target = tmp_path / "my-project"
    assert _init(str(target))[0] == 0
    assert not list(target.rglob("conftest.py"))
    env = {**os.environ, "PYTHONDONTWRITEBYTECODE": "1"}
    command = [sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider", "-p", "no:randomly"]
    result = subprocess.run(
        command, cwd=target, env=env, capture_output=True, text=True, timeout=120, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "2 passed" in result.stdout
    code = migrate_main(["check", str(target), "--no-progress"])
    assert code == 0, capsys.readouterr().out
