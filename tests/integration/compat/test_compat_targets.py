"""``python -m txo.compat --target``: a 3.1-style script gets 3.1 results, a 2.1 one 2.1 results."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[3]
CORPUS = REPO / "migration" / "legacy"


def _run(project: Path, script: str, *options: str, env: dict[str, str] | None = None) -> int:
    environ = {k: v for k, v in os.environ.items() if not k.startswith(("TXO_", "PROJECT_ROOT"))}
    environ |= {"PYTHONPATH": str(REPO), "TXO_COMPAT_CLOCK": "instant", **(env or {})}
    done = subprocess.run(
        [sys.executable, "-m", "txo.compat", *options, f"scripts/{script}", "legacy", "local"],
        cwd=project,
        env=environ,
        capture_output=True,
        text=True,
        check=False,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    return done.returncode


@pytest.fixture
def project(tmp_path: Path) -> Path:
    root = tmp_path / "legacy"
    shutil.copytree(CORPUS, root, ignore=shutil.ignore_patterns("output", "logs", "tmp"))
    return root


def _summary(project: Path) -> dict[str, object]:
    result: dict[str, object] = json.loads((project / "output/v31/summary.json").read_text())
    return result


@pytest.mark.parametrize(
    ("options", "env", "sheet"),
    [
        ((), {}, "Sheet1"),
        (("--target", "2.1"), {"TXO_COMPAT_TARGET": "3.1"}, "Sheet1"),
        (("--target", "3.1"), {}, "Data"),
        ((), {"TXO_COMPAT_TARGET": "3.1"}, "Data"),
    ],
)
def test_single_sheet_default_follows_the_target(
    project: Path, options: tuple[str, ...], env: dict[str, str], sheet: str
) -> None:
    _run(project, "14_v31_timestamps_workbook.py", *options, env=env)
    summary = _summary(project)
    assert summary["single_sheet"] == [sheet]
    assert summary["workbook_sheets"] == ["Stock", "Prices"]  # superset: no switch needed
    assert summary["stamped_name"] == "items_copy_<STAMP>.json"


@pytest.mark.parametrize("target", ["2.1", "3.1"])
def test_schema_violation_is_caught_as_validation_error_under_both_targets(
    project: Path, target: str
) -> None:
    _run(project, "15_v31_paths_errors.py", "--target", target)
    result = json.loads((project / "output/v31/paths_errors.json").read_text())
    assert result == {"root_on_path": True, "schema_error": "ValidationError", "org": "legacy"}


def test_a_21_script_keeps_its_21_results_under_target_21(project: Path) -> None:
    _run(project, "01_local_formats.py", "--target", "2.1")
    assert (project / "output/formats/in_stock.csv").read_text() == (
        "sku,stock\n1896-S,4\n1900-S,12\n"
    )
