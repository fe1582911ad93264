"""``txo-migrate scorecard``: the counting pass, the seven metrics, the CLI and its exit codes."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from txo.migrate.cli import main
from txo.migrate.scorecard import (
    MemoryResult,
    Status,
    build_scorecard,
    measure,
    read_memory_report,
)
from txo.migrate.verify import Case, CaseResult, Check, ScriptRun, VerifyReport

REPO = Path(__file__).resolve().parents[3]

HARD = """
def main():
    config = load_config(paths, "txo", "test")
    url = config["global"]["api-base-url"]
    timeout = config.require("script-behavior", "api-timeouts")
    rate = config.optional("script-behavior", "rate", default=1)
    section = config["global"]
    name = section["name"]
    config["written"] = 1
    response = api.get(url)
    return response["value"], rate, timeout, name, os.environ["HOME"]
"""
SOFT = """
def read(settings):
    return settings.get("timeout", 30), settings["global"]
"""


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


# --- counting -----------------------------------------------------------------------


def test_hard_fail_reads_on_config_are_counted_once_per_chain(tmp_path: Path) -> None:
    stats = measure(write(tmp_path, {"a.py": HARD}), tmp_path)
    # config["global"]["api-base-url"], .require, .optional, config["global"], section["name"]
    assert stats.hard_reads == 5
    assert stats.soft_reads == 0


def test_soft_get_counts_as_txo101_and_lowers_compliance(tmp_path: Path) -> None:
    card = build_scorecard(write(tmp_path, {"a.py": HARD, "b.py": SOFT}), root=tmp_path)
    assert (card.stats.hard_reads, card.stats.soft_reads) == (6, 1)
    compliance = next(m for m in card.metrics if m.key == "compliance")
    assert compliance.status is Status.FAIL
    assert compliance.measured == "85.7 % (6/7)"
    soft = next(m for m in card.metrics if m.key == "soft_config")
    assert (soft.status, soft.count) == (Status.FAIL, 1)


def test_no_config_reads_is_full_compliance(tmp_path: Path) -> None:
    card = build_scorecard(write(tmp_path, {"a.py": "x = 1\n"}), root=tmp_path)
    compliance = next(m for m in card.metrics if m.key == "compliance")
    assert (compliance.status, compliance.measured) == (Status.PASS, "no config reads")


def test_longest_function_is_measured(tmp_path: Path) -> None:
    body = "def long():\n" + "    x = 1\n" * 59 + "\n\ndef short():\n    return 1\n"
    card = build_scorecard(write(tmp_path, {"pkg/m.py": body}), root=tmp_path)
    assert card.stats.longest == 60
    assert card.stats.longest_where == "pkg/m.py:1 long"
    functions = next(m for m in card.metrics if m.key == "functions")
    assert (functions.status, functions.measured) == (Status.FAIL, "1 over · longest 60")


def test_suppressions_are_counted_with_their_reasons(tmp_path: Path) -> None:
    source = (
        "import sys\n"
        "_CACHE = {}  # txo: ignore[TXO301] v2.1 semantics: one process-wide cache\n"
        "_CACHE['a'] = 1\n"
        "def f():\n"
        "    sys.exit(1)  # txo: ignore[TXO201]\n"
        "x = '# txo: ignore[TXO101] in a string'\n"
        "y = 2  # txo: ignore  -- blanket, with a reason\n"
    )
    stats = measure(write(tmp_path, {"m.py": source}), tmp_path)
    found = [(s.line, s.codes, s.reason) for s in stats.suppressions]
    assert found == [
        (2, ("TXO301",), "v2.1 semantics: one process-wide cache"),
        (5, ("TXO201",), ""),
        (7, None, "blanket, with a reason"),
    ]
    assert [s.has_reason for s in stats.suppressions] == [True, False, True]


def test_a_file_that_does_not_parse_is_a_finding_not_a_crash(tmp_path: Path) -> None:
    stats = measure(write(tmp_path, {"bad.py": "def (:\n", "ok.py": HARD}), tmp_path)
    assert stats.findings == {"TXO001": 1}
    assert stats.files == 2 and stats.errors == ()


# --- the metrics ----------------------------------------------------------------------


def test_txo_itself_passes_every_code_metric() -> None:
    card = build_scorecard(REPO / "txo", root=REPO)
    code_metrics = [m for m in card.metrics if m.key not in ("memory", "scripts")]
    assert [m.status for m in code_metrics] == [Status.PASS] * 5, code_metrics
    assert card.path == "txo"
    assert card.stats.hard_reads > 0
    assert all(s.has_reason for s in card.suppressions)
    assert all(s.path.startswith("txo/compat/") for s in card.suppressions)


def test_memory_and_scripts_are_not_measured_without_their_inputs(tmp_path: Path) -> None:
    card = build_scorecard(write(tmp_path, {"a.py": "x = 1\n"}), root=tmp_path)
    memory, scripts = card.metrics[5], card.metrics[6]
    assert (memory.status, memory.measured) == (Status.NOT_MEASURED, "not measured")
    assert (scripts.status, scripts.measured) == (Status.NOT_MEASURED, "not run")
    assert card.passed and card.count(Status.PASS) == 5


@pytest.mark.parametrize(
    ("content", "stable", "note"),
    [
        (
            {"memory_stable": True, "conditions": {"a": True, "b": True}},
            True,
            "stable (2/2 checks)",
        ),
        ({"memory_stable": False, "conditions": {"a": True, "b": False}}, False, "NOT stable"),
        ({"memory": "yes"}, None, "report has no memory_stable"),
        ("not json", None, "unreadable report (JSONDecodeError)"),
    ],
)
def test_the_memory_report_is_read(
    tmp_path: Path, content: Any, stable: bool | None, note: str
) -> None:
    path = tmp_path / "summary.json"
    path.write_text(content if isinstance(content, str) else json.dumps(content))
    result = read_memory_report(path)
    assert result is not None
    assert result.stable is stable
    assert result.note.startswith(note)


def test_no_memory_report_means_not_measured(tmp_path: Path) -> None:
    assert read_memory_report(tmp_path / "none.json") is None
    assert read_memory_report(None) is None


def test_memory_verdict_follows_memory_stable(tmp_path: Path) -> None:
    tree = write(tmp_path, {"a.py": "x = 1\n"})
    good = build_scorecard(tree, root=tmp_path, memory=MemoryResult(True, "stable"))
    bad = build_scorecard(tree, root=tmp_path, memory=MemoryResult(False, "NOT stable"))
    assert good.metrics[5].status is Status.PASS
    assert bad.metrics[5].status is Status.FAIL and not bad.passed


def _report(*oks: bool) -> VerifyReport:
    case = Case("scripts/s.py", ("o", "e"), 0, frozenset(), (), ())
    run = ScriptRun(case, 0, 0.1, "", "", "", {}, False, frozenset())
    results = tuple(CaseResult(case, run, (Check("exit", ok, ""),)) for ok in oks)
    return VerifyReport("corpus", 5.0, results, None, 0.1)


@pytest.mark.parametrize(
    ("oks", "status", "measured"),
    [
        ((True, True), Status.PASS, "2/2 runs match"),
        ((True, False), Status.FAIL, "1/2 runs match"),
        ((), Status.FAIL, "0/0 runs match"),
    ],
)
def test_existing_scripts_metric_comes_from_verify(
    tmp_path: Path, oks: tuple[bool, ...], status: Status, measured: str
) -> None:
    card = build_scorecard(write(tmp_path, {"a.py": ""}), root=tmp_path, verify=_report(*oks))
    assert (card.metrics[6].status, card.metrics[6].measured) == (status, measured)


# --- the CLI ----------------------------------------------------------------------------


def scorecard(capsys: pytest.CaptureFixture[str], *args: str) -> tuple[int, str, str]:
    code = main(["scorecard", *args])
    out, err = capsys.readouterr()
    return code, out, err


def test_cli_text_exit_0_when_every_metric_passes(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(write(tmp_path, {"lib/a.py": HARD}))
    code, out, _ = scorecard(capsys, "lib")
    assert code == 0
    assert "Scorecard for lib (1 files)" in out
    row = next(line for line in out.splitlines() if "hard-fail config compliance" in line)
    assert [cell.strip() for cell in row.split("│")[1:-1]] == [
        "4", "hard-fail config compliance", "100 %", "PASS", "100 % (5/5)",
    ]  # fmt: skip
    assert "not measured" in out and "not run" in out
    assert "PASS: lib: 5 of 7 metrics pass, 2 not measured." in out
    assert "\x1b[" not in out


def test_cli_json_exit_1_on_a_failing_metric(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(write(tmp_path, {"lib/b.py": SOFT}))
    code, out, _ = scorecard(capsys, "lib", "--format", "json")
    data = json.loads(out)
    assert code == 1
    assert data["passed"] is False
    assert [m["status"] for m in data["metrics"]] == [
        "FAIL", "PASS", "PASS", "FAIL", "PASS", "NOT_MEASURED", "NOT_MEASURED",
    ]  # fmt: skip
    assert data["config_reads"] == {"hard": 1, "soft": 1}
    assert data["findings_by_code"] == {"TXO101": 1}


def test_cli_reads_an_explicit_memory_report(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.chdir(write(tmp_path, {"lib/a.py": "x = 1\n"}))
    (tmp_path / "mem.json").write_text('{"memory_stable": false}')
    code, out, _ = scorecard(capsys, "lib", "--memory-report", "mem.json", "--format", "json")
    memory = json.loads(out)["metrics"][5]
    assert code == 1
    assert (memory["status"], memory["measured"]) == ("FAIL", "NOT stable")


def test_cli_ignores_a_report_lying_in_the_working_folder(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    """The memory metric is measured only from a report the caller names, never a stray file."""
    monkeypatch.chdir(write(tmp_path, {"lib/a.py": "x = 1\n"}))
    (tmp_path / "reports" / "memory").mkdir(parents=True)
    (tmp_path / "reports" / "memory" / "summary.json").write_text('{"memory_stable": false}')
    _, out, _ = scorecard(capsys, "lib", "--format", "json")
    assert json.loads(out)["metrics"][5]["status"] == "NOT_MEASURED"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["nowhere"], "path does not exist: nowhere"),
        (["lib", "--memory-report", "none.json"], "no memory report at none.json"),
        (["lib", "--verify", "lib"], "has no expectations.json"),
    ],
)
def test_cli_usage_errors_exit_2(
    tmp_path: Path,
    capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
    args: list[str],
    message: str,
) -> None:
    monkeypatch.chdir(write(tmp_path, {"lib/a.py": "x = 1\n"}))
    code, out, err = scorecard(capsys, *args)
    assert code == 2 and out == ""
    assert message in err
