"""``txo-migrate record PROJECT``: record legacy runs; ``--init`` writes a starter manifest."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from pathlib import Path
from typing import TextIO

__all__ = ["add_record_arguments", "run_record"]

EXIT_OK, EXIT_FAILED, EXIT_USAGE = 0, 1, 2
DEFAULT_OUT = ".txo-verify"


def add_record_arguments(parser: argparse.ArgumentParser) -> None:
    """``PROJECT [--run "SCRIPT ORG ENV ..."]... [--out DIR] [--legacy-python PY] [--init]``."""
    from txo.migrate.verify import DEFAULT_TIMEOUT
    from txo.migrate.verify.cli import positive_seconds

    parser.add_argument("project", type=Path, metavar="PROJECT", help="the legacy project folder")
    parser.add_argument(
        "--run",
        action="append",
        default=[],
        metavar='"SCRIPT ORG ENV [EXTRA...]"',
        help="a run to record (repeatable); default: the runs in PROJECT/txo-record.json",
    )
    parser.add_argument("--out", type=Path, metavar="DIR", help=f"default PROJECT/{DEFAULT_OUT}")
    parser.add_argument(
        "--legacy-python",
        default=sys.executable,
        metavar="PY",
        help="the interpreter the scripts ran with on the old library (default: this one)",
    )
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"kill a run after S seconds (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument(
        "--init", action="store_true", help="write a starter PROJECT/txo-record.json and stop"
    )
    parser.add_argument(
        "--no-progress", action="store_true", help="never show a progress bar (on stderr)"
    )


def _init(project: Path, out: TextIO) -> int:
    from txo.errors import HelpfulError
    from txo.migrate.record.manifest import MANIFEST_FILE, starter_manifest

    file = project / MANIFEST_FILE
    if file.exists():
        raise HelpfulError(
            f"{file} already exists",
            "Edit it, or delete it to start again.",
            f"txo-migrate record {project}",
        )
    data = starter_manifest(project)
    file.write_text(json.dumps(data, indent=2) + "\n", encoding="utf-8")
    out.write(f"Wrote {file} with {len(data['runs'])} runs; check their arguments, then run\n")
    out.write(f"    txo-migrate record {project}\n")
    return EXIT_OK


def _line(run: object) -> str:
    from txo.migrate.record.recorder import RecordedRun

    assert isinstance(run, RecordedRun)
    label = " ".join((run.spec.script, *run.spec.args))
    code = "killed" if run.exit_code is None else f"exit {run.exit_code}"
    threads = f", {run.threads} threads" if run.threads > 1 else ""
    text = (
        f"recorded {label}: {code}, {len(run.entry['outputs'])} files written, "
        f"{run.exchanges} HTTP exchanges{threads}, {len(run.entry['log_contains'])} log lines"
        f" ({run.duration:.1f} s)\n"
    )
    if run.dropped_log_lines:
        text += f"    {run.dropped_log_lines} log lines not kept (they name the temp folder)\n"
    return text


def _legacy_python(name: str) -> str:
    import shutil

    from txo.errors import HelpfulError

    found = shutil.which(name)
    if found is None:
        raise HelpfulError(
            f"--legacy-python {name}: no such interpreter",
            "Give the Python your legacy scripts ran with (a path or a name on PATH).",
            "txo-migrate record . --legacy-python ~/old-project/.venv/bin/python",
        )
    return found


def _printer(
    args: argparse.Namespace, total: int, out: TextIO, err: TextIO
) -> Callable[[object], None]:
    """Prints each recorded run's line; on a terminal a bar on ``err`` counts the runs."""
    from txo.migrate.progress import progress_for
    from txo.migrate.verify.suite import PROGRESS_MIN_RUNS

    bar = progress_for(
        total, err, minimum=PROGRESS_MIN_RUNS, unit="runs", enabled=not args.no_progress
    )
    if bar is not None:
        bar.draw()

    def printed(run: object) -> None:
        if bar is not None:
            bar.clear()
        out.write(_line(run))
        out.flush()
        if bar is not None:
            bar(1, redraw=bar.done + 1 < total)
            if bar.done >= total:
                bar.clear()

    return printed


def _record(args: argparse.Namespace, out: TextIO, err: TextIO) -> int:
    from txo.migrate.record.manifest import load_manifest, parse_run
    from txo.migrate.record.recorder import COMPAT_LEGACY, legacy_library, record_project

    project: Path = args.project
    legacy_python = _legacy_python(args.legacy_python)
    runs = tuple(parse_run(r, project) for r in args.run) if args.run else load_manifest(project)
    target: Path = args.out or project / DEFAULT_OUT
    if legacy_library(project) == COMPAT_LEGACY:
        out.write(
            f"{project} has no utils/ folder: recording on txo.compat as the legacy library.\n"
        )
    recorded = record_project(
        project,
        runs,
        target,
        legacy_python=legacy_python,
        timeout=args.timeout,
        progress=_printer(args, len(runs), out, err),
    )
    killed = [r for r in recorded if r.exit_code is None]
    if killed:
        out.write(f"{len(killed)} runs were killed at the timeout: nothing written.\n")
        return EXIT_FAILED
    exchanges = sum(r.exchanges for r in recorded)
    out.write(
        f"Wrote {target / 'expectations.json'} and {len(recorded)} cassettes "
        f"({exchanges} HTTP exchanges; secrets replaced by placeholders).\n"
        f"Next: edit or migrate the scripts, then run\n    txo-migrate verify {target}\n"
    )
    return EXIT_OK


def run_record(
    args: argparse.Namespace, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run ``record`` as parsed by :func:`add_record_arguments`; returns 0, 1 or 2."""
    from txo.errors import HelpfulError

    out, err = stdout or sys.stdout, stderr or sys.stderr
    if not args.project.is_dir():
        err.write(f"txo-migrate: error: not a folder: {args.project}\n")
        return EXIT_USAGE
    try:
        return _init(args.project, out) if args.init else _record(args, out, err)
    except HelpfulError as exc:
        err.write(f"txo-migrate: error: {exc}\n")
        return EXIT_USAGE
