"""``fix_source``: check, apply the findings' fixes, check again until nothing changes.

One source of truth: the fixes are the ones the rules attach to the findings
``check`` reports (``CheckOptions.with_fixes``), so every fix has a checkable
code and the counts agree with a following ``check``.  A fix that overlaps
another in the same round waits for the next round; rounds are bounded.
"""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Sequence

from txo.migrate.engine import RuleSet, check_source
from txo.migrate.findings import Finding
from txo.migrate.fix.model import AppliedFix, FixError, FixResult
from txo.migrate.fixes import apply_fixes
from txo.migrate.options import CheckOptions
from txo.migrate.rules import select_codes

__all__ = ["MAX_ROUNDS", "fix_source"]

#: Enough for fixes that wait on each other (an import move, then the names using it).
MAX_ROUNDS = 10


def _parse(source: str) -> None:
    try:
        ast.parse(source)
    except SyntaxError as exc:
        raise FixError(f"cannot parse: {exc.msg} (line {exc.lineno})") from exc
    except (ValueError, RecursionError, MemoryError) as exc:
        raise FixError(f"cannot parse: {exc}") from exc


def _check_parses(text: str, fixed: Sequence[Finding]) -> None:
    try:
        ast.parse(text)
    except SyntaxError as exc:  # a rule's fix is wrong: never hand back broken code
        names = ", ".join(sorted({f.code for f in fixed}))
        raise FixError(
            f"internal error: fixes {names} produced invalid Python ({exc.msg})"
        ) from exc


def _check(text: str, path: str, opts: CheckOptions, ruleset: RuleSet) -> list[Finding]:
    try:
        return check_source(text, path, opts, ruleset)
    except ModuleNotFoundError:  # an extra is missing (libcst): the CLI says which to install
        raise
    except Exception as exc:  # a rule bug must not end the run: this file is an error
        raise FixError(f"internal error while checking: {type(exc).__name__}: {exc}") from exc


def _wanted(findings: Sequence[Finding], unsafe: bool) -> list[Finding]:
    return [f for f in findings if f.fix is not None and (unsafe or f.fix.safe)]


def fix_source(
    source: str,
    *,
    unsafe: bool,
    select: Sequence[str] | None = None,
    path: str = "<string>",
    options: CheckOptions | None = None,
) -> FixResult:
    """Apply the fixes of the selected rules (unsafe ones only with ``unsafe=True``).

    ``select`` holds codes or prefixes as ``check --select`` takes them
    (ValueError for an unknown one); ``options`` are the check settings.
    Raises :class:`FixError` when ``source`` does not parse.
    """
    _parse(source)
    base = options or CheckOptions()
    codes = select_codes(select) if select is not None else base.codes
    opts = dataclasses.replace(base, codes=codes, with_fixes=True)
    ruleset = RuleSet.build(opts)
    text, applied = source, list[AppliedFix]()
    findings = _check(text, path, opts, ruleset)
    before = tuple(findings)
    for _ in range(MAX_ROUNDS):
        wanted = _wanted(findings, unsafe)
        new_text, fixed = apply_fixes(text, wanted) if wanted else (text, [])
        if new_text == text:
            break
        _check_parses(new_text, fixed)
        applied += [
            AppliedFix(f.code, f.fix.safe, f.line, f.fix.description)
            for f in fixed
            if f.fix is not None
        ]
        text = new_text
        findings = _check(text, path, opts, ruleset)
    applied.sort(key=lambda fix: (fix.line, fix.code))
    hidden = 0 if unsafe else sum(1 for f in findings if f.fix is not None and not f.fix.safe)
    return FixResult(text, applied, hidden, len(before), tuple(findings), before)
