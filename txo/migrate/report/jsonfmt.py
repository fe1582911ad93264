"""JSON: ``{"findings": [...], "summary": {...}}`` for scripts and the scorecard."""

from __future__ import annotations

import json
from typing import Any

from txo.migrate.report import Report

__all__ = ["render", "to_dict"]


def to_dict(report: Report) -> dict[str, Any]:
    """The report as plain JSON-ready data."""
    findings = [
        {
            "code": f.code,
            "message": f.message,
            "path": f.path,
            "line": f.line,
            "column": f.col,
            "end_line": f.end_line,
            "end_column": f.end_col,
            "fingerprint": f.fingerprint,
        }
        for f in report.findings
    ]
    summary = {
        "files_checked": report.files_checked,
        "files_with_findings": report.files_with_findings(),
        "findings": len(report.findings),
        "by_code": report.counts(),
        "baselined": report.baselined,
        "errors": [{"path": p, "message": m} for p, m in report.errors],
    }
    return {"tool": "txo-migrate", "version": 1, "findings": findings, "summary": summary}


def render(report: Report) -> str:
    return json.dumps(to_dict(report), indent=2) + "\n"
