"""Progress bars: ``check``, ``fix``, ``verify`` and ``record`` draw one on a terminal only.

Every stream is injected (a StringIO that says it is a terminal, or one that does not);
nothing patches ``sys.stderr``.
"""

from __future__ import annotations

import argparse
import io
import json
import shutil
from pathlib import Path

import pytest

from txo.migrate.cli import build_parser
from txo.migrate.fix.runner import run_fix
from txo.migrate.progress import PROGRESS_MIN_FILES, Progress, progress_for
from txo.migrate.record.cli import add_record_arguments, run_record
from txo.migrate.verify.cli import add_verify_arguments, run_verify

STANDIN = Path(__file__).resolve().parents[2] / "data" / "legacy_standin"
SCRIPT = '''"""Writes one file."""

from pathlib import Path

Path("output").mkdir()
Path("output/done.txt").write_text("done")
'''


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_the_bar_is_redrawn_at_most_ten_times_a_second() -> None:
    now = [0.0]
    screen = _Terminal()
    bar = Progress(5, screen, unit="runs", clock=lambda: now[0])
    bar(1)
    bar(1)  # the same instant: not redrawn
    now[0] = 0.5
    bar(1)
    bar(2)  # the last one is always drawn
    assert screen.getvalue().count("\r[") == 3
    assert screen.getvalue().endswith("] 5/5 runs")
    bar.clear()
    assert screen.getvalue().endswith("\r")


def test_no_bar_when_piped_small_or_disabled() -> None:
    assert progress_for(10, io.StringIO(), minimum=2) is None  # piped
    assert progress_for(1, _Terminal(), minimum=2) is None  # too little work
    assert progress_for(10, _Terminal(), minimum=2, enabled=False) is None
    assert isinstance(progress_for(10, _Terminal(), minimum=2), Progress)


@pytest.fixture
def tree(tmp_path: Path) -> Path:
    folder = tmp_path / "lib"
    folder.mkdir()
    for i in range(PROGRESS_MIN_FILES):
        (folder / f"m{i}.py").write_text("x = 1\n")
    return folder


def _fix(tree: Path, out: io.StringIO, *extra: str) -> str:
    err = _Terminal()
    args = build_parser().parse_args(["fix", str(tree), *extra])
    assert run_fix(args, stdout=out, stderr=err) == 0
    return err.getvalue()


def test_fix_shows_the_bar_over_many_files(tree: Path) -> None:
    drawn = _fix(tree, io.StringIO())
    assert f"] {PROGRESS_MIN_FILES}/{PROGRESS_MIN_FILES} files" in drawn
    assert "\r" + " " * 60 + "\r" in drawn  # erased before the summary
    assert "] " not in _fix(tree, io.StringIO(), "--no-progress")
    assert "] " not in _fix(tree, _Terminal())  # diffs go to that terminal: no bar over them
    assert "files" in _fix(tree, _Terminal(), "--write")


def _corpus(root: Path) -> Path:
    (root / "scripts").mkdir(parents=True)
    (root / "scripts" / "done.py").write_text(SCRIPT)
    run = {
        "script": "scripts/done.py",
        "exit_code": 0,
        "outputs": {"output/done.txt": {"text": "done"}},
    }
    runs = [{**run, "args": ["x", "a"]}, {**run, "args": ["x", "b"]}]
    (root / "expectations.json").write_text(json.dumps({"scripts": runs}))
    return root


def _verify(corpus: Path, err: io.StringIO, *extra: str) -> str:
    parser = argparse.ArgumentParser()
    add_verify_arguments(parser)
    args = parser.parse_args([str(corpus), "--jobs", "1", *extra])
    assert run_verify(args, stdout=io.StringIO(), stderr=err) == 0
    return err.getvalue()


@pytest.mark.loopback
def test_verify_counts_runs_on_a_terminal_only(tmp_path: Path) -> None:
    corpus = _corpus(tmp_path / "c")
    drawn = _verify(corpus, _Terminal())
    assert "] 0/2 runs" in drawn and "] 2/2 runs" in drawn and drawn.endswith("\r")
    assert _verify(corpus, io.StringIO()) == ""
    assert _verify(corpus, _Terminal(), "--no-progress") == ""


@pytest.mark.loopback
def test_record_keeps_its_lines_and_draws_the_bar_between_them(tmp_path: Path) -> None:
    project = tmp_path / "p"
    shutil.copytree(STANDIN, project)
    parser = argparse.ArgumentParser()
    add_record_arguments(parser)
    runs = ["--run", "scripts/local_report.py standin api"]
    runs += ["--run", "scripts/which_utils.py standin api"]
    out, err = io.StringIO(), _Terminal()
    assert run_record(parser.parse_args([str(project), *runs]), stdout=out, stderr=err) == 0
    assert "] 0/2 runs" in err.getvalue() and "] 1/2 runs" in err.getvalue()
    assert err.getvalue().endswith("\r")  # erased at the end
    assert out.getvalue().count("recorded scripts/") == 2 and "[" not in out.getvalue()
    piped = io.StringIO()
    assert run_record(parser.parse_args([str(project), *runs]), stderr=piped, stdout=out) == 0
    assert piped.getvalue() == ""
