"""Report formats (text, json, SARIF validated against the official schema, github); baselines."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import jsonschema
import pytest

from txo.migrate.baseline import BaselineError, apply_baseline, load_baseline, write_baseline
from txo.migrate.engine import check_source
from txo.migrate.findings import Finding
from txo.migrate.report import FORMATS, Report, render
from txo.migrate.report.sarif import FINGERPRINT_KEY
from txo.migrate.rules import RULES

SCHEMA = Path(__file__).resolve().parents[2] / "data" / "sarif-schema-2.1.0.json"
SOURCE = (
    "import sys\n\n\ndef f(config, token):\n    print(token)\n"
    "    x = config.get('a')  # txo: ignore[TXO201]\n    sys.exit(1)\n"
)


@pytest.fixture
def report(tmp_path: Path) -> Report:
    findings = check_source(SOURCE, "pkg/mod one.py") + check_source("def f(:\n", "bad.py")
    findings.append(
        Finding("TXO101", "outside", str(tmp_path / "x.py"), 1, 1, fingerprint="f" * 32)
    )
    return Report(tuple(sorted(findings, key=lambda f: f.sort_key)), 3, str(tmp_path), 2)


def test_text_lines_and_summary(report: Report) -> None:
    out = render(report, "text").splitlines()
    assert any(line.startswith("pkg/mod one.py:5:5: TXO601 ") for line in out)
    assert out[-1].startswith("Found 6 finding(s) (TXO001: 1, TXO002: 1, TXO101: 2, TXO201: 1")
    assert "in 3 of 3 file(s)" in out[-1] and "2 known finding(s) hidden by the baseline" in out[-1]


def test_text_clean_summary() -> None:
    assert render(Report((), 4, "."), "text") == "All checks passed: 4 file(s), no findings.\n"


def test_json_has_findings_and_summary(report: Report) -> None:
    data = json.loads(render(report, "json"))
    assert data["summary"]["findings"] == len(data["findings"]) == 6
    assert data["summary"]["by_code"]["TXO101"] == 2 and data["summary"]["baselined"] == 2
    first = data["findings"][0]
    assert set(first) >= {"code", "message", "path", "line", "column", "fingerprint"}


def test_sarif_validates_against_the_official_schema(report: Report) -> None:
    data = json.loads(render(report, "sarif"))
    schema = json.loads(SCHEMA.read_text(encoding="utf-8"))
    jsonschema.Draft4Validator(schema).validate(data)
    run = data["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [r.code for r in RULES]
    assert all(r["fullDescription"]["text"] for r in run["tool"]["driver"]["rules"])


def _results(report: Report) -> list[dict[str, Any]]:
    return list(json.loads(render(report, "sarif"))["runs"][0]["results"])


def test_sarif_locations_are_root_relative_and_fingerprinted(report: Report) -> None:
    results = _results(report)
    relative = [
        r
        for r in results
        if r["locations"][0]["physicalLocation"]["artifactLocation"].get("uriBaseId")
    ]
    assert {r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"] for r in relative} == {
        "bad.py",
        "pkg/mod%20one.py",
    }
    outside = [r for r in results if r["message"]["text"] == "outside"]
    assert outside[0]["locations"][0]["physicalLocation"]["artifactLocation"]["uri"].startswith(
        "file:///"
    )
    assert all(len(r["partialFingerprints"][FINGERPRINT_KEY]) == 32 for r in results)
    regions = [r["locations"][0]["physicalLocation"]["region"] for r in results]
    assert all(reg["startLine"] >= 1 and reg["startColumn"] >= 1 for reg in regions)
    assert {r["level"] for r in results} == {"error", "warning"}


def test_github_annotations_escape_properties_and_data() -> None:
    finding = Finding("TXO601", "100% bad\nreally", "a,b:c.py", 3, 4, fingerprint="x")
    line = render(Report((finding,), 1, "."), "github").splitlines()[0]
    assert line == "::error file=a%2Cb%3Ac.py,line=3,col=4,title=TXO601::TXO601 100%25 bad%0Areally"


def test_github_unused_suppression_is_a_warning(report: Report) -> None:
    out = render(report, "github")
    assert "::warning file=pkg/mod one.py,line=6" in out


@pytest.mark.parametrize("fmt", FORMATS)
def test_every_format_renders_an_empty_report(fmt: str) -> None:
    assert render(Report((), 0, "."), fmt)


# --- baseline -------------------------------------------------------------------------


def test_baseline_roundtrip_hides_known_and_keeps_new(tmp_path: Path) -> None:
    old = check_source("def f(config):\n    config.get('a')\n", "m.py")
    path = tmp_path / "baseline.json"
    assert write_baseline(path, old) == 1
    new = check_source(
        "def f(config):\n    config.get('a')\n    config.get('a')\n    config.get('b')\n", "m.py"
    )
    kept, hidden = apply_baseline(new, load_baseline(path))
    assert hidden == 1 and [f.line for f in kept] == [3, 4]


@pytest.mark.parametrize(
    ("content", "match"),
    [
        (None, "does not exist"),
        ("{not json", "cannot read"),
        ('{"findings": [1]}', "not a txo-migrate"),
    ],
)
def test_bad_baseline_files_raise_helpful_errors(
    tmp_path: Path, content: str | None, match: str
) -> None:
    path = tmp_path / "b.json"
    if content is not None:
        path.write_text(content)
    with pytest.raises(BaselineError, match=match):
        load_baseline(path)
