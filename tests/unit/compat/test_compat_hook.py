"""The ``utils`` import alias and the ``python -m txo.compat`` runner's set-up."""

from __future__ import annotations

import importlib
import subprocess
import sys
import warnings
from pathlib import Path

import pytest

from txo.compat.__main__ import find_script_root, main
from txo.compat.hook import UtilsAliasFinder, utils_alias
from txo.compat.warnings import TxoV4RemovalWarning


@pytest.mark.parametrize(
    ("name", "target"),
    [
        ("utils", "txo.compat.v21"),
        ("utils.logger", "txo.compat.v21.logger"),
        ("utils.path_helpers", "txo.compat.v21.path_helpers"),
        ("utils.url_helpers", "txo.compat.v21.url_helpers"),
        ("utils.concurrency", "txo.compat.v21.concurrency"),
        ("utils.rest_api_helpers", "txo.compat.v21.rest_api_helpers"),
    ],
)
def test_maps_utils_modules(name: str, target: str) -> None:
    assert UtilsAliasFinder().target_for(name) == target


@pytest.mark.parametrize(
    "name",
    ["utilsx", "myutils", "utils_extra", "utils.nothing", "utils._impl", "json", "txo.utils", ""],
)
def test_leaves_other_names_alone(name: str) -> None:
    finder = UtilsAliasFinder()
    assert finder.target_for(name) is None
    assert finder.find_spec(name, None) is None


def test_alias_serves_the_same_module_objects() -> None:
    with utils_alias():
        alias = importlib.import_module("utils.logger")
        package = importlib.import_module("utils")
        assert alias is importlib.import_module("txo.compat.v21.logger")
        assert package is importlib.import_module("txo.compat.v21")
        with warnings.catch_warnings(record=True) as caught:
            warnings.simplefilter("always")
            from utils.path_helpers import format_size  # type: ignore[import-not-found]
        assert format_size(69) == "69.00 B"
        assert [w.category for w in caught] == [TxoV4RemovalWarning]
        assert caught[0].filename == __file__
        assert importlib.import_module("json").__name__ == "json"
    assert "utils" not in sys.modules
    assert "utils.logger" not in sys.modules
    assert not any(isinstance(f, UtilsAliasFinder) for f in sys.meta_path)


def test_no_top_level_utils_package_is_installed() -> None:
    code = "import utils"
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, check=False
    )
    assert result.returncode == 1
    assert "ModuleNotFoundError" in result.stderr


def test_project_root_is_nearest_ancestor_with_config(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    script = tmp_path / "examples" / "deep" / "x.py"
    script.parent.mkdir(parents=True)
    script.write_text("")
    assert find_script_root(script, environ={}) == tmp_path.resolve()
    other = tmp_path / "elsewhere"
    other.mkdir()
    assert find_script_root(script, environ={"PROJECT_ROOT": str(other)}) == other.resolve()


def test_runner_usage_errors() -> None:
    assert main(["does/not/exist.py"]) == 2
    assert main([]) == 2


def test_runner_runs_a_script_and_returns_its_exit_code(tmp_path: Path) -> None:
    (tmp_path / "config").mkdir()
    script = tmp_path / "s.py"
    script.write_text(
        "import sys\nfrom utils.url_helpers import normalize_path\n"
        "print(normalize_path('/a//b/../c'))\nsys.exit(int(sys.argv[1]))\n"
    )
    result = subprocess.run(
        [sys.executable, "-m", "txo.compat", str(script), "7"],
        capture_output=True,
        text=True,
        check=False,
        cwd=tmp_path,
    )
    assert result.returncode == 7
    assert result.stdout.strip() == "/a/c"
    assert "s.py:2: TxoV4RemovalWarning: utils.url_helpers.normalize_path" in result.stderr
