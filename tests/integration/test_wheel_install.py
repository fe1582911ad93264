"""The built wheel alone, in a fresh venv, runs a v3 script from a folder outside the repository.

The wheel is built offline (``python -m build --no-isolation``) from a copy of the sources.
The fresh venv sees the already-installed dependencies through a ``.pth`` file listing a folder
of links to them — every installed distribution except txo itself and libcst, so the test also
proves the core runs without ``txo[migrate]`` — and ``pip install --no-index`` resolves the
wheel's requirements against them: no network.
"""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
import sysconfig
import zipfile
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
#: Installed entries the fresh venv must not see: txo itself (editable or not) and libcst.
HIDDEN = ("txo", "txo-", "txo.", "__editable__", "libcst")


def _run(command: list[str], cwd: Path, timeout: float = 120, expect: int = 0) -> str:
    env = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "TXO_PROJECT_ROOT")}
    result = subprocess.run(
        command, cwd=cwd, env=env, capture_output=True, text=True, timeout=timeout, check=False
    )
    assert result.returncode == expect, f"{command}\n{result.stdout}\n{result.stderr}"
    return result.stdout + result.stderr


def _build_wheel(tmp_path: Path) -> Path:
    pytest.importorskip("build", reason="the [dev] extra installs 'build' (make dist uses it)")
    source = tmp_path / "src"
    shutil.copytree(REPO / "txo", source / "txo", ignore=shutil.ignore_patterns("__pycache__"))
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(REPO / name, source / name)
    dist = tmp_path / "dist"
    _run([sys.executable, "-m", "build", "--no-isolation", "--wheel", "-o", str(dist)], source)
    (wheel,) = dist.glob("txo-*.whl")
    return wheel


def _fresh_venv(tmp_path: Path) -> Path:
    venv = tmp_path / "venv"
    _run([sys.executable, "-m", "venv", "--without-pip", str(venv)], tmp_path)
    deps = tmp_path / "deps"
    deps.mkdir()
    for folder in {sysconfig.get_paths()["purelib"], sysconfig.get_paths()["platlib"]}:
        for entry in Path(folder).iterdir():
            visible = not entry.name.lower().startswith(HIDDEN) and entry.suffix != ".pth"
            if visible and not (deps / entry.name).exists():
                (deps / entry.name).symlink_to(entry)
    python = venv / "bin" / "python"
    site = _run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_paths()['purelib'])"], tmp_path
    )
    Path(site.strip(), "installed-deps.pth").write_text(f"{deps}\n", encoding="utf-8")
    return python


@pytest.mark.slow
def test_wheel_in_a_fresh_venv_runs_a_script_outside_the_repo(tmp_path: Path) -> None:
    wheel = _build_wheel(tmp_path)
    names = zipfile.ZipFile(wheel).namelist()
    assert all(name.startswith(("txo/", "txo-")) for name in names)  # the library, no harness
    assert "txo/scaffold/template/scripts/list_customers.py.tmpl" in names
    python = _fresh_venv(tmp_path)
    pip = [sys.executable, "-m", "pip", "--isolated", "--python", str(python), "--no-input"]
    _run([*pip, "install", "--no-index", "--no-cache-dir", f"{wheel}[excel]"], tmp_path)

    elsewhere = tmp_path / "elsewhere"
    shutil.copytree(REPO / "examples" / "demo-project", elsewhere / "demo-project")
    project = elsewhere / "demo-project"
    where = _run([str(python), "-c", "import txo; print(txo.__file__)"], elsewhere)
    assert Path(where.strip()).is_relative_to(tmp_path / "venv")
    _run([str(python), "scripts/process_customers.py", "demo", "local"], project)
    assert (project / "output" / "customers_eur.json").is_file()
    assert (project / "output" / "customers_eur.xlsx").is_file()

    probe = "import importlib.util as u; print(u.find_spec('libcst') is None)"
    assert _run([str(python), "-c", probe], elsewhere).strip() == "True"  # core needs no libcst
    check = _run([str(python.parent / "txo-migrate"), "check", "scripts", "--no-progress"], project)
    assert "All checks passed" in check
    clean = _run([str(python.parent / "txo-migrate"), "fix", "scripts"], project)
    assert "0 finding(s)" in clean  # nothing to rewrite: fix runs without libcst
    legacy = elsewhere / "legacy.py"
    legacy.write_text("from utils.logger import setup_logger\n\nlogger = setup_logger()\n")
    fix = _run([str(python.parent / "txo-migrate"), "fix", str(legacy)], elsewhere, expect=2)
    assert "pip install 'txo[migrate]'" in fix and "Traceback" not in fix
