"""GitHub Actions workflow commands: ``::error file=…,line=…,col=…,title=CODE::message``."""

from __future__ import annotations

from txo.migrate.report import Report
from txo.migrate.report.text import summary
from txo.migrate.rules import rule_for

__all__ = ["render"]


def _escape_data(value: str) -> str:
    return value.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _escape_property(value: str) -> str:
    return _escape_data(value).replace(":", "%3A").replace(",", "%2C")


def render(report: Report) -> str:
    lines: list[str] = []
    for f in report.findings:
        command = "warning" if rule_for(f.code).level == "warning" else "error"
        props = (
            f"file={_escape_property(f.path)},line={f.line},col={f.col},"
            f"title={_escape_property(f.code)}"
        )
        lines.append(f"::{command} {props}::{_escape_data(f'{f.code} {f.message}')}")
    lines.append(summary(report))
    return "\n".join(lines) + "\n"
