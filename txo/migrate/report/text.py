"""Plain text: one ``path:line:col: CODE message`` line per finding, then a summary."""

from __future__ import annotations

from txo.migrate.report import Report

__all__ = ["render", "summary"]


def summary(report: Report) -> str:
    """One line: how many findings of which codes, in how many files."""
    parts: list[str] = []
    if report.findings:
        counts = ", ".join(f"{code}: {n}" for code, n in report.counts().items())
        parts.append(
            f"Found {len(report.findings)} finding(s) ({counts}) in "
            f"{report.files_with_findings()} of {report.files_checked} file(s)."
        )
    else:
        parts.append(f"All checks passed: {report.files_checked} file(s), no findings.")
    if report.baselined:
        parts.append(f"{report.baselined} known finding(s) hidden by the baseline.")
    if report.errors:
        parts.append(f"{len(report.errors)} file(s) could not be checked (internal error).")
    return " ".join(parts)


def render(report: Report) -> str:
    lines = [f"{f.path}:{f.line}:{f.col}: {f.code} {f.message}" for f in report.findings]
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
