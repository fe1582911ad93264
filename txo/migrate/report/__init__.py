"""Report formats for ``txo-migrate check``: text, json, sarif, github.

Each format is one module with a ``render(report) -> str`` function; this
package holds the `Report` value they all read and the name -> renderer map.
"""

from __future__ import annotations

from collections import Counter
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from txo.migrate.findings import Finding

__all__ = ["FORMATS", "Report", "render", "render_statistics"]


@dataclass(frozen=True, slots=True)
class Report:
    """Everything a format shows: findings after suppressions and baseline, and counts."""

    findings: tuple[Finding, ...]
    files_checked: int
    root: str
    baselined: int = 0
    errors: tuple[tuple[str, str], ...] = ()

    def counts(self) -> dict[str, int]:
        """Findings per rule code, in code order."""
        return dict(sorted(Counter(f.code for f in self.findings).items()))

    def files_with_findings(self) -> int:
        """How many files have at least one finding."""
        return len({f.path for f in self.findings})


def _renderers() -> Mapping[str, Callable[[Report], str]]:
    from txo.migrate.report import github, jsonfmt, sarif, text

    return MappingProxyType(
        {
            "text": text.render,
            "json": jsonfmt.render,
            "sarif": sarif.render,
            "github": github.render,
        }
    )


FORMATS = ("text", "json", "sarif", "github")


def render(report: Report, fmt: str) -> str:
    """The report in format `fmt` (one of FORMATS)."""
    return _renderers()[fmt](report)


def render_statistics(report: Report, fmt: str) -> str:
    """``check --statistics``: findings per rule (JSON for ``json``, a table otherwise)."""
    import json

    from txo.migrate.rules import rule_for

    rows = [(code, n, rule_for(code)) for code, n in report.counts().items()]
    if fmt == "json":
        data = [
            {
                "code": code,
                "name": rule.name,
                "count": n,
                "fix": None if rule.fixable is None else rule.fixable.value,
            }
            for code, n, rule in rows
        ]
        return json.dumps(data, indent=2) + "\n"
    width = max((len(str(n)) for _, n, _ in rows), default=1)
    lines = [
        f"{n:>{width}}  {code}  {rule.name}"
        + ("" if rule.fixable is None else f"  [{rule.fixable.value} fix]")
        for code, n, rule in rows
    ]
    lines.append(f"Found {len(report.findings)} finding(s) in {report.files_checked} file(s).")
    return "\n".join(lines) + "\n"
