"""``txo-migrate``: the migration kit's command line.

``main(argv) -> int`` is the only place that turns outcomes into exit codes:
0 clean, 1 findings, 2 usage or internal error.  Nothing below it exits.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections.abc import Sequence
from pathlib import Path
from typing import TextIO

from txo.migrate.baseline import BaselineError, apply_baseline, load_baseline, write_baseline
from txo.migrate.engine import check_files
from txo.migrate.files import discover
from txo.migrate.findings import FileResult, Finding
from txo.migrate.options import DEFAULT_MAX_FUNCTION_LINES, CheckOptions
from txo.migrate.report import FORMATS, Report, render
from txo.migrate.rules import RULES, rule_for, select_codes

__all__ = ["main"]

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
PROGRESS_MIN_FILES = 200


class UsageError(Exception):
    """Bad arguments: reported as ``txo-migrate: error: …`` with exit code 2."""


def _positive_int(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"expected a whole number, got {text!r}") from None
    if value < 1:
        raise argparse.ArgumentTypeError(f"expected a number of at least 1, got {value}")
    return value


def _add_check(sub: argparse._SubParsersAction[argparse.ArgumentParser]) -> None:
    p = sub.add_parser("check", help="report v3.0 roadmap anti-patterns in Python files")
    p.set_defaults(progress_stream=None)  # where the progress bar goes (None: stderr)
    p.add_argument("paths", nargs="+", metavar="PATH", help="files or directories to check")
    p.add_argument("--output-format", choices=FORMATS, default="text", help="report format")
    p.add_argument("-o", "--output-file", type=Path, help="write the report here, not stdout")
    p.add_argument("--select", help="comma-separated codes or prefixes to run (default: all)")
    p.add_argument("--ignore", help="comma-separated codes or prefixes to skip")
    p.add_argument("--baseline", type=Path, help="hide findings recorded in this baseline file")
    p.add_argument("--write-baseline", type=Path, metavar="FILE", help="record findings, exit 0")
    p.add_argument(
        "--max-function-lines",
        type=_positive_int,
        default=DEFAULT_MAX_FUNCTION_LINES,
        metavar="N",
        help=f"TXO401 limit (default {DEFAULT_MAX_FUNCTION_LINES})",
    )
    p.add_argument(
        "--entry-point",
        action="append",
        default=[],
        metavar="MODULE:FUNC",
        help="a function that may exit the process (TXO201); repeatable",
    )
    p.add_argument("--jobs", type=_positive_int, help="worker processes (default: CPU count)")
    p.add_argument("--no-progress", action="store_true", help="never show a progress bar")
    p.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip files/directories matching GLOB (name or root-relative path); repeatable",
    )
    p.add_argument("--root", type=Path, help="base of reported paths and SARIF URIs (default: cwd)")


def build_parser() -> argparse.ArgumentParser:
    """The argument parser, with one sub-command per tool."""
    parser = argparse.ArgumentParser(
        prog="txo-migrate", description="Check and migrate txo v2.1 code to v3.0."
    )
    sub = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")
    _add_check(sub)
    from txo.migrate.fix.runner import add_fix_arguments  # libcst stays unimported until used

    add_fix_arguments(sub.add_parser("fix", help="rewrite v2.1 code to v3 (diff by default)"))
    from txo.migrate.verify.cli import add_verify_arguments  # runs nothing until used

    add_verify_arguments(sub.add_parser("verify", help="run legacy scripts and compare"))
    from txo.migrate.record.cli import add_record_arguments

    add_record_arguments(sub.add_parser("record", help="record legacy runs on the old library"))
    from txo.migrate.scorecard.cli import add_scorecard_arguments

    add_scorecard_arguments(sub.add_parser("scorecard", help="the roadmap's success metrics"))
    rule = sub.add_parser("rule", help="explain a rule (or list all rules)")
    rule.add_argument("code", nargs="?", help="rule code, e.g. TXO101; omit to list all")
    rule.add_argument("--markdown", action="store_true", help="print the documentation page")
    return parser


def _codes(raw: str | None) -> list[str] | None:
    return None if raw is None else [c for c in raw.split(",") if c.strip()]


def _entry_points(raw: Sequence[str]) -> tuple[tuple[str, str], ...]:
    out = []
    for item in raw:
        module, sep, func = item.rpartition(":")
        if not sep or not module or not func:
            raise UsageError(
                f"--entry-point expects MODULE:FUNC (e.g. txo.runner:main), got {item!r}"
            )
        out.append((module, func))
    return tuple(out)


def _options(args: argparse.Namespace, root: Path) -> CheckOptions:
    try:
        codes = select_codes(_codes(args.select), _codes(args.ignore) or ())
    except ValueError as exc:
        raise UsageError(str(exc)) from None
    return CheckOptions(
        codes=codes,
        max_function_lines=args.max_function_lines,
        entry_points=_entry_points(args.entry_point),
        root=str(root),
    )


class _Progress:
    """A one-line progress bar on stderr, redrawn at most ten times a second."""

    def __init__(self, total: int, stream: TextIO) -> None:
        self.total, self.done, self.stream, self._last = total, 0, stream, 0.0

    def __call__(self, n: int) -> None:
        self.done += n
        now = time.monotonic()
        if now - self._last >= 0.1 or self.done >= self.total:
            self._last = now
            filled = 30 * self.done // max(self.total, 1)
            bar = "#" * filled + "." * (30 - filled)
            self.stream.write(f"\r[{bar}] {self.done}/{self.total} files")
            self.stream.flush()

    def close(self) -> None:
        self.stream.write("\r" + " " * 60 + "\r")
        self.stream.flush()


def _run_files(
    items: list[tuple[str, str]], options: CheckOptions, args: argparse.Namespace
) -> list[FileResult]:
    stream: TextIO = args.progress_stream if args.progress_stream is not None else sys.stderr
    show = not args.no_progress and len(items) >= PROGRESS_MIN_FILES and stream.isatty()
    progress = _Progress(len(items), stream) if show else None
    try:
        return check_files(items, options, jobs=args.jobs, progress=progress)
    finally:
        if progress is not None:
            progress.close()


def _emit(text: str, target: Path | None) -> None:
    if target is None:
        sys.stdout.write(text)
    else:
        target.write_text(text, encoding="utf-8")


def _report_errors(results: Sequence[FileResult]) -> tuple[tuple[str, str], ...]:
    errors = tuple((r.path, r.error) for r in results if r.error is not None)
    for path, message in errors:
        print(f"txo-migrate: internal error while checking {path}: {message}", file=sys.stderr)
    return errors


def run_check(args: argparse.Namespace) -> int:
    """``txo-migrate check``: discover, check, filter, report; returns the exit code."""
    root = (args.root or Path.cwd()).resolve()
    options = _options(args, root)
    try:
        items = discover(args.paths, root, args.exclude)
        baseline = load_baseline(args.baseline) if args.baseline else None
    except (FileNotFoundError, BaselineError) as exc:
        raise UsageError(str(exc)) from None
    if not items:
        print("txo-migrate: warning: no Python files found", file=sys.stderr)
    results = _run_files(items, options, args)
    findings: list[Finding] = sorted(
        (f for r in results for f in r.findings), key=lambda f: f.sort_key
    )
    errors = _report_errors(results)
    if args.write_baseline:
        count = write_baseline(args.write_baseline, findings)
        print(f"txo-migrate: wrote {count} finding(s) to {args.write_baseline}", file=sys.stderr)
        return EXIT_ERROR if errors else EXIT_CLEAN
    hidden = 0
    if baseline is not None:
        findings, hidden = apply_baseline(findings, baseline)
    report = Report(tuple(findings), len(items), str(root), hidden, errors)
    _emit(render(report, args.output_format), args.output_file)
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if findings else EXIT_CLEAN


def run_rule(args: argparse.Namespace) -> int:
    """``txo-migrate rule [CODE]``: the rule's documentation, or the list of rules."""
    if args.code is None:
        for rule in RULES:
            print(f"{rule.code}  {rule.name:24}  {rule.summary}")
        return EXIT_CLEAN
    try:
        rule = rule_for(args.code)
    except KeyError:
        raise UsageError(
            f"unknown rule {args.code!r}; run `txo-migrate rule` for the list"
        ) from None
    if args.markdown:
        sys.stdout.write(rule.markdown())
    else:
        print(f"{rule.code} ({rule.name})\n\n{rule.description()}")
    return EXIT_CLEAN


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run the command, and map the outcome to an exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse reports usage errors itself, then raises
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    try:
        if args.command == "fix":
            from txo.migrate.fix.runner import run_fix

            return run_fix(args)
        if args.command == "verify":
            from txo.migrate.verify.cli import run_verify

            return run_verify(args)
        if args.command == "record":
            from txo.migrate.record.cli import run_record

            return run_record(args)
        if args.command == "scorecard":
            from txo.migrate.scorecard.cli import run_scorecard

            return run_scorecard(args)
        return run_check(args) if args.command == "check" else run_rule(args)
    except UsageError as exc:
        print(f"txo-migrate: error: {exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print("txo-migrate: interrupted", file=sys.stderr)
        return 130
    except Exception as exc:  # the boundary: never a traceback for the user
        print(f"txo-migrate: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        if os.environ.get("TXO_MIGRATE_DEBUG"):
            raise
    return EXIT_ERROR
