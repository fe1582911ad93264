"""The counting pass behind the scorecard: one ``check`` walk per file, plus three tallies.

:class:`ConfigAccessCounter` is the TXO101 rule (:class:`SoftConfigGet`) turned into a counter:
it keeps that rule's notion of a config-like receiver (names, data flow from a config load,
chains) and counts the *hard-fail* reads on such receivers — subscripts
(``config["global"]["x"]``, one per chain), ``.require(...)`` and ``.optional(...)``.  The soft
reads are TXO101's own findings.  It also measures the longest function and collects every
``# txo: ignore`` comment with the reason written after it.

It runs inside the same engine walk as the real rules (an extra entry in the
:class:`~txo.migrate.engine.RuleSet`), writing into a :class:`Tally` built for the run.
"""

from __future__ import annotations

import ast
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import cast

from txo.migrate.engine import RuleSet, check_file
from txo.migrate.files import discover
from txo.migrate.options import DEFAULT_MAX_FUNCTION_LINES, CheckOptions
from txo.migrate.rules.base import FileContext, Handler
from txo.migrate.rules.txo101_config_get import SoftConfigGet
from txo.migrate.suppressions import parse_directives

__all__ = ["CodeStats", "ConfigAccessCounter", "SuppressionUse", "Tally", "measure"]

_HARD_METHODS = frozenset({"require", "optional"})
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)


@dataclass(frozen=True, slots=True)
class SuppressionUse:
    """One ``# txo: ignore[...]`` comment: where, which codes (None: all) and its reason text."""

    path: str
    line: int
    codes: tuple[str, ...] | None
    reason: str

    @property
    def has_reason(self) -> bool:
        return bool(self.reason)


@dataclass(slots=True)
class Tally:
    """What the counter found over a run (one per run, never shared between runs)."""

    hard_reads: int = 0
    functions: int = 0
    longest: int = 0
    longest_where: str = ""
    suppressions: list[SuppressionUse] = field(default_factory=list)


def _reason(text: str, col: int, blanket: bool) -> str:
    """The free text after a directive: after ``]``, or after ``ignore`` for a bare one."""
    rest = text[col - 1 :]
    end = rest.find("ignore") + len("ignore") if blanket else rest.find("]") + 1
    return rest[end:].strip().lstrip("-—:#").strip()


class ConfigAccessCounter(SoftConfigGet):
    """Counts hard-fail config reads, function lengths and suppressions (never reports)."""

    code = "TXO101"
    name = "config-access-counter"

    def __init__(self, ctx: FileContext, shared: object = None) -> None:
        super().__init__(ctx, shared)
        self._reads: list[tuple[ast.expr, ast.AST]] = []
        self._chained: set[int] = set()

    @property
    def tally(self) -> Tally:
        return cast(Tally, self.shared)

    def handlers(self) -> Mapping[type[ast.AST], Handler]:
        table = dict(super().handlers())  # the bindings TXO101 follows
        table[ast.Call] = self._on_access_call
        table[ast.Subscript] = self._on_subscript
        table[ast.FunctionDef] = table[ast.AsyncFunctionDef] = self._on_def
        return table

    def _chain(self, expr: ast.expr) -> None:
        """Mark the inner links of ``a["x"]["y"]`` / ``a.require(...)["y"]`` as counted."""
        while True:
            if isinstance(expr, ast.Subscript):
                self._chained.add(id(expr))
                expr = expr.value
            elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
                if expr.func.attr in _HARD_METHODS:
                    self._chained.add(id(expr))
                expr = expr.func.value
            else:
                return

    def _on_subscript(self, node: ast.Subscript) -> None:
        if isinstance(node.ctx, ast.Load) and id(node) not in self._chained:
            self._reads.append((node.value, self.ctx.scopes[-1]))
            self._chain(node.value)

    def _on_access_call(self, node: ast.Call) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr in _HARD_METHODS):
            return
        if id(node) not in self._chained:
            self._reads.append((func.value, self.ctx.scopes[-1]))
            self._chain(func.value)

    def _on_def(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        self._on_scope(node)
        length = (node.end_lineno or node.lineno) - node.lineno + 1
        tally = self.tally
        tally.functions += 1
        if length > tally.longest:
            tally.longest = length
            tally.longest_where = f"{self.ctx.path}:{node.lineno} {node.name}"

    def finish(self) -> None:
        self._propagate()
        self.tally.hard_reads += sum(1 for r, s in self._reads if self._is_config(r, s))
        self._count_suppressions()

    def _count_suppressions(self) -> None:
        lines = self.ctx.lines
        for sup in parse_directives(self.ctx.source).suppressions.values():
            text = lines[sup.line - 1] if 0 < sup.line <= len(lines) else ""
            codes = None if sup.codes is None else tuple(sorted(sup.codes))
            reason = _reason(text, sup.col, sup.codes is None)
            self.tally.suppressions.append(SuppressionUse(self.ctx.path, sup.line, codes, reason))


@dataclass(frozen=True, slots=True)
class CodeStats:
    """Everything the scorecard needs from the code under PATH."""

    files: int
    findings: Mapping[str, int]
    hard_reads: int
    functions: int
    longest: int
    longest_where: str
    suppressions: tuple[SuppressionUse, ...]
    errors: tuple[tuple[str, str], ...]

    @property
    def soft_reads(self) -> int:
        return self.findings.get("TXO101", 0)


def measure(
    path: Path, root: Path | None = None, max_function_lines: int = DEFAULT_MAX_FUNCTION_LINES
) -> CodeStats:
    """Check every Python file under ``path`` once: findings per code plus the tallies."""
    base = (root or Path.cwd()).resolve()
    options = CheckOptions(max_function_lines=max_function_lines, root=str(base))
    tally = Tally()
    ruleset = RuleSet((*RuleSet.build(options).rules, (ConfigAccessCounter, tally)))
    results = [check_file(Path(p), d, options, ruleset) for p, d in discover([str(path)], base)]
    counts = Counter(f.code for r in results for f in r.findings)
    return CodeStats(
        files=len(results),
        findings=dict(sorted(counts.items())),
        hard_reads=tally.hard_reads,
        functions=tally.functions,
        longest=tally.longest,
        longest_where=tally.longest_where,
        suppressions=tuple(sorted(tally.suppressions, key=lambda s: (s.path, s.line))),
        errors=tuple((r.path, r.error) for r in results if r.error is not None),
    )
