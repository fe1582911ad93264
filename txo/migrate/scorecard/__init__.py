"""``txo-migrate scorecard``: the v3.0 roadmap's seven success metrics for a tree, PASS or FAIL.

:func:`build_scorecard` measures a folder with one ``check`` walk per file (plus the counting
pass of :mod:`txo.migrate.scorecard.counting`) and judges each metric
(:mod:`txo.migrate.scorecard.metrics`); :mod:`txo.migrate.scorecard.render` prints it.  The
names below load their module on first use, so ``txo-migrate check`` does not pay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from txo._lazy import lazy_exports

if TYPE_CHECKING:
    from txo.migrate.scorecard.counting import CodeStats, SuppressionUse, measure
    from txo.migrate.scorecard.metrics import (
        MemoryResult,
        Metric,
        Scorecard,
        Status,
        build_scorecard,
        read_memory_report,
    )

__all__ = [
    "CodeStats",
    "MemoryResult",
    "Metric",
    "Scorecard",
    "Status",
    "SuppressionUse",
    "build_scorecard",
    "measure",
    "read_memory_report",
]

__getattr__ = lazy_exports(
    __name__,
    {
        "counting": ("CodeStats", "SuppressionUse", "measure"),
        "metrics": (
            "MemoryResult",
            "Metric",
            "Scorecard",
            "Status",
            "build_scorecard",
            "read_memory_report",
        ),
    },
)
