"""The main job's report (``make demo``), built from the session's verify of the legacy corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.demo import DemoResults, Example, render_report, run_example
from tools.demo_record import Workflow, record_corpus, record_standin, render_workflow
from txo.migrate.scorecard import build_scorecard
from txo.migrate.table import UNICODE
from txo.migrate.verify import VerifyReport

REPO = Path(__file__).resolve().parents[3]

pytestmark = pytest.mark.loopback

EXAMPLE = """\
import sys
from pathlib import Path

print("2026-01-01T00:00:00.000Z - txo - INFO - Starting Example (demo-local)", file=sys.stderr)
print("2026-01-01T00:00:00.000Z - txo - INFO - Converted 3 customers", file=sys.stderr)
Path("output").mkdir(exist_ok=True)
Path("output/result.json").write_text("{}")
print("2026-01-01T00:00:00.000Z - txo - INFO - Finished: Example", file=sys.stderr)
sys.exit(int(sys.argv[1]))
"""


def test_report_shows_scorecards_verify_tables_and_a_verdict(
    legacy_verify: VerifyReport,
) -> None:
    v3 = build_scorecard(REPO / "txo", verify=legacy_verify, root=REPO)
    legacy = build_scorecard(REPO / "migration" / "legacy", root=REPO)
    text = render_report(DemoResults(v3, legacy, legacy_verify, ()), UNICODE, 1.0)
    assert text.startswith("txo 3.0 — migration report\n")
    for heading in ("1. Roadmap scorecard", "2. Legacy scripts run unchanged", "3. The same runs"):
        assert f"\n{heading}" in text
    assert "4. v3 examples" not in text
    assert "│ txo/ (v3) " in text and "│ migration/legacy/ (v2.1) " in text
    scripts = next(line for line in text.splitlines() if "existing scripts still work" in line)
    assert "PASS  17/17 runs match" in scripts
    verdict = text.rstrip().splitlines()[-1]
    assert verdict.startswith("Verdict: PASS — txo/ passes")
    assert "17/17 legacy runs behave as recorded" in verdict
    assert "\x1b[" not in text


def test_an_example_run_is_summarised(tmp_path: Path) -> None:
    (tmp_path / "example.py").write_text(EXAMPLE, encoding="utf-8")
    ok = run_example(Example("ex ok", ".", ("example.py", "0"), "output"), tmp_path, 30)
    assert ok.ok and ok.exit_code == 0
    assert ok.lines == ("Converted 3 customers",)
    assert ok.written == ("result.json",)
    failed = run_example(Example("ex fails", ".", ("example.py", "3"), "output"), tmp_path, 30)
    assert not failed.ok and failed.exit_code == 3
    assert failed.written == ("result.json",)  # rewritten: a new modification time


def test_an_example_that_cannot_start_is_reported(tmp_path: Path) -> None:
    missing = Example("gone", "no-such-dir", ("x.py",), "output")
    result = run_example(missing, tmp_path, 5)
    assert result.exit_code == 127 and not result.ok
    assert result.lines[0].startswith("could not start:")


def test_the_stand_in_project_is_recorded_then_verified(tmp_path: Path) -> None:
    flow = record_standin(REPO, tmp_path, 60)
    assert flow.ok, flow.record_text
    assert flow.report is not None and flow.report.passed == 5
    assert flow.exchanges >= 20  # every replayed request was compared
    paging = flow.report.result_for("page_customers").check("http")
    assert paging.ok and any(n.startswith("changed on purpose: paging") for n in paging.notes)
    text = render_workflow(flow, UNICODE, brief=False)
    assert "$ txo-migrate record erp-scripts    # runs from 5 --run options\n" in text
    assert "  recorded scripts/sync_customers.py standin api: exit 0" in text
    assert "$ txo-migrate verify erp-scripts/.txo-verify\n" in text
    assert "PASS: 5/5 runs behave as recorded" in text
    assert str(tmp_path) not in text  # paths as a user would see them


def test_the_corpus_is_recorded_on_compat_then_replayed(tmp_path: Path) -> None:
    flow = record_corpus(REPO, tmp_path, 60)
    assert flow.ok, flow.record_text
    assert "has no utils/ folder: recording on txo.compat" in flow.record_text
    assert flow.left_out == ("07_rate_limit_breaker",)
    report = flow.report
    assert report is not None and report.passed == len(report.results) == 16
    targets = {r.case.id: r.case.target for r in report.results}
    assert targets["10_schema_violation@3.1"] == "3.1"
    assert targets["14_v31_timestamps_workbook@3.1"] == "3.1"
    assert report.result_for("04_rest_write").check("http").summary == "11 = 11"
    text = render_workflow(flow, UNICODE, brief=True)
    assert "… 14 more runs recorded …" in text and "notes not shown" in text, text


def test_a_recording_that_does_not_replay_fails_the_demo(legacy_verify: VerifyReport) -> None:
    v3 = build_scorecard(REPO / "txo", verify=legacy_verify, root=REPO)
    legacy = build_scorecard(REPO / "migration" / "legacy", root=REPO)
    broken = Workflow("stand-in project", REPO / "erp-scripts", 1, "boom\n", None)
    results = DemoResults(v3, legacy, legacy_verify, (), (broken,))
    assert not results.ok
    text = render_report(results, UNICODE, 1.0)
    assert "\n4. Record once on the old library" in text
    assert "nothing to verify: record failed" in text
    verdict = text.rstrip().splitlines()[-1]
    assert verdict.startswith("Verdict: FAIL") and "stand-in project: record failed" in verdict
