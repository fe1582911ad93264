"""Scorecard reports: one tree as a table, two trees side by side, and JSON."""

from __future__ import annotations

import json
from collections import Counter
from typing import Any

from txo.migrate.redact import ReportRedactor
from txo.migrate.scorecard.metrics import Metric, Scorecard, Status
from txo.migrate.table import UNICODE, Box, Column, render_table

__all__ = [
    "compare_table",
    "findings_line",
    "render_json",
    "render_text",
    "scorecard_table",
    "suppressions_line",
    "to_dict",
    "verdict",
]

_OTHER_CODES = (
    ("TXO501", "deprecated v2.1 names"),
    ("TXO601", "secrets in print/log"),
    ("TXO002", "unused suppressions"),
    ("TXO001", "files that do not parse"),
)


def scorecard_table(card: Scorecard, box: Box = UNICODE) -> str:
    """``# | metric | target | result | measured`` for one tree."""
    columns = (Column("#", ">"), "metric", "target", "result", "measured")
    rows = [
        [str(i), m.title, m.target, m.status.value, m.measured]
        for i, m in enumerate(card.metrics, start=1)
    ]
    return render_table(columns, rows, box=box)


def compare_table(
    left: Scorecard,
    right: Scorecard,
    box: Box = UNICODE,
    labels: tuple[str, str] | None = None,
) -> str:
    """Two trees side by side: the metric and target once, then verdict and count for each."""
    names = labels or (left.path, right.path)
    columns = (Column("#", ">"), "metric", "target", names[0], names[1])
    rows = [
        [str(i), a.title, a.target, _cell(a), _cell(b)]
        for i, (a, b) in enumerate(zip(left.metrics, right.metrics, strict=True), start=1)
    ]
    return render_table(columns, rows, box=box)


def _cell(metric: Metric) -> str:
    return f"{metric.status.value:4}  {metric.measured}"


def suppressions_line(card: Scorecard) -> str:
    """``5 `# txo: ignore` comments, 5 with a reason (TXO201 ×3, TXO301 ×2) in txo/compat``."""
    uses = card.suppressions
    if not uses:
        return f"{card.path}: no `# txo: ignore` suppressions."
    reasons = sum(1 for s in uses if s.has_reason)
    codes = Counter(code for s in uses for code in (s.codes or ("all codes",)))
    by_code = ", ".join(f"{c} ×{n}" for c, n in sorted(codes.items()))
    folders = sorted({s.path.rpartition("/")[0] or "." for s in uses})
    where = ", ".join(folders[:3]) + (" …" if len(folders) > 3 else "")
    text = (
        f"{card.path}: {len(uses)} `# txo: ignore` suppression(s), {reasons} with a reason "
        f"({by_code}) in {where}."
    )
    missing = [f"{s.path}:{s.line}" for s in uses if not s.has_reason]
    if missing:
        text += f" Without a reason: {', '.join(missing[:5])}."
    return text


def findings_line(card: Scorecard) -> str:
    """The other rules' counts: deprecated names, secrets in output, unused suppressions."""
    found = card.stats.findings
    parts = [f"{found.get(code, 0)} {what} ({code})" for code, what in _OTHER_CODES]
    return f"{card.path}: also " + ", ".join(parts) + f"; {card.stats.files} files checked."


def verdict(card: Scorecard) -> str:
    """``PASS: 6 of 7 metrics pass, 1 not measured`` (FAIL when any metric fails)."""
    passed, failed = card.count(Status.PASS), card.count(Status.FAIL)
    unknown = card.count(Status.NOT_MEASURED)
    text = f"{'PASS' if card.passed else 'FAIL'}: {card.path}: {passed} of {len(card.metrics)}"
    text += " metrics pass"
    if failed:
        text += f", {failed} fail"
    if unknown:
        text += f", {unknown} not measured"
    return text


def render_text(card: Scorecard, box: Box = UNICODE) -> str:
    lines = [
        f"Scorecard for {card.path} ({card.stats.files} files)\n",
        scorecard_table(card, box),
        suppressions_line(card) + "\n",
        findings_line(card) + "\n",
    ]
    errors = ReportRedactor().pairs(card.stats.errors)  # an error may quote a source line
    lines += [f"error: could not check {p}: {e}\n" for p, e in errors]
    return "".join(lines) + "\n" + verdict(card) + ".\n"


def to_dict(card: Scorecard) -> dict[str, Any]:
    """The scorecard as JSON-ready data."""
    stats = card.stats
    redactor = ReportRedactor()  # reasons and errors are text from the scored source
    return {
        "tool": "txo-migrate scorecard",
        "version": 1,
        "path": card.path,
        "passed": card.passed,
        "metrics": [
            {
                "key": m.key,
                "title": m.title,
                "target": m.target,
                "status": "NOT_MEASURED" if m.status is Status.NOT_MEASURED else m.status.value,
                "measured": m.measured,
                "value": m.count,
            }
            for m in card.metrics
        ],
        "files": stats.files,
        "findings_by_code": dict(stats.findings),
        "config_reads": {"hard": stats.hard_reads, "soft": stats.soft_reads},
        "functions": {"count": stats.functions, "longest": stats.longest},
        "longest_function": stats.longest_where,
        "suppressions": [
            {"path": s.path, "line": s.line, "codes": s.codes, "reason": redactor.text(s.reason)}
            for s in card.suppressions
        ],
        "errors": [{"path": p, "message": e} for p, e in redactor.pairs(stats.errors)],
    }


def render_json(card: Scorecard) -> str:
    return json.dumps(to_dict(card), indent=2) + "\n"
