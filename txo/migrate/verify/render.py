"""``verify`` reports: box-drawing tables for people, JSON for scripts and the scorecard."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

from txo.migrate.redact import ReportRedactor
from txo.migrate.table import UNICODE, Box, Column, render_table
from txo.migrate.verify.compare import CHECKS, CaseResult
from txo.migrate.verify.migrate import MigrationResult
from txo.migrate.verify.outputs import comparable, first_difference
from txo.migrate.verify.suite import VerifyReport

__all__ = [
    "COMPAT_NOTE",
    "migration_details",
    "migration_section",
    "migration_table",
    "render_json",
    "render_text",
    "run_details",
    "run_notes",
    "runs_section",
    "runs_table",
    "to_dict",
    "verdict",
]

_RUN_COLUMNS = (
    Column("result"),
    Column("script"),
    Column("exit", "^"),
    Column("outputs", "^"),
    Column("warnings", "^"),
    Column("log", "^"),
    Column("secrets", "^"),
    Column("http", "^"),
    Column("time", ">"),
)
_FIX_COLUMNS = (
    Column("result"),
    Column("script"),
    Column("fixes", ">"),
    Column("exit", "^"),
    Column("outputs", "^"),
    Column("warnings", "^"),
    Column("left on compat", ">"),
)
COMPAT_NOTE = (
    "Migrated copies still run under `python -m txo.compat`: names without a v3 drop-in are\n"
    "imported from txo.compat.v21 by `fix` and keep warning (counted in 'left on compat');\n"
    "a name `fix` moved to v3 must not warn any more."
)


def _status(ok: bool) -> str:
    return "PASS" if ok else "FAIL"


def _seconds(value: float) -> str:
    return f"{value:.2f} s"


def runs_table(report: VerifyReport, box: Box = UNICODE) -> str:
    """One row per original run: expected → actual exit code, outputs, warnings, log, secrets."""
    rows = [
        [
            _status(r.ok),
            r.case.label,
            *(r.check(name).summary for name in CHECKS),
            _seconds(r.run.duration),
        ]
        for r in report.results
    ]
    return render_table(_RUN_COLUMNS, rows, box=box, max_cell=40)


def _fix_cell(m: MigrationResult) -> str:
    if m.fix.error is not None:
        return "error"
    return f"{m.fix.total}" + (f" ({m.fix.unsafe} unsafe)" if m.fix.unsafe else "")


def _migration_row(m: MigrationResult) -> list[str]:
    after = "killed" if m.after.exit_code is None else str(m.after.exit_code)
    exit_cell = f"{m.before.exit_code} {'=' if m.exit_same else '≠'} {after}"
    outputs = "same" if not m.different_outputs else f"{len(m.different_outputs)} differ"
    warnings = f"{len(m.before.warnings)} → {len(m.after.warnings)}"
    return [
        _status(m.equivalent),
        m.case.label,
        _fix_cell(m),
        exit_cell,
        outputs,
        warnings,
        str(len(m.left_compat)),
    ]


def migration_table(migrations: tuple[MigrationResult, ...], box: Box = UNICODE) -> str:
    """One row per migrated run: fixes applied, exit, outputs and warnings before → after."""
    return render_table(_FIX_COLUMNS, [_migration_row(m) for m in migrations], box=box, max_cell=40)


def run_details(results: tuple[CaseResult, ...]) -> list[str]:
    lines = []
    for r in results:
        for check in r.checks:
            lines += [f"  {r.case.label}: {detail}" for detail in check.details]
    return lines


def run_notes(results: tuple[CaseResult, ...]) -> list[str]:
    """What the checks report without failing: normalisations, multiset order, warnings."""
    return [f"  {r.case.label}: {note}" for r in results for c in r.checks for note in c.notes]


def migration_details(migrations: tuple[MigrationResult, ...]) -> list[str]:
    lines = []
    for m in migrations:
        where = f"  {m.case.label}:"
        if m.fix.error is not None:
            lines.append(f"{where} fix failed: {m.fix.error}")
        if not m.exit_same:
            lines.append(f"{where} exit code {m.after.exit_code}, was {m.before.exit_code}")
            lines += [f"{where}   {t}" for t in _tail(m.after.stderr)]
        for name in m.different_outputs:
            lines.append(f"{where} output differs: {name}: {_output_note(m, name)}")
        lines += [f"{where} HTTP: {d}" for d in m.different_requests]
        lines += [f"{where} still warns for moved name {n}" for n in sorted(m.left_moved)]
    return lines


def _output_note(m: MigrationResult, name: str) -> str:
    if name not in m.before.outputs:
        return "only the migrated run wrote it"
    if name not in m.after.outputs:
        return "the migrated run did not write it"
    before = comparable(name, m.before.outputs[name])
    return first_difference(before, comparable(name, m.after.outputs[name]))


def _tail(text: str, count: int = 3) -> list[str]:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return [line[:100] for line in lines[-count:]]


def _listed(title: str, details: list[str]) -> str:
    return f"{title}:\n" + "\n".join(details) + "\n" if details else ""


def runs_section(report: VerifyReport, box: Box = UNICODE) -> str:
    """The runs table, then every difference from the record (the demo shows it too)."""
    return (
        runs_table(report, box)
        + _listed("Differences", run_details(report.results))
        + _listed("Notes (not failures)", run_notes(report.results))
    )


def migration_section(migrations: tuple[MigrationResult, ...], box: Box = UNICODE) -> str:
    """The after-fix table, the compat note, then why any migrated copy is not equivalent."""
    text = migration_table(migrations, box) + COMPAT_NOTE + "\n"
    return text + _listed("Not equivalent", migration_details(migrations))


def verdict(report: VerifyReport) -> str:
    """One line: how many runs behave as recorded (and how many migrated copies are equivalent)."""
    text = (
        f"{report.passed}/{len(report.results)} runs behave as recorded under txo.compat"
        " (exit code, outputs, warnings, log lines, no secret leaked, HTTP requests sent)"
    )
    if report.migrations is not None:
        same = sum(1 for m in report.migrations if m.equivalent)
        before = sum(len(m.before.warnings) for m in report.migrations)
        after = sum(len(m.after.warnings) for m in report.migrations)
        text += (
            f"; after fix {same}/{len(report.migrations)} equivalent, warnings {before} → {after}"
        )
    return text


def render_text(report: VerifyReport, box: Box = UNICODE) -> str:
    """The whole human report: runs table, failures, after-fix table and a verdict line."""
    parts = [
        f"Legacy scripts in {report.corpus} under `python -m txo.compat` "
        f"(expected → actual; timeout {report.timeout:g} s per run)\n",
        runs_section(report, box),
    ]
    if report.migrations is not None:
        parts += [
            "\nAfter `txo-migrate fix --unsafe-fixes` on a copy (original → migrated run)\n",
            migration_section(report.migrations, box),
        ]
    mark = "PASS" if report.ok else "FAIL"
    parts.append(f"\n{mark}: {verdict(report)} in {report.duration:.1f} s.\n")
    return "".join(parts)


def _run_dict(r: CaseResult) -> dict[str, Any]:
    run = r.run
    return {
        "id": r.case.id,
        "script": r.case.script,
        "args": list(r.case.args),
        "ok": r.ok,
        "exit_code": {"expected": r.case.exit_code, "actual": run.exit_code},
        "timed_out": run.timed_out,
        "duration_s": round(run.duration, 3),
        "outputs": {
            "expected": [o.path for o in r.case.outputs],
            "actual": sorted(run.outputs),
        },
        "warnings": {
            "expected": None if r.case.warnings is None else sorted(r.case.warnings),
            "actual": sorted(run.warnings),
        },
        "used_fake_api": r.case.needs_api,
        "checks": {
            c.name: {
                "ok": c.ok,
                "summary": c.summary,
                "details": list(c.details),
                "notes": list(c.notes),
            }
            for c in r.checks
        },
    }


def _migration_dict(m: MigrationResult) -> dict[str, Any]:
    return {
        "id": m.case.id,
        "equivalent": m.equivalent,
        "fixes": {"safe": m.fix.safe, "unsafe": m.fix.unsafe, "error": m.fix.error},
        "exit_code": {"before": m.before.exit_code, "after": m.after.exit_code},
        "different_outputs": list(m.different_outputs),
        "different_requests": list(m.different_requests),
        "warnings": {
            "before": sorted(m.before.warnings),
            "after": sorted(m.after.warnings),
            "moved_to_v3": sorted(m.fix.moved),
            "left_for_moved_names": sorted(m.left_moved),
            "left_on_compat": sorted(m.left_compat),
        },
        "duration_s": round(m.after.duration, 3),
    }


def to_dict(report: VerifyReport) -> dict[str, Any]:
    """The report as JSON-ready data."""
    migrations = report.migrations
    return {
        "tool": "txo-migrate verify",
        "version": 1,
        "corpus": report.corpus,
        "ok": report.ok,
        "timeout_s": report.timeout,
        "duration_s": round(report.duration, 3),
        "summary": {"runs": len(report.results), "passed": report.passed},
        "runs": [_run_dict(r) for r in report.results],
        "after_fix": None if migrations is None else [_migration_dict(m) for m in migrations],
    }


def render_json(report: VerifyReport) -> str:
    redact = _redactor(report)
    return json.dumps(_redacted(to_dict(report), redact.text), indent=2) + "\n"


def redact_text(report: VerifyReport, text: str) -> str:
    """``text`` (a rendered report) with the corpus's secrets and secret-like matches hidden:
    stderr tails and diffs quote what the scripts wrote, and a script may leak."""
    return _redactor(report).text(text)


def _redactor(report: VerifyReport) -> ReportRedactor:
    from txo.log import Redactor, SecretRegistry, load_redaction_patterns

    return ReportRedactor(Redactor(load_redaction_patterns(), SecretRegistry(report.secrets)))


def _redacted(value: Any, redact: Callable[[str], str]) -> Any:
    """JSON data with every string redacted (keys are ours and stay as they are)."""
    if isinstance(value, str):
        return redact(value)
    if isinstance(value, list):
        return [_redacted(v, redact) for v in value]
    if isinstance(value, dict):
        return {k: _redacted(v, redact) for k, v in value.items()}
    return value
