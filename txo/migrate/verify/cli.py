"""``txo-migrate verify DIR``: run each recorded legacy script and compare; exit 0, 1 or 2."""

from __future__ import annotations

import argparse
import sys
from pathlib import Path
from typing import TextIO

__all__ = ["add_verify_arguments", "positive_seconds", "run_verify"]

EXIT_OK, EXIT_DIFFERS, EXIT_USAGE = 0, 1, 2


def positive_seconds(text: str) -> float:
    """An argparse type: a number of seconds above zero."""
    try:
        value = float(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a number of seconds, got {text!r}") from None
    if not value > 0:
        raise argparse.ArgumentTypeError(f"expected more than 0 seconds, got {text}")
    return value


def add_verify_arguments(parser: argparse.ArgumentParser) -> None:
    """``DIR [--after-fix] [--timeout S] [--format text|json] [--script NAME] [--jobs N]
    [--project PATH]``."""
    from txo.migrate.verify import DEFAULT_TIMEOUT

    parser.add_argument("corpus", type=Path, metavar="DIR", help="folder with expectations.json")
    parser.add_argument(
        "--after-fix",
        action="store_true",
        help="also fix a copy (safe and unsafe fixes), run it and judge equivalence",
    )
    parser.add_argument(
        "--timeout",
        type=positive_seconds,
        default=DEFAULT_TIMEOUT,
        metavar="S",
        help=f"kill a run after S seconds (default {DEFAULT_TIMEOUT:g})",
    )
    parser.add_argument("--format", choices=("text", "json"), default="text", help="report format")
    parser.add_argument(
        "--script",
        action="append",
        default=[],
        metavar="NAME",
        help="only this script (stem, file name or path); repeatable",
    )
    parser.add_argument("--jobs", type=int, metavar="N", help="runs in parallel (default: CPUs)")
    parser.add_argument(
        "--no-progress", action="store_true", help="never show a progress bar (on stderr)"
    )
    parser.add_argument(
        "--project",
        type=Path,
        metavar="PATH",
        help="the project whose scripts run (default: the one the recording names)",
    )


def run_verify(
    args: argparse.Namespace, *, stdout: TextIO | None = None, stderr: TextIO | None = None
) -> int:
    """Run ``verify`` as parsed by :func:`add_verify_arguments`; returns 0, 1 or 2."""
    from txo.migrate.table import box_for, paint, use_color
    from txo.migrate.verify.corpus import CorpusError
    from txo.migrate.verify.render import redact_text, render_json, render_text
    from txo.migrate.verify.suite import verify_corpus

    out, err = stdout or sys.stdout, stderr or sys.stderr
    if args.jobs is not None and args.jobs < 1:
        err.write("txo-migrate: error: --jobs must be at least 1\n")
        return EXIT_USAGE
    try:
        report = verify_corpus(
            args.corpus,
            after_fix=args.after_fix,
            timeout=args.timeout,
            scripts=args.script,
            jobs=args.jobs,
            project=args.project,
            progress_stream=None if args.no_progress else err,
        )
    except CorpusError as exc:
        err.write(f"txo-migrate: error: {exc}\n")
        return EXIT_USAGE
    if args.format == "json":
        out.write(render_json(report))
    else:
        text = redact_text(report, render_text(report, box_for(out)))
        out.write(paint(text, color=use_color(out)))
    return EXIT_OK if report.ok else EXIT_DIFFERS
