"""Per-rule fixtures, ruff style: ``tests/data/rules/<CODE>/<name>.py`` with snapshots beside it.

* ``<name>.py.expected`` - the findings ``check --select CODE`` reports, one per line
  (``LINE:COL CODE [safe fix|unsafe fix] message``);
* ``<name>.py.fixed`` - the file after ``fix --select CODE --unsafe-fixes`` (fixable rules).

The folders ``all`` and ``safe`` run every rule (``safe``: without ``--unsafe-fixes``).
A fixture whose first line is ``# legacy-target: 3.1`` is checked and fixed with that
``legacy-target`` (default: the checker's own).
Run with ``TXO_UPDATE_SNAPSHOTS=1`` to write the snapshots after a deliberate change,
then review them with ``git diff``.
"""

from __future__ import annotations

import dataclasses
import os
from pathlib import Path

import pytest

from txo.migrate.engine import check_source
from txo.migrate.findings import Finding
from txo.migrate.fix.loop import fix_source
from txo.migrate.options import CheckOptions
from txo.migrate.rules import RULES, Rule, select_codes

RULES_DATA = Path(__file__).resolve().parents[2] / "data" / "rules"
CASES = sorted(RULES_DATA.glob("*/*.py"))
UPDATE = os.environ.get("TXO_UPDATE_SNAPSHOTS") == "1"
TARGET_LINE = "# legacy-target:"


def _mode(case: Path) -> tuple[list[str] | None, bool]:
    """(selected codes, unsafe) for the fixture's folder."""
    folder = case.parent.name
    if folder in ("all", "safe"):
        return None, folder == "all"
    return [folder], True


def _options(case: Path, text: str) -> CheckOptions:
    """The check options of a fixture: its folder's rules, its ``# legacy-target:`` line."""
    select, _ = _mode(case)
    codes = select_codes(select) if select else None
    first = text.partition("\n")[0]
    if first.startswith(TARGET_LINE):
        return CheckOptions(codes=codes, legacy_target=first.removeprefix(TARGET_LINE).strip())
    return CheckOptions(codes=codes)


def _line(finding: Finding) -> str:
    fix = f" [{finding.fix.applicability.value} fix]" if finding.fix is not None else ""
    return f"{finding.line}:{finding.col} {finding.code}{fix} {finding.message}\n"


def _snapshot(path: Path, actual: str) -> None:
    if UPDATE:
        path.write_text(actual, encoding="utf-8")
    assert path.exists(), f"missing snapshot {path.name}: run with TXO_UPDATE_SNAPSHOTS=1"
    assert actual == path.read_text(encoding="utf-8"), f"{path.name} differs"


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_findings_snapshot(case: Path) -> None:
    text = case.read_text(encoding="utf-8")
    options = dataclasses.replace(_options(case, text), with_fixes=True)
    findings = check_source(text, case.name, options)
    _snapshot(case.with_name(case.name + ".expected"), "".join(map(_line, findings)))


@pytest.mark.parametrize("case", CASES, ids=lambda p: f"{p.parent.name}/{p.stem}")
def test_fixed_snapshot_and_idempotence(case: Path) -> None:
    select, unsafe = _mode(case)
    text = case.read_text(encoding="utf-8")
    options = _options(case, text)
    fixed = fix_source(text, unsafe=unsafe, select=select, options=options)
    _snapshot(case.with_name(case.name + ".fixed"), fixed.new_source)
    again = fix_source(fixed.new_source, unsafe=unsafe, select=select, options=options)
    assert again.new_source == fixed.new_source and again.applied == []


@pytest.mark.parametrize("rule", [r for r in RULES if r.fixable is not None], ids=lambda r: r.code)
def test_every_fixable_rule_has_fixtures_that_change_something(rule: type[Rule]) -> None:
    cases = [c for c in CASES if c.parent.name == rule.code]
    assert cases, f"add tests/data/rules/{rule.code}/<name>.py with its snapshots"
    assert any(fix_source(c.read_text(), unsafe=True, select=[rule.code]).changed for c in cases)
