"""Finding and per-file result values shared by the engine, reports and baseline.

Kept apart from the engine so reports and the baseline can import them
without pulling in the rules.
"""

from __future__ import annotations

import dataclasses
import hashlib
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from txo.migrate.fixes import Fix

__all__ = ["FileResult", "Finding", "fingerprint", "with_fingerprints"]


@dataclass(frozen=True, slots=True)
class Finding:
    """One problem at one place.  Lines and columns are 1-based; columns count characters.

    `fix` is the rule's repair, when it has one and the run asked for fixes
    (``CheckOptions.with_fixes``); it takes no part in equality.
    """

    code: str
    message: str
    path: str
    line: int
    col: int
    end_line: int | None = None
    end_col: int | None = None
    fingerprint: str = ""
    fix: Fix | None = field(default=None, compare=False)

    @property
    def sort_key(self) -> tuple[str, int, int, str]:
        """Report order: by file, then position, then code."""
        return (self.path, self.line, self.col, self.code)


@dataclass(frozen=True, slots=True)
class FileResult:
    """What checking one file produced; `error` is set when the checker itself failed."""

    path: str
    findings: tuple[Finding, ...]
    error: str | None = None


def fingerprint(code: str, path: str, source_line: str, occurrence: int) -> str:
    """A location-independent id: survives edits that only move the line up or down."""
    normalized = " ".join(source_line.split())
    data = f"{code}\0{path}\0{normalized}\0{occurrence}".encode()
    return hashlib.sha256(data).hexdigest()[:32]


def with_fingerprints(findings: list[Finding], lines: list[str]) -> list[Finding]:
    """Give each finding its fingerprint; repeats of the same code on equal lines get 0, 1, …"""
    seen: dict[tuple[str, str], int] = {}
    out: list[Finding] = []
    for f in findings:
        text = lines[f.line - 1] if 0 < f.line <= len(lines) else ""
        key = (f.code, " ".join(text.split()))
        n = seen.get(key, 0)
        seen[key] = n + 1
        fp = fingerprint(f.code, f.path, text, n)
        out.append(dataclasses.replace(f, fingerprint=fp))
    return out
