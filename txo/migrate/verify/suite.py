"""Verify a whole corpus: every recorded run, optionally again after ``fix``, in parallel.

Each run gets its own work folder, its own fake API (when needed) and its own subprocess, so
runs are independent and can overlap; the worker threads only wait on their subprocess.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
import time
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from txo.migrate.verify import DEFAULT_TIMEOUT
from txo.migrate.verify.compare import CaseResult, compare_run
from txo.migrate.verify.corpus import Case, Corpus, load_corpus
from txo.migrate.verify.migrate import FileFix, MigrationResult, compare_migration, migrate_copy
from txo.migrate.verify.runner import ScriptRun, run_case

if TYPE_CHECKING:
    from txo.migrate.progress import Progress

__all__ = ["PROGRESS_MIN_RUNS", "VerifyReport", "default_jobs", "run_all", "verify_corpus"]

_MAX_JOBS = 8
#: Runs take seconds each: a bar is worth it from two runs on (on a terminal only).
PROGRESS_MIN_RUNS = 2


@dataclass(frozen=True, slots=True)
class VerifyReport:
    """The results of one ``verify`` over a corpus; ``migrations`` only with ``after_fix``."""

    corpus: str
    timeout: float
    results: tuple[CaseResult, ...]
    migrations: tuple[MigrationResult, ...] | None
    duration: float
    secrets: frozenset[str] = frozenset()  # the corpus's: the rendered report never shows them

    @property
    def runs_ok(self) -> bool:
        """Every original run behaved as recorded."""
        return all(r.ok for r in self.results)

    @property
    def migrations_ok(self) -> bool:
        """Every migrated copy is equivalent (True when ``--after-fix`` was not asked)."""
        return self.migrations is None or all(m.equivalent for m in self.migrations)

    @property
    def ok(self) -> bool:
        return self.runs_ok and self.migrations_ok

    @property
    def passed(self) -> int:
        return sum(1 for r in self.results if r.ok)

    def result_for(self, case_id: str) -> CaseResult:
        """The result of the run with this :attr:`Case.id`."""
        for result in self.results:
            if result.case.id == case_id:
                return result
        raise KeyError(case_id)


@contextlib.contextmanager
def _shown(bar: Progress | None) -> Iterator[None]:
    """Draw the bar at 0 now and erase it at the end, whatever happens in between."""
    if bar is None:
        yield
        return
    bar.draw()
    try:
        yield
    finally:
        bar.clear()


def default_jobs() -> int:
    """Parallel runs by default: the CPU count, at most eight."""
    return max(1, min(_MAX_JOBS, os.cpu_count() or 1))


def run_all(
    corpus: Corpus,
    workdir: Path,
    *,
    source: Path | None = None,
    timeout: float = DEFAULT_TIMEOUT,
    jobs: int | None = None,
    env_extra: Mapping[str, str] | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[ScriptRun]:
    """Run every case of ``corpus`` (from ``source``, default its root), in case order.

    ``progress(1)`` is called as each run ends (from the worker threads).
    """

    def one(item: tuple[int, Case]) -> ScriptRun:
        index, case = item
        folder = workdir / f"{index:02d}-{case.name}"
        folder.mkdir(parents=True)
        run = run_case(corpus, case, folder, source=source, timeout=timeout, env_extra=env_extra)
        if progress is not None:
            progress(1)
        return run

    with ThreadPoolExecutor(max_workers=jobs or default_jobs()) as pool:
        return list(pool.map(one, enumerate(corpus.cases)))


def _migrations(
    corpus: Corpus,
    before: Sequence[ScriptRun],
    tmp: Path,
    run: Callable[[str, Path], list[ScriptRun]],
) -> tuple[MigrationResult, ...]:
    fixes = migrate_copy(corpus.source, tmp / "migrated")
    after = run("after-fix", tmp / "migrated")
    return tuple(
        compare_migration(b, a, fixes.get(b.case.script) or FileFix(b.case.script))
        for b, a in zip(before, after, strict=True)
    )


def verify_corpus(
    root: Path,
    *,
    after_fix: bool = False,
    timeout: float = DEFAULT_TIMEOUT,
    scripts: Sequence[str] = (),
    jobs: int | None = None,
    env_extra: Mapping[str, str] | None = None,
    project: Path | None = None,
    progress_stream: TextIO | None = None,
) -> VerifyReport:
    """Run each recorded script of the corpus at ``root`` (CorpusError if it is not one).

    ``project`` overrides where the scripts are (default: as the expectations file says).
    A bar counts the runs on ``progress_stream`` when it is a terminal (and there are at
    least :data:`PROGRESS_MIN_RUNS`).
    """
    from txo.migrate.progress import progress_for

    corpus = load_corpus(root, project).select(scripts)
    started = time.monotonic()
    total = len(corpus.cases) * (2 if after_fix else 1)
    bar = None
    if progress_stream is not None:
        bar = progress_for(total, progress_stream, minimum=PROGRESS_MIN_RUNS, unit="runs")
    with tempfile.TemporaryDirectory(prefix="txo-verify-") as name, _shown(bar):
        tmp = Path(name)

        def run(label: str, source: Path) -> list[ScriptRun]:
            target = tmp / label
            return run_all(
                corpus,
                target,
                source=source,
                timeout=timeout,
                jobs=jobs,
                env_extra=env_extra,
                progress=bar,
            )

        before = run("as-written", corpus.source)
        results = tuple(compare_run(r.case, r, corpus.secrets) for r in before)
        migrations = _migrations(corpus, before, tmp, run) if after_fix else None
    elapsed = time.monotonic() - started
    return VerifyReport(str(root), timeout, results, migrations, elapsed, corpus.secrets)
