"""The main job's report (``make demo``), built from the session's verify of the legacy corpus."""

from __future__ import annotations

from pathlib import Path

import pytest

from tools.demo import DemoResults, Example, render_report, run_example
from txo.migrate.scorecard import build_scorecard
from txo.migrate.table import UNICODE
from txo.migrate.verify import VerifyReport

REPO = Path(__file__).resolve().parents[2]

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
