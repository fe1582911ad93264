"""The roadmap's seven success metrics, each judged PASS, FAIL or not measured.

1. zero soft-fail config access — no TXO101 finding;
2. no exit in library code — no TXO201 finding;
3. functions under 50 lines — no TXO401 finding (the longest function is shown too);
4. hard-fail compliance — hard-fail config reads (``[...]``, ``.require``, ``.optional``) over all
   config reads including soft ``.get()``; PASS at 100 % (or when nothing reads config);
5. no global mutable state — no TXO301 finding;
6. memory stable under load — ``memory_stable`` of the memory report (``make memory``), else
   not measured;
7. existing scripts still work — every run of ``verify DIR`` as recorded, else not run.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from pathlib import Path
from typing import Any

from txo.migrate.files import display_path
from txo.migrate.options import DEFAULT_MAX_FUNCTION_LINES
from txo.migrate.scorecard.counting import CodeStats, SuppressionUse, measure
from txo.migrate.table import NOT_MEASURED
from txo.migrate.verify.suite import VerifyReport

__all__ = [
    "MemoryResult",
    "Metric",
    "Scorecard",
    "Status",
    "build_scorecard",
    "read_memory_report",
]


class Status(StrEnum):
    PASS = "PASS"
    FAIL = "FAIL"
    NOT_MEASURED = NOT_MEASURED  # the dash `paint` colours


@dataclass(frozen=True, slots=True)
class Metric:
    """One row of the scorecard: what is measured, the target, the verdict and the number."""

    key: str
    title: str
    target: str
    status: Status
    measured: str
    count: float | None = None


@dataclass(frozen=True, slots=True)
class MemoryResult:
    """The part of ``reports/memory/summary.json`` the scorecard shows (None: not measured)."""

    stable: bool | None
    note: str


@dataclass(frozen=True, slots=True)
class Scorecard:
    """The metrics for one tree, plus the raw numbers behind them."""

    path: str
    stats: CodeStats
    metrics: tuple[Metric, ...]

    @property
    def passed(self) -> bool:
        """No metric failed (not-measured ones do not count against it)."""
        return all(m.status is not Status.FAIL for m in self.metrics)

    def count(self, status: Status) -> int:
        return sum(1 for m in self.metrics if m.status is status)

    @property
    def suppressions(self) -> tuple[SuppressionUse, ...]:
        return self.stats.suppressions


def _zero(key: str, title: str, code: str, stats: CodeStats) -> Metric:
    n = stats.findings.get(code, 0)
    return Metric(key, title, f"0 {code}", Status.PASS if n == 0 else Status.FAIL, f"{n}", n)


def _functions(stats: CodeStats, limit: int) -> Metric:
    n = stats.findings.get("TXO401", 0)
    measured = f"{n} over · longest {stats.longest}" if stats.functions else "no functions"
    status = Status.PASS if n == 0 else Status.FAIL
    return Metric("functions", f"functions under {limit} lines", "0 TXO401", status, measured, n)


def _compliance(stats: CodeStats) -> Metric:
    hard, soft = stats.hard_reads, stats.soft_reads
    title, target = "hard-fail config compliance", "100 %"
    if hard + soft == 0:
        return Metric("compliance", title, target, Status.PASS, "no config reads", 100.0)
    pct = 100.0 * hard / (hard + soft)
    shown = f"{pct:.1f}".removesuffix(".0")
    status = Status.PASS if soft == 0 else Status.FAIL
    return Metric("compliance", title, target, status, f"{shown} % ({hard}/{hard + soft})", pct)


def _memory(memory: MemoryResult | None) -> Metric:
    title, target = "memory stable under load", "stable"
    if memory is None or memory.stable is None:
        note = memory.note if memory is not None else "not measured"
        return Metric("memory", title, target, Status.NOT_MEASURED, note)
    status = Status.PASS if memory.stable else Status.FAIL
    return Metric("memory", title, target, status, memory.note, float(memory.stable))


def _scripts(verify: VerifyReport | None) -> Metric:
    title, target = "existing scripts still work", "all runs"
    if verify is None:
        return Metric("scripts", title, target, Status.NOT_MEASURED, "not run")
    total = len(verify.results)
    status = Status.PASS if verify.runs_ok and total else Status.FAIL
    return Metric(
        "scripts", title, target, status, f"{verify.passed}/{total} runs match", verify.passed
    )


def _memory_note(data: Mapping[str, Any], stable: bool) -> str:
    text = "stable" if stable else "NOT stable"
    conditions = data["conditions"] if isinstance(data.get("conditions"), dict) else {}
    if conditions:
        text += f" ({sum(1 for v in conditions.values() if v)}/{len(conditions)} checks)"
    return text


def read_memory_report(path: Path | None) -> MemoryResult | None:
    """The memory summary at ``path`` (None when there is none: "not measured")."""
    if path is None or not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, UnicodeDecodeError, json.JSONDecodeError) as exc:
        return MemoryResult(None, f"unreadable report ({type(exc).__name__})")
    if not isinstance(data, dict) or not isinstance(data.get("memory_stable"), bool):
        return MemoryResult(None, "report has no memory_stable")
    return MemoryResult(data["memory_stable"], _memory_note(data, data["memory_stable"]))


def build_scorecard(
    path: Path,
    *,
    verify: VerifyReport | None = None,
    memory: MemoryResult | None = None,
    root: Path | None = None,
    max_function_lines: int = DEFAULT_MAX_FUNCTION_LINES,
) -> Scorecard:
    """Measure ``path`` and judge the seven metrics."""
    stats = measure(path, root, max_function_lines)
    metrics = (
        _zero("soft_config", "zero soft-fail config access", "TXO101", stats),
        _zero("exit", "no exit in library code", "TXO201", stats),
        _functions(stats, max_function_lines),
        _compliance(stats),
        _zero("global_state", "no global mutable state", "TXO301", stats),
        _memory(memory),
        _scripts(verify),
    )
    return Scorecard(display_path(path, root or Path.cwd()) or ".", stats, metrics)
