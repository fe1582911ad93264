"""The project's main job (``make demo``): one readable report of where txo 3.0 stands.

1. the roadmap scorecard of ``txo/`` (v3) beside that of ``migration/legacy/`` (v2.1 scripts,
   before migration);
2. ``verify`` over the legacy corpus: every recorded run under ``python -m txo.compat``;
3. the same runs after ``txo-migrate fix --unsafe-fixes`` on a copy, judged for equivalence;
4. record → verify, the workflow a user runs on their own scripts (:mod:`tools.demo_record`):
   the requests-based stand-in legacy project recorded on its own ``utils/`` then verified
   under compat, and the legacy corpus recorded with txo.compat as the legacy library then
   replayed with its HTTP requests compared;
5. the two v3 examples (``process_customers.py`` on local files, ``run_sync_demo.py`` against
   the fake Business Central API on loopback), summarised;
6. a one-line verdict.

Run it from the repository root: ``python -m tools.demo [--root DIR] [--timeout S]``.
The exit code is 1 when a claim fails — a v3 metric, a legacy run that no longer behaves as
recorded, a recording that does not replay as recorded, or an example — and 0 otherwise;
migrated copies that are not equivalent are reported in the verdict (unsafe fixes may change
behaviour by definition) without failing the demo.
"""

from __future__ import annotations

import argparse
import re
import subprocess
import sys
import tempfile
import time
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from tools.demo_record import Workflow, record_corpus, record_standin, render_workflow
from txo.migrate.scorecard import Scorecard, Status, build_scorecard, read_memory_report
from txo.migrate.scorecard.render import compare_table, findings_line, suppressions_line
from txo.migrate.table import Box, Column, box_for, paint, render_table, use_color
from txo.migrate.verify import DEFAULT_TIMEOUT, VerifyReport, verify_corpus
from txo.migrate.verify.render import migration_section, runs_section

#: Where ``make memory`` writes its summary; the scorecard reads it when it exists.
MEMORY_REPORT = Path("reports/memory/summary.json")

__all__ = [
    "EXAMPLES",
    "DemoResults",
    "Example",
    "ExampleRun",
    "collect",
    "main",
    "render_report",
    "run_example",
]

_LOG_PREFIX = re.compile(r"^\S+ - [\w.]+ - [A-Z]+ - ")
_BORING = ("Starting ", "Finished")


@dataclass(frozen=True, slots=True)
class Example:
    """A v3 example: its name, the folder it runs in and its arguments (after ``python``)."""

    name: str
    cwd: str
    argv: tuple[str, ...]
    outputs: str


EXAMPLES = (
    Example(
        "process_customers.py demo local",
        "examples/demo-project",
        ("scripts/process_customers.py", "demo", "local"),
        "examples/demo-project/output",
    ),
    Example(
        "run_sync_demo.py (fake BC on loopback)",
        ".",
        ("examples/run_sync_demo.py",),
        "examples/demo-project/output",
    ),
)


@dataclass(frozen=True, slots=True)
class ExampleRun:
    """What an example did: exit code (None when killed), time, key lines and files it wrote."""

    example: Example
    exit_code: int | None
    duration: float
    lines: tuple[str, ...]
    written: tuple[str, ...]

    @property
    def ok(self) -> bool:
        return self.exit_code == 0


def _key_lines(text: str, count: int = 3) -> tuple[str, ...]:
    lines = [_LOG_PREFIX.sub("", line).strip() for line in text.splitlines()]
    useful = [line for line in lines if line and not line.startswith(_BORING)]
    return tuple(line if len(line) <= 96 else line[:95] + "…" for line in useful[-count:])


def _stamps(folder: Path) -> dict[str, tuple[int, int]]:
    """name -> (mtime ns, size) of each file in ``folder``."""
    if not folder.is_dir():
        return {}
    return {
        p.name: (p.stat().st_mtime_ns, p.stat().st_size)
        for p in sorted(folder.iterdir())
        if p.is_file()
    }


def run_example(example: Example, root: Path, timeout: float) -> ExampleRun:
    """Run one example in a subprocess bounded by ``timeout``."""
    folder = root / example.outputs
    before, started = _stamps(folder), time.monotonic()
    try:
        done = subprocess.run(
            [sys.executable, *example.argv],
            cwd=root / example.cwd,
            capture_output=True,
            text=True,
            timeout=timeout,
            check=False,
        )
        code: int | None = done.returncode
        text = done.stderr + done.stdout
    except subprocess.TimeoutExpired:
        code, text = None, f"killed after {timeout:g} s"
    except OSError as exc:
        code, text = 127, f"could not start: {exc}"
    duration = time.monotonic() - started
    after = _stamps(folder)
    written = tuple(name for name, stamp in after.items() if before.get(name) != stamp)
    return ExampleRun(example, code, duration, _key_lines(text), written)


def _examples_section(runs: Sequence[ExampleRun], box: Box) -> str:
    columns = ("result", "example", Column("exit", "^"), Column("time", ">"), "wrote")
    rows = [
        [
            "PASS" if r.ok else "FAIL",
            r.example.name,
            "killed" if r.exit_code is None else str(r.exit_code),
            f"{r.duration:.2f} s",
            ", ".join(r.written) or "–",
        ]
        for r in runs
    ]
    said = [f"  {r.example.name.split()[0]}: {line}" for r in runs for line in r.lines]
    return render_table(columns, rows, box=box, max_cell=70) + "\n".join(said) + "\n"


def _heading(number: int, title: str) -> str:
    text = f"{number}. {title}"
    return f"\n{text}\n{'═' * len(text)}\n"


def _scorecard_section(v3: Scorecard, legacy: Scorecard, box: Box) -> str:
    labels = ("txo/ (v3)", "migration/legacy/ (v2.1)")
    lines = [
        compare_table(v3, legacy, box, labels),
        suppressions_line(v3),
        findings_line(legacy),
        "",
    ]
    return "\n".join(lines)


@dataclass(frozen=True, slots=True)
class DemoResults:
    """Everything the report shows: scorecards, verify report, recordings, example runs."""

    v3: Scorecard
    legacy: Scorecard
    report: VerifyReport
    examples: tuple[ExampleRun, ...]
    workflows: tuple[Workflow, ...] = ()

    @property
    def ok(self) -> bool:
        """The claims hold: v3 passes its metrics, legacy runs as recorded, recordings replay
        as recorded, examples run."""
        return (
            self.v3.passed
            and self.report.runs_ok
            and all(w.ok for w in self.workflows)
            and all(e.ok for e in self.examples)
        )


def _workflow_claim(flow: Workflow) -> str:
    if flow.report is None:
        return f"{flow.name}: record failed"
    report = flow.report
    return (
        f"{flow.name} recorded and replayed: {report.passed}/{len(report.results)} runs "
        f"({flow.exchanges} HTTP requests compared)"
    )


def _verdict(results: DemoResults) -> str:
    """One line: PASS or FAIL, then each claim, and which migrated copies are not equivalent."""
    v3, report, examples = results.v3, results.report, results.examples
    failed = [m.title for m in v3.metrics if m.status is Status.FAIL]
    measured = len(v3.metrics) - v3.count(Status.NOT_MEASURED)
    parts = [
        f"txo/ passes {measured - len(failed)}/{measured} measured metrics"
        + (f" (failing: {', '.join(failed)})" if failed else ""),
        f"{report.passed}/{len(report.results)} legacy runs behave as recorded",
    ]
    if report.migrations is not None:
        same = sum(1 for m in report.migrations if m.equivalent)
        odd = sorted({m.case.name for m in report.migrations if not m.equivalent})
        parts.append(
            f"{same}/{len(report.migrations)} equivalent after fix"
            + (f" (not: {', '.join(odd)})" if odd else "")
        )
    parts += [_workflow_claim(w) for w in results.workflows]
    if examples:
        parts.append(f"{sum(e.ok for e in examples)}/{len(examples)} v3 examples ran")
    return f"Verdict: {'PASS' if results.ok else 'FAIL'} — " + "; ".join(parts) + "."


def record_workflows(root: Path, timeout: float) -> tuple[Workflow, ...]:
    """Record then verify the stand-in project and the corpus, in a temporary folder."""
    with tempfile.TemporaryDirectory(prefix="txo-demo-") as name:
        work = Path(name)
        return (record_standin(root, work, timeout), record_corpus(root, work, timeout))


def collect(
    root: Path, timeout: float, with_examples: bool = True, with_recordings: bool = True
) -> DemoResults:
    """Run verify (and --after-fix), both scorecards, the recordings and the examples."""
    legacy_dir = root / "migration" / "legacy"
    report = verify_corpus(legacy_dir, after_fix=True, timeout=timeout)
    memory = read_memory_report(root / MEMORY_REPORT)
    v3 = build_scorecard(root / "txo", verify=report, memory=memory, root=root)
    legacy = build_scorecard(legacy_dir, root=root)
    workflows = record_workflows(root, timeout) if with_recordings else ()
    examples = tuple(run_example(e, root, timeout) for e in EXAMPLES) if with_examples else ()
    return DemoResults(v3, legacy, report, examples, workflows)


def render_report(results: DemoResults, box: Box, seconds: float) -> str:
    """The whole report as text (no colour)."""
    r = results
    sections = [
        "txo 3.0 — migration report\n",
        _heading(1, "Roadmap scorecard: txo/ (v3) beside migration/legacy/ (v2.1, unmigrated)"),
        _scorecard_section(r.v3, r.legacy, box),
        _heading(
            2, "Legacy scripts run unchanged under `python -m txo.compat` (expected → actual)"
        ),
        runs_section(r.report, box),
        _heading(3, "The same runs after `txo-migrate fix --unsafe-fixes` (original → migrated)"),
        "" if r.report.migrations is None else migration_section(r.report.migrations, box),
    ]
    number = 4
    if r.workflows:
        title = "Record once on the old library, verify under compat (what each command prints)"
        sections.append(_heading(number, title))
        sections += [render_workflow(w, box, brief=i > 0) for i, w in enumerate(r.workflows)]
        number += 1
    if r.examples:
        sections += [_heading(number, "v3 examples"), _examples_section(r.examples, box)]
    sections.append(f"\n{_verdict(r)} [{seconds:.1f} s]\n")
    return "".join(sections)


def main(argv: Sequence[str] | None = None, stdout: TextIO | None = None) -> int:
    """Build and print the report; 1 when a claim fails (see the module docstring)."""
    parser = argparse.ArgumentParser(prog="python -m tools.demo", description=__doc__)
    parser.add_argument("--root", type=Path, default=Path.cwd(), help="repository root")
    parser.add_argument(
        "--timeout", type=float, default=DEFAULT_TIMEOUT, help="per-run timeout (s)"
    )
    parser.add_argument("--no-examples", action="store_true", help="skip the v3 examples")
    parser.add_argument(
        "--no-recordings", action="store_true", help="skip the record → verify section"
    )
    args = parser.parse_args(argv)
    out = stdout or sys.stdout
    started = time.monotonic()
    root = args.root.resolve()
    results = collect(root, args.timeout, not args.no_examples, not args.no_recordings)
    text = render_report(results, box_for(out), time.monotonic() - started)
    out.write(paint(text, color=use_color(out)))
    return 0 if results.ok else 1


if __name__ == "__main__":
    raise SystemExit(main())
