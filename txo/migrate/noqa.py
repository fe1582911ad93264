"""``check --add-noqa``: suppress today's findings with a reason, to adopt on a large legacy tree.

Each line with findings gets ``# txo: ignore[CODES] REASON`` (codes merged
into a ``# txo: ignore[...]`` already there), so a team can switch the checker
on now and burn the list down; the scorecard counts suppressions and whether
they carry a reason.  A line whose end is inside a multi-line string or after a
backslash continuation cannot carry a comment and is left (and counted);
a file is written only if it still parses, atomically, in its own encoding.
"""

from __future__ import annotations

import ast
import io
import re
import tokenize
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

from txo.migrate.files import read_source_file
from txo.migrate.findings import Finding
from txo.migrate.fixes import source_lines

__all__ = ["DEFAULT_REASON", "NoqaResult", "add_noqa", "add_noqa_to_source"]

DEFAULT_REASON = "legacy code, suppressed by txo-migrate check --add-noqa"
_NEVER = frozenset({"TXO001", "TXO002"})  # a syntax error or an unused suppression: fix those
_EXISTING = re.compile(r"#\s*txo:\s*ignore(?![\w-])(\[([^\]]*)\])?")


@dataclass(slots=True)
class NoqaResult:
    """How many suppressions were added, in how many files, and lines that could not take one."""

    added: int = 0
    files: int = 0
    skipped: int = 0


def _uncommentable(source: str) -> set[int]:
    """Lines whose end lies inside a string token (a comment there would change the string)."""
    lines: set[int] = set()
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.start[0] != token.end[0] and token.type != tokenize.NL:
                lines.update(range(token.start[0], token.end[0]))
    except (tokenize.TokenError, SyntaxError):
        return set(range(1, source.count("\n") + 2))
    return lines


def _with_codes(line: str, codes: Iterable[str], reason: str) -> str | None:
    """``line`` carrying a suppression for ``codes``; None when it already hides everything."""
    body = line.rstrip("\r\n")
    ending = line[len(body) :]
    match = _EXISTING.search(body)
    wanted = sorted(set(codes))
    if match is None:
        return f"{body}  # txo: ignore[{', '.join(wanted)}] {reason}{ending}"
    if match.group(1) is None:
        return None
    present = [c.strip().upper() for c in match.group(2).replace(",", " ").split()]
    merged = ", ".join(sorted(set(present) | set(wanted)))
    return f"{body[: match.start()]}# txo: ignore[{merged}]{body[match.end() :]}{ending}"


def add_noqa_to_source(
    source: str, codes_by_line: Mapping[int, Iterable[str]], reason: str
) -> tuple[str, int, int]:
    """(new source, suppressions added, lines skipped) for one file's findings."""
    lines = source_lines(source)
    blocked = _uncommentable(source)
    added = skipped = 0
    for number, all_codes in sorted(codes_by_line.items()):
        codes = set(all_codes) - _NEVER
        if not codes:
            continue
        text = lines[number - 1] if 0 < number <= len(lines) else None
        if text is None or number in blocked or text.rstrip("\r\n").endswith("\\"):
            skipped += 1
            continue
        new = _with_codes(text, codes, reason)
        if new is not None and new != text:
            lines[number - 1] = new
            added += 1
    return "".join(lines), added, skipped


def add_noqa(
    findings: Iterable[Finding], files: Mapping[str, Path], reason: str = DEFAULT_REASON
) -> NoqaResult:
    """Suppress ``findings`` in their files (``files``: display path -> file on disk)."""
    from txo.data.atomic import atomic_write

    by_file: dict[str, dict[int, set[str]]] = {}
    for finding in findings:
        by_file.setdefault(finding.path, {}).setdefault(finding.line, set()).add(finding.code)
    result = NoqaResult()
    for display, codes_by_line in sorted(by_file.items()):
        path = files[display]
        source = read_source_file(path)
        text, added, skipped = add_noqa_to_source(source.text, codes_by_line, reason)
        result.skipped += skipped
        if not added:
            continue
        try:
            ast.parse(text)
        except SyntaxError:
            result.skipped += added
            continue
        with atomic_write(path) as stream:
            stream.write(text.encode(source.encoding))
        result.added += added
        result.files += 1
    return result
