"""``fix_source``: parse once, run the selected codemods in order, check the result parses.

Every codemod reports lines in the text it was given; the pipeline maps
them back through the earlier codemods' changes so each
:class:`AppliedFix` names a line of the original source.
"""

from __future__ import annotations

import ast
import difflib
from collections.abc import Sequence

import libcst as cst

from txo.migrate.fix.codemods import CODEMODS, Codemod
from txo.migrate.fix.model import AppliedFix, FixError, FixResult, selected, source_lines

__all__ = ["LineMap", "fix_source"]


class LineMap:
    """Maps a line of ``after`` to the line of ``before`` it came from."""

    def __init__(self, before: str, after: str) -> None:
        old, new = source_lines(before), source_lines(after)
        matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
        self._opcodes = matcher.get_opcodes()
        self._old_count = len(old)

    def to_before(self, line: int) -> int:
        index = line - 1
        for tag, old_start, old_end, new_start, new_end in self._opcodes:
            if new_start <= index < new_end:
                offset = index - new_start
                if tag != "equal":
                    offset = min(offset, max(old_end - old_start - 1, 0))
                return old_start + offset + 1
        return max(self._old_count, 1)


def _parse(source: str) -> cst.Module:
    try:
        ast.parse(source)
        return cst.parse_module(source)
    except SyntaxError as exc:
        raise FixError(f"cannot parse: {exc.msg} (line {exc.lineno})") from exc
    except cst.ParserSyntaxError as exc:
        raise FixError(f"cannot parse: {exc.message} (line {exc.raw_line})") from exc


def _check_parses(text: str, codes: list[str]) -> None:
    try:
        ast.parse(text)
    except SyntaxError as exc:  # a codemod bug: never hand back broken code
        names = ", ".join(sorted(set(codes)))
        raise FixError(
            f"internal error: fixes {names} produced invalid Python ({exc.msg})"
        ) from exc


def _original_line(line: int, maps: list[LineMap]) -> int:
    for line_map in reversed(maps):
        line = line_map.to_before(line)
    return line


def _run(
    codemod: Codemod, module: cst.Module, text: str, maps: list[LineMap]
) -> tuple[cst.Module, str, list[AppliedFix]]:
    if not codemod.wants(text):
        return module, text, []
    new_module, edits = codemod.apply(module)
    new_text = new_module.code
    if not edits or new_text == text:
        return module, text, []
    fixes = [
        AppliedFix(codemod.code, codemod.safe, _original_line(e.line, maps), e.description)
        for e in edits
    ]
    maps.append(LineMap(text, new_text))
    return new_module, new_text, fixes


def fix_source(source: str, *, unsafe: bool, select: Sequence[str] | None = None) -> FixResult:
    """Apply the selected fixes (unsafe ones only with ``unsafe=True``) to ``source``."""
    module = _parse(source)
    codes = None if select is None else [code.strip().upper() for code in select]
    codemods = [cls() for cls in CODEMODS if selected(cls.code, codes)]
    text, applied, maps = source, list[AppliedFix](), list[LineMap]()
    for codemod in codemods:
        if codemod.safe or unsafe:
            module, text, fixes = _run(codemod, module, text, maps)
            applied += fixes
    if applied:
        _check_parses(text, [fix.code for fix in applied])
    hidden = [c for c in codemods if not c.safe and not unsafe and c.wants(text)]
    skipped = sum(len(c.apply(module)[1]) for c in hidden)
    applied.sort(key=lambda fix: (fix.line, fix.code))
    return FixResult(text, applied, skipped)
