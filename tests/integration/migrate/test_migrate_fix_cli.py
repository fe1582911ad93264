"""txo-migrate fix end to end: --diff, --write (atomic), --unsafe-fixes, --select, exit codes."""

from __future__ import annotations

import argparse
import io
import shutil
import stat
import subprocess
from pathlib import Path

import pytest

from txo.data.atomic import atomic_write
from txo.migrate.fix import add_fix_arguments, fix_source, run_fix

SCRIPT = '''"""Sync."""
from utils.path_helpers import Dir
from utils.logger import setup_logger

logger = setup_logger()


def main(config, data_handler):
    url = config.get("global", {}).get("api-base-url")
    data_handler.save([], "output", "out.json")
    return url, Dir.DATA
'''
CLEAN = "import json\n\nprint(json.dumps({}))\n"


def _run(*argv: str) -> tuple[int, str, str]:
    parser = argparse.ArgumentParser(prog="txo-migrate fix")
    add_fix_arguments(parser)
    out, err = io.StringIO(), io.StringIO()
    code = run_fix(parser.parse_args(list(argv)), stdout=out, stderr=err)
    return code, out.getvalue(), err.getvalue()


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "sync.py").write_text(SCRIPT, encoding="utf-8")
    (tmp_path / "scripts" / "clean.py").write_text(CLEAN, encoding="utf-8")
    (tmp_path / "notes.txt").write_text("from utils.logger import setup_logger\n")
    for skipped in (".venv", "__pycache__"):
        (tmp_path / skipped).mkdir()
        (tmp_path / skipped / "x.py").write_text("from utils.logger import setup_logger\n")
    return tmp_path


def test_diff_is_the_default_prints_labelled_diff_and_writes_nothing(project: Path) -> None:
    script = project / "scripts" / "sync.py"
    code, out, err = _run(str(project))
    assert code == 1
    assert script.read_text(encoding="utf-8") == SCRIPT
    assert f"--- {script}\n+++ {script}\n" in out
    assert (
        "\n-from utils.path_helpers import Dir\n" in out and "\n+from txo.paths import Dir\n" in out
    )
    assert f"# {script}:2: TXO501 [safe] utils.path_helpers.Dir -> txo.paths.Dir\n" in out
    assert f"# {script}:10: TXO502 [safe]" in out
    assert "TXO101" not in out and "[unsafe]" not in out
    assert ".venv" not in out and "__pycache__" not in out and "clean.py" not in out
    assert (
        "Would fix 2 of 4 finding(s) in 1 file(s) with 3 fix(es). "
        "2 finding(s) would remain (1 fixable with --unsafe-fixes)." in err
    )


def test_unsafe_fixes_are_labelled(project: Path) -> None:
    code, out, _ = _run(str(project / "scripts"), "--unsafe-fixes")
    assert code == 1
    assert out.count("TXO101 [unsafe]") == 1
    assert "a missing key now raises KeyError instead of giving None" in out
    assert '+    url = config["global"]["api-base-url"]\n' in out


def test_write_applies_atomically_and_keeps_the_mode(project: Path) -> None:
    script = project / "scripts" / "sync.py"
    script.chmod(0o640)
    code, out, err = _run(str(script), "--write", "--unsafe-fixes")
    assert code == 1  # setup_logger stays on txo.compat.v21: still a TXO501 finding
    assert script.read_text(encoding="utf-8") == fix_source(SCRIPT, unsafe=True).new_source
    assert stat.S_IMODE(script.stat().st_mode) == 0o640
    assert sorted(p.name for p in script.parent.iterdir()) == ["clean.py", "sync.py"]
    assert f"{script}:9: TXO101 [unsafe]" in out
    assert "Fixed 3 of 4 finding(s) in 1 file(s) with 4 fix(es). 1 finding(s) remain." in err
    assert _run(str(script), "--unsafe-fixes")[1] == ""  # nothing left to change: idempotent


def test_write_without_unsafe_fixes_leaves_the_get_chains(project: Path) -> None:
    script = project / "scripts" / "sync.py"
    assert _run(str(script), "--write")[0] == 1
    text = script.read_text(encoding="utf-8")
    assert 'config.get("global", {})' in text and "from txo.paths import Dir" in text


def test_failed_write_leaves_the_original(project: Path) -> None:
    script = project / "scripts" / "sync.py"

    def disk_full_half_way(path: Path, text: str, encoding: str) -> None:
        with atomic_write(path) as stream:
            stream.write(text.encode(encoding)[:20])
            raise OSError("disk full")

    parser = argparse.ArgumentParser(prog="txo-migrate fix")
    add_fix_arguments(parser)
    err = io.StringIO()
    args = parser.parse_args([str(script), "--write"])
    code = run_fix(args, stdout=io.StringIO(), stderr=err, save=disk_full_half_way)
    assert code == 2 and "disk full" in err.getvalue()
    assert script.read_text(encoding="utf-8") == SCRIPT
    assert sorted(p.name for p in script.parent.iterdir()) == ["clean.py", "sync.py"]


def test_select_limits_the_fixes(project: Path) -> None:
    code, out, _ = _run(str(project / "scripts"), "--select", "TXO502")
    assert code == 1 and "TXO502" in out and "TXO501" not in out
    assert _run(str(project / "scripts"), "--select", "TXO6")[0] == 0


def test_nothing_to_change_exits_zero(project: Path) -> None:
    assert _run(str(project / "scripts" / "clean.py")) == (
        0,
        "",
        "Would fix 0 of 0 finding(s) in 0 file(s).\n",
    )


def test_unparsable_file_is_an_error_but_others_are_fixed(project: Path) -> None:
    (project / "scripts" / "broken.py").write_text("def f(:\n", encoding="utf-8")
    code, _, err = _run(str(project / "scripts"), "--write")
    assert code == 2
    assert "broken.py: cannot parse" in err
    assert "from txo.paths import Dir" in (project / "scripts" / "sync.py").read_text()


@pytest.mark.parametrize("argv", [["missing-folder"], ["{root}", "--select", "TXO-5"]])
def test_usage_errors_exit_two(project: Path, argv: list[str]) -> None:
    code, _, err = _run(*(a.format(root=project) for a in argv))
    assert code == 2 and err.startswith("error:")


def test_diff_and_write_are_exclusive() -> None:
    with pytest.raises(SystemExit) as exc:
        _run(".", "--diff", "--write")
    assert exc.value.code == 2


def test_encoding_and_line_endings_survive_write(tmp_path: Path) -> None:
    script = tmp_path / "legacy.py"
    text = '# -*- coding: latin-1 -*-\r\nfrom utils.path_helpers import Dir\r\nname = "caf\xe9"\r\n'
    script.write_bytes(text.encode("latin-1"))
    assert _run(str(script), "--write")[0] == 0
    expected = text.replace("utils.path_helpers", "txo.paths").encode("latin-1")
    assert script.read_bytes() == expected


@pytest.mark.skipif(shutil.which("patch") is None, reason="needs the patch tool")
def test_diff_output_applies_with_patch(project: Path, tmp_path: Path) -> None:
    script = project / "scripts" / "sync.py"
    _, diff, _ = _run(str(script), "--unsafe-fixes")
    subprocess.run(["patch", "-s", "-p0"], input=diff.encode(), cwd="/", check=True)
    assert script.read_text(encoding="utf-8") == fix_source(SCRIPT, unsafe=True).new_source


def test_diff_marks_a_missing_final_newline(tmp_path: Path) -> None:
    script = tmp_path / "tail.py"
    script.write_text("from utils.logger import setup_logger", encoding="utf-8")
    code, out, _ = _run(str(script))
    assert code == 1
    assert out.endswith(
        "-from utils.logger import setup_logger\n\\ No newline at end of file\n"
        "+from txo.compat.v21.logger import setup_logger\n\\ No newline at end of file\n"
    )


def _check_count(path: Path) -> int:
    from txo.migrate.engine import check_source

    return len(check_source(path.read_text(encoding="utf-8"), path.name))


def test_write_exits_one_while_findings_remain_and_its_counts_agree_with_check(
    project: Path,
) -> None:
    script = project / "scripts" / "sync.py"
    before = _check_count(script)
    code, _, err = _run(str(script), "--write")
    after = _check_count(script)
    assert code == 1, err  # unsafe fixes and unfixable findings remain
    assert f"{after} finding(s) remain" in err, err
    assert f"Fixed {before - after} of {before} finding(s)" in err, err
    assert "1 fixable with --unsafe-fixes" in err, err


def test_exit_zero_and_a_clean_write(project: Path) -> None:
    script = project / "scripts" / "sync.py"
    assert _run(str(script), "--write", "--exit-zero")[0] == 0
    clean = project / "scripts" / "clean.py"
    assert _run(str(clean), "--write")[0] == 0


def test_one_walker_for_check_and_fix(tmp_path: Path) -> None:
    """Tool and build folders are skipped alike; hidden folders are never rewritten."""
    for folder in ("build", ".idea", "src"):
        (tmp_path / folder).mkdir()
        (tmp_path / folder / "w.py").write_text("from utils.logger import setup_logger\n")
    code, out, _ = _run(str(tmp_path))
    assert code == 1 and "src/w.py" in out and "build" not in out and ".idea" not in out


def test_select_knows_every_fixable_code_and_check_knows_it_too(project: Path) -> None:
    from txo.migrate.cli import main

    assert main(["check", str(project / "scripts"), "--select", "TXO502"]) == 1
    code, _, err = _run(str(project / "scripts"), "--select", "TXO9")
    assert code == 2 and "unknown rule selector" in err
