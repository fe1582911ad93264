"""``txo-migrate scorecard PATH``: the roadmap's success metrics; exit 0 pass, 1 fail, 2 usage."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

__all__ = ["add_scorecard_arguments", "run_scorecard"]

EXIT_PASS, EXIT_FAIL, EXIT_USAGE = 0, 1, 2


def add_scorecard_arguments(parser: argparse.ArgumentParser) -> None:
    """``PATH [--verify DIR] [--memory-report FILE] [--format text|json] [--timeout S]``."""
    from txo.migrate.verify import DEFAULT_TIMEOUT
    from txo.migrate.verify.cli import positive_seconds

    parser.add_argument("path", type=Path, metavar="PATH", help="folder or file to score")
    parser.add_argument(
        "--verify",
        type=Path,
        metavar="DIR",
        help="run `verify DIR` for 'existing scripts still work' (default: not run)",
    )
    parser.add_argument(
        "--memory-report",
        type=Path,
        metavar="FILE",
        help="memory summary JSON written by `make memory` (default: memory not measured)",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="report format")
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"per-run timeout for --verify (default {DEFAULT_TIMEOUT:g})",
    )


def run_scorecard(
    args: argparse.Namespace, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run ``scorecard`` as parsed by :func:`add_scorecard_arguments`; returns 0, 1 or 2."""
    from txo.migrate.scorecard.metrics import build_scorecard, read_memory_report
    from txo.migrate.scorecard.render import render_json, render_text
    from txo.migrate.table import box_for, paint, use_color
    from txo.migrate.verify.corpus import CorpusError
    from txo.migrate.verify.suite import verify_corpus

    out, err = stdout or sys.stdout, stderr or sys.stderr
    if not args.path.exists():
        err.write(f"txo-migrate: error: path does not exist: {args.path}\n")
        return EXIT_USAGE
    if args.memory_report is not None and not args.memory_report.is_file():
        err.write(f"txo-migrate: error: no memory report at {args.memory_report}\n")
        return EXIT_USAGE
    try:
        verify = verify_corpus(args.verify, timeout=args.timeout) if args.verify else None
    except CorpusError as exc:
        err.write(f"txo-migrate: error: {exc}\n")
        return EXIT_USAGE
    memory = read_memory_report(args.memory_report)
    card = build_scorecard(args.path, verify=verify, memory=memory)
    if args.format == "json":
        out.write(render_json(card))
    else:
        out.write(paint(render_text(card, box_for(out)), color=use_color(out)))
    if card.stats.errors:
        return EXIT_USAGE
    return EXIT_PASS if card.passed else EXIT_FAIL
