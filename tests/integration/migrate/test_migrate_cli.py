"""``txo-migrate check`` end to end: exit codes, formats, baselines, options, self-hosting."""

from __future__ import annotations

import io
import json
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest

from txo.migrate.cli import PROGRESS_MIN_FILES, build_parser, main, run_check

REPO = Path(__file__).resolve().parents[3]
SCHEMA = REPO / "tests" / "data" / "sarif-schema-2.1.0.json"
LEGACY = """\
import sys
from utils.logger import setup_logger

_seen = []


def main():
    config = load_config("x")
    token = config["_token"]
    print(f"token={token}")
    _seen.append(config.get("global", {}))
    sys.exit(1)
"""


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "legacy.py").write_text(LEGACY)
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "clean.py").write_text(
        '"""Clean."""\n\n\ndef add(a, b):\n    return a + b\n'
    )
    monkeypatch.chdir(tmp_path)
    return tmp_path


def run(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["check", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_clean_tree_exits_0(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "lib")
    assert code == 0 and out == "All checks passed: 1 file(s), no findings.\n"


def test_findings_exit_1_with_one_line_each(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code, out, _ = run(capsys, ".")
    lines = out.splitlines()
    assert code == 1
    assert [line.split(": ")[1].split()[0] for line in lines[:-1]] == [
        "TXO501", "TXO301", "TXO601", "TXO101", "TXO201",
    ]  # fmt: skip
    assert lines[0].startswith("scripts/legacy.py:2:")
    assert lines[-1] == (
        "Found 5 finding(s) (TXO101: 1, TXO201: 1, TXO301: 1, TXO501: 1, TXO601: 1) "
        "in 1 of 2 file(s)."
    )


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["missing_dir"], "path does not exist: missing_dir"),
        ([".", "--select", "TXO9"], "unknown rule selector 'TXO9'"),
        ([".", "--entry-point", "no_colon"], "--entry-point expects MODULE:FUNC"),
        ([".", "--baseline", "nope.json"], "does not exist; create it with --write-baseline"),
        ([".", "--max-function-lines", "0"], "expected a number of at least 1"),
        ([".", "--output-format", "xml"], "invalid choice: 'xml'"),
    ],
)
def test_usage_errors_exit_2_with_a_helpful_message(
    project: Path, capsys: pytest.CaptureFixture[str], args: list[str], message: str
) -> None:
    code, out, err = run(capsys, *args)
    assert code == 2 and out == "" and message in err


def test_select_ignore_and_entry_point(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert run(capsys, ".", "--select", "TXO2,TXO5", "--ignore", "TXO501")[0] == 1
    code, _, _ = run(capsys, ".", "--select", "TXO2", "--entry-point", "scripts.legacy:main")
    assert code == 0


def test_exclude_glob(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, ".", "--exclude", "scripts")
    assert code == 0 and "1 file(s)" in out


def test_baseline_write_then_reuse(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, ".", "--write-baseline", "baseline.json")
    assert code == 0 and out == "" and "wrote 5 finding(s)" in err
    code, out, _ = run(capsys, ".", "--baseline", "baseline.json")
    assert code == 0 and "5 known finding(s) hidden by the baseline" in out
    legacy = project / "scripts" / "legacy.py"
    legacy.write_text("# a new first line moves everything down\n" + LEGACY + "print(password)\n")
    code, out, _ = run(capsys, ".", "--baseline", "baseline.json")
    first, summary = out.splitlines()
    assert code == 1 and first.startswith("scripts/legacy.py:14:1: TXO601 `password`")
    assert summary.startswith("Found 1 finding(s)") and "5 known finding(s) hidden" in summary


def test_sarif_output_file_validates(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, ".", "--output-format", "sarif", "-o", "report.sarif")
    assert code == 1 and out == ""
    data = json.loads((project / "report.sarif").read_text())
    jsonschema.Draft4Validator(json.loads(SCHEMA.read_text())).validate(data)
    uris = {
        r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"]
        for r in data["runs"][0]["results"]
    }
    assert uris == {"scripts/legacy.py"}


def test_root_option_changes_reported_paths(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    _, out, _ = run(capsys, "scripts", "--root", "scripts", "--output-format", "json")
    assert {f["path"] for f in json.loads(out)["findings"]} == {"legacy.py"}


def test_parallel_run_matches_sequential(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    for i in range(60):
        (project / "lib" / f"m{i}.py").write_text(LEGACY)
    one = run(capsys, ".", "--jobs", "1", "--output-format", "json")
    two = run(capsys, ".", "--jobs", "2", "--output-format", "json")
    assert one == two and one[0] == 1
    assert json.loads(one[1])["summary"]["findings"] == 61 * 5


def test_no_progress_bar_when_stderr_is_not_a_terminal(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for i in range(210):
        (project / "lib" / f"n{i}.py").write_text("x = 1\n")
    code, _, err = run(capsys, "lib", "--jobs", "1")
    assert code == 0 and err == ""


def test_rule_command(capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["rule"]) == 0 and "TXO601" in capsys.readouterr().out
    assert main(["rule", "txo101"]) == 0 and "How it decides" in capsys.readouterr().out
    assert main(["rule", "TXO999"]) == 2 and "unknown rule" in capsys.readouterr().err


def _console(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "txo.migrate", *args]
    return subprocess.run(cmd, cwd=cwd, capture_output=True, text=True, timeout=60, check=False)


def test_module_entry_point_exit_codes(project: Path) -> None:
    assert _console("check", "lib", cwd=project).returncode == 0
    found = _console("check", ".", "--output-format", "github", cwd=project)
    assert found.returncode == 1 and found.stdout.startswith(
        "::error file=scripts/legacy.py,line=2,"
    )
    assert _console("check", cwd=project).returncode == 2
    assert _console("--help", cwd=project).returncode == 0


def test_syntax_error_file_is_a_finding_not_a_crash(project: Path) -> None:
    (project / "lib" / "broken.py").write_text("def f(:\n    pass\n")
    result = _console("check", "lib", cwd=project)
    assert result.returncode == 1 and "lib/broken.py:1:7: TXO001 syntax error" in result.stdout
    assert "Traceback" not in result.stderr


def test_migrate_package_is_clean_under_its_own_rules(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, str(REPO / "txo" / "migrate"))
    assert code == 0, out
    assert "All checks passed" in out


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def _check_with_terminal(*argv: str) -> str:
    args = build_parser().parse_args(["check", *argv])
    args.progress_stream = terminal = _Terminal()
    assert run_check(args) == 0
    return terminal.getvalue()


def test_progress_bar_on_a_terminal_for_large_trees(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    for i in range(PROGRESS_MIN_FILES):
        (project / "lib" / f"p{i}.py").write_text("x = 1\n")
    drawn = _check_with_terminal("lib", "--jobs", "1")
    assert f"] {PROGRESS_MIN_FILES + 1}/{PROGRESS_MIN_FILES + 1} files" in drawn
    assert drawn.endswith("\r")  # the bar is erased, leaving the terminal clean
    assert _check_with_terminal("lib", "--jobs", "1", "--no-progress") == ""
    capsys.readouterr()


def test_check_does_not_import_libcst(project: Path) -> None:
    code = (
        "import sys\nfrom txo.migrate.cli import PROGRESS_MIN_FILES, main\n"
        "main(['check', '.'])\nprint('libcst' in sys.modules)\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=project, capture_output=True, text=True, timeout=60
    )
    assert result.stdout.splitlines()[-1] == "False"


def test_fix_subcommand_is_wired(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["fix", "scripts/legacy.py"]) == 1  # --diff is the default: changes pending
    assert "+from txo.compat.v21.logger import setup_logger" in capsys.readouterr().out
    assert (project / "scripts" / "legacy.py").read_text() == LEGACY  # nothing written


def _many_findings(folder: Path) -> Path:
    lines = [f'    v{i} = config.get("k{i}")' for i in range(300)]
    script = folder / "noisy.py"
    script.write_text("def main(config):\n" + "\n".join(lines) + "\n", encoding="utf-8")
    return script


@pytest.mark.parametrize("command", [["check"], ["fix", "--unsafe-fixes"]])
def test_closed_stdout_ends_quietly(project: Path, command: list[str]) -> None:
    """``txo-migrate check . | head -1``: no traceback, no 'internal error', exit 0 (as ruff)."""
    script = _many_findings(project)
    argv = [sys.executable, "-m", "txo.migrate", *command, str(script)]
    env = {**__import__("os").environ, "PYTHONPATH": str(REPO)}
    proc = subprocess.Popen(argv, stdout=subprocess.PIPE, stderr=subprocess.PIPE, env=env)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first write, as after `head` exits
    err = proc.stderr.read().decode()
    assert proc.wait(timeout=120) == 0, err
    assert "BrokenPipe" not in err and "internal error" not in err and "Exception" not in err


def test_report_redacts_secret_text_quoted_from_source(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    """A finding that quotes source (the receiver of a soft .get) never prints a secret."""
    secret = "Bearer eyJhbGciOiJIUzI1NiJ9.eyJzdWIiOiIxIn0.c2lnbmF0dXJlX3Ry"
    (project / "lib" / "leak.py").write_text(
        f'def f(cfg):\n    return {{"auth": "{secret}", }}.get("_token")\n'
    )
    for fmt in ("text", "json", "github", "sarif"):
        code, out, _ = run(capsys, "lib", "--output-format", fmt)
        assert code == 1 and "TXO101" in out
        assert "eyJhbGciOiJIUzI1NiJ9" not in out, fmt


# --- [tool.txo-migrate], --statistics, --add-noqa, --exit-zero ---------------------


SETTINGS = """\
[tool.txo-migrate]
select = ["TXO1", "TXO2", "TXO5"]
ignore = ["TXO501"]
exclude = ["lib"]
entry-points = []

[tool.txo-migrate.per-file-ignores]
"scripts/legacy.py" = ["TXO201"]
"""


def test_pyproject_settings_apply_and_flags_override(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    code, out, _ = run(capsys, ".")
    assert code == 1 and "TXO101: 1) in 1 of 1 file(s)" in out  # lib excluded, TXO201 per-file
    code, out, _ = run(capsys, ".", "--select", "TXO3")
    assert code == 1 and "(TXO301: 1)" in out
    code, out, _ = run(capsys, ".", "--isolated")
    assert "Found 5 finding(s)" in out and "of 2 file(s)" in out
    other = project / "strict.toml"
    other.write_text('select = ["TXO6"]\n', encoding="utf-8")
    assert "(TXO601: 1)" in run(capsys, ".", "--config", str(other))[1]


def test_unknown_settings_key_is_a_usage_error_naming_the_nearest(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    (project / "pyproject.toml").write_text('[tool.txo-migrate]\nignores = ["TXO1"]\n')
    code, out, err = run(capsys, ".")
    assert code == 2 and out == ""
    assert "unknown key 'ignores'" in err and "did you mean 'ignore'?" in err


def test_fix_reads_the_same_settings(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    (project / "pyproject.toml").write_text(SETTINGS, encoding="utf-8")
    fixed = main(["fix", ".", "--write", "--unsafe-fixes"])
    _, err = capsys.readouterr()
    assert (
        "from utils.logger import setup_logger" in (project / "scripts" / "legacy.py").read_text()
    )
    assert fixed == 1 and "Fixed 0 of 1 finding(s) in 0 file(s). 1 finding(s) remain." in err
    code, out, _ = run(capsys, ".")
    assert code == 1 and "Found 1 finding(s) (TXO101: 1)" in out


def test_statistics_counts_per_rule(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, ".", "--statistics")
    assert code == 1
    assert out.splitlines()[:2] == [
        "1  TXO101  soft-fail-config-get  [unsafe fix]",
        "1  TXO201  exit-in-library",
    ]
    code, out, _ = run(capsys, ".", "--statistics", "--output-format", "json")
    assert {row["code"]: row["count"] for row in json.loads(out)}["TXO501"] == 1


def test_add_noqa_then_check_is_clean(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, ".", "--add-noqa", "kept until the v3 port")
    assert code == 0 and "Added 5 suppression(s) to 1 file(s)." in err
    text = (project / "scripts" / "legacy.py").read_text()
    assert "sys.exit(1)  # txo: ignore[TXO201] kept until the v3 port" in text
    assert run(capsys, ".")[0] == 0


def test_exit_zero_reports_but_succeeds(project: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, ".", "--exit-zero")
    assert code == 0 and "Found 5 finding(s)" in out


def test_fix_counts_agree_with_check_under_a_baseline(
    project: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    assert run(capsys, ".", "--write-baseline", "known.json")[0] == 0
    (project / "pyproject.toml").write_text('[tool.txo-migrate]\nbaseline = "known.json"\n')
    fixed = main(["fix", ".", "--write"])
    _, err = capsys.readouterr()
    code, out, _ = run(capsys, ".")
    remaining = 0 if code == 0 else int(out.rsplit("Found ", 1)[1].split()[0])
    assert f"{remaining} finding(s) remain" in err or (remaining == 0 and "remain" not in err)
    assert fixed == (1 if remaining else 0)
