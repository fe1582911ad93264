"""``# txo:`` comment directives: suppressions and entry-point markers.

``# txo: ignore[TXO101, TXO601]`` hides those codes on its line, a bare
``# txo: ignore`` hides every code there, and ``# txo: entry-point`` on a
``def`` line declares that function an entry point (TXO201).  Text after the
directive is free, so a reason can follow: ``# txo: ignore[TXO201] v2.1 exits``.
A suppression that hides nothing is itself reported as TXO002.
"""

from __future__ import annotations

import io
import re
import tokenize
from collections.abc import Iterator, Mapping
from dataclasses import dataclass
from types import MappingProxyType

from txo.migrate.findings import Finding

__all__ = ["Directives", "Suppression", "apply_suppressions", "parse_directives"]

_DIRECTIVE = re.compile(r"#\s*txo:\s*(ignore|entry-point)(?![\w-])(?:\[([^\]]*)\])?")
_MARKER = "txo:"
UNUSED_CODE = "TXO002"


@dataclass(frozen=True, slots=True)
class Suppression:
    """One ``# txo: ignore`` comment; `codes` is None for a bare (blanket) one."""

    line: int
    col: int
    codes: frozenset[str] | None


@dataclass(frozen=True, slots=True)
class Directives:
    """Every directive of a file: suppressions by line, and entry-point def lines."""

    suppressions: Mapping[int, Suppression]
    entry_lines: frozenset[int]


_EMPTY = Directives(MappingProxyType({}), frozenset())


def parse_directives(source: str) -> Directives:
    """Find the directives in real comments (a ``# txo:`` inside a string does not count)."""
    if _MARKER not in source:
        return _EMPTY
    suppressions: dict[int, Suppression] = {}
    entry_lines: set[int] = set()
    for line, col, text in _comments(source):
        for match in _DIRECTIVE.finditer(text):
            if match.group(1) == "entry-point":
                entry_lines.add(line)
                continue
            raw = match.group(2)
            codes = None if raw is None else frozenset(_split_codes(raw))
            suppressions[line] = Suppression(line, col + match.start() + 1, codes)
    return Directives(suppressions, frozenset(entry_lines))


def _split_codes(raw: str) -> Iterator[str]:
    for part in raw.replace(",", " ").split():
        yield part.strip().upper()


def _comments(source: str) -> Iterator[tuple[int, int, str]]:
    """(line, col, text) of each comment; falls back to a line scan if tokenizing fails."""
    found: list[tuple[int, int, str]] = []
    try:
        for tok in tokenize.generate_tokens(io.StringIO(source).readline):
            if tok.type == tokenize.COMMENT and _MARKER in tok.string:
                found.append((tok.start[0], tok.start[1], tok.string))
    except (tokenize.TokenError, SyntaxError):
        found = [
            (n, text.index("#"), text[text.index("#") :])
            for n, text in enumerate(source.splitlines(), start=1)
            if "#" in text and _MARKER in text
        ]
    return iter(found)


def apply_suppressions(
    findings: list[Finding],
    directives: Directives,
    *,
    enabled: frozenset[str] | None,
    known: frozenset[str],
    path: str,
) -> list[Finding]:
    """Drop suppressed findings and add a TXO002 for each suppression that hid nothing.

    A code that is not enabled in this run is never called unused: the rule did not run.
    """
    if not directives.suppressions:
        return findings
    used: dict[int, set[str]] = {}
    kept: list[Finding] = []
    for finding in findings:
        sup = directives.suppressions.get(finding.line)
        if sup is not None and (sup.codes is None or finding.code in sup.codes):
            used.setdefault(finding.line, set()).add(finding.code)
        else:
            kept.append(finding)
    if enabled is None or UNUSED_CODE in enabled:
        kept.extend(_unused(directives, used, enabled, known, path))
    return kept


def _unused(
    directives: Directives,
    used: dict[int, set[str]],
    enabled: frozenset[str] | None,
    known: frozenset[str],
    path: str,
) -> Iterator[Finding]:
    for sup in directives.suppressions.values():
        hits = used.get(sup.line, set())
        if sup.codes is None:
            if not hits:
                msg = "unused blanket suppression `# txo: ignore` (nothing to hide on this line)"
                yield Finding(UNUSED_CODE, msg, path, sup.line, sup.col)
            continue
        for code in sorted(sup.codes - hits):
            if code not in known:
                msg = f"unknown rule code {code} in suppression"
            elif enabled is not None and code not in enabled:
                continue
            else:
                msg = f"unused suppression for {code} (no {code} finding on this line)"
            yield Finding(UNUSED_CODE, msg, path, sup.line, sup.col)
