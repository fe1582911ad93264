"""``txo-migrate verify``: run legacy scripts under the compat layer and compare with the record.

For each run recorded in ``DIR/expectations.json`` (see :mod:`txo.migrate.verify.corpus`):
copy the corpus to a temporary project, start the fake Business Central API on 127.0.0.1 when
the run needs it, run ``python -m txo.compat SCRIPT ARGS`` in a subprocess bounded by a timeout,
and compare the exit code, the output files (by content), the exact set of deprecation
warnings, the expected log lines, and that no secret leaked.  A run recorded by
``txo-migrate record`` (:mod:`txo.migrate.record`) is replayed instead: HTTP answered from its
cassette (:mod:`txo.migrate.verify.replay`) and the requests sent compared with the recorded
ones (:mod:`txo.migrate.verify.http`).  ``--after-fix`` also runs a
``fix``-ed copy and judges whether it is equivalent (:mod:`txo.migrate.verify.migrate`).

Python API: :func:`verify_corpus` returns a :class:`VerifyReport`; :func:`load_corpus` and
:func:`run_case` run single cases (the integration tests use them).  The names below load
their module on first use, so ``txo-migrate check`` does not pay for them.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from txo._lazy import lazy_exports

if TYPE_CHECKING:
    from txo.migrate.verify.compare import CaseResult, Check, compare_run
    from txo.migrate.verify.corpus import (
        Case,
        Corpus,
        CorpusError,
        ExpectedOutput,
        load_corpus,
    )
    from txo.migrate.verify.migrate import FileFix, MigrationResult
    from txo.migrate.verify.outputs import decode
    from txo.migrate.verify.runner import ScriptRun, run_case
    from txo.migrate.verify.suite import VerifyReport, verify_corpus

__all__ = [
    "DEFAULT_TIMEOUT",
    "Case",
    "CaseResult",
    "Check",
    "Corpus",
    "CorpusError",
    "ExpectedOutput",
    "FileFix",
    "MigrationResult",
    "ScriptRun",
    "VerifyReport",
    "compare_run",
    "decode",
    "load_corpus",
    "run_case",
    "verify_corpus",
]

#: Seconds a run may take before its process group is killed.
DEFAULT_TIMEOUT = 60.0

__getattr__ = lazy_exports(
    __name__,
    {
        "compare": ("CaseResult", "Check", "compare_run"),
        "corpus": ("Case", "Corpus", "CorpusError", "ExpectedOutput", "load_corpus"),
        "migrate": ("FileFix", "MigrationResult"),
        "outputs": ("decode",),
        "runner": ("ScriptRun", "run_case"),
        "suite": ("VerifyReport", "verify_corpus"),
    },
)
