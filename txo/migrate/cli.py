"""``txo-migrate``: the migration kit's command line.

``main(argv) -> int`` is the only place that turns outcomes into exit codes:
0 clean, 1 findings, 2 usage or internal error.  Nothing below it exits.
"""

from __future__ import annotations

import argparse
import os
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from txo.errors import DependencyMissingError
from txo.migrate.baseline import BaselineError, apply_baseline, load_baseline, write_baseline
from txo.migrate.engine import check_files
from txo.migrate.files import discover
from txo.migrate.findings import FileResult, Finding
from txo.migrate.noqa import DEFAULT_REASON
from txo.migrate.options import DEFAULT_MAX_FUNCTION_LINES, CheckOptions
from txo.migrate.progress import PROGRESS_MIN_FILES, progress_for
from txo.migrate.redact import ReportRedactor
from txo.migrate.report import FORMATS, Report, render, render_statistics
from txo.migrate.rules import RULES, rule_for
from txo.migrate.selection import (
    UsageError,
    add_selection_arguments,
    legacy_target,
    load_tool_settings,
    selected_codes,
)

if TYPE_CHECKING:
    from txo.migrate.pyproject import ToolSettings

__all__ = ["PROGRESS_MIN_FILES", "main"]

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


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
    add_selection_arguments(p)
    p.add_argument("--baseline", type=Path, help="hide findings recorded in this baseline file")
    p.add_argument("--write-baseline", type=Path, metavar="FILE", help="record findings, exit 0")
    p.add_argument(
        "--max-function-lines",
        type=_positive_int,
        metavar="N",
        help=f"TXO401 limit (default {DEFAULT_MAX_FUNCTION_LINES})",
    )
    p.add_argument("--statistics", action="store_true", help="print the count per rule only")
    p.add_argument(
        "--add-noqa",
        nargs="?",
        const=DEFAULT_REASON,
        metavar="REASON",
        help="suppress every current finding with `# txo: ignore[CODE] REASON` (writes files)",
    )
    p.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    p.add_argument(
        "--entry-point",
        action="append",
        default=[],
        metavar="MODULE:FUNC",
        help="a function that may exit the process (TXO201); repeatable",
    )
    p.add_argument("--jobs", type=_positive_int, help="worker processes (default: CPU count)")
    p.add_argument("--no-progress", action="store_true", help="never show a progress bar")
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


def _options(args: argparse.Namespace, root: Path, tool: ToolSettings) -> CheckOptions:
    limit = args.max_function_lines or tool.max_function_lines or DEFAULT_MAX_FUNCTION_LINES
    return CheckOptions(
        codes=selected_codes(args, tool),
        max_function_lines=limit,
        entry_points=_entry_points([*tool.entry_points, *args.entry_point]),
        root=str(root),
        legacy_target=legacy_target(args, tool),
    )


def _run_files(
    items: list[tuple[str, str]], options: CheckOptions, args: argparse.Namespace
) -> list[FileResult]:
    stream: TextIO = args.progress_stream if args.progress_stream is not None else sys.stderr
    progress = progress_for(
        len(items), stream, minimum=PROGRESS_MIN_FILES, enabled=not args.no_progress
    )
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


def _report_errors(
    results: Sequence[FileResult], redactor: ReportRedactor
) -> tuple[tuple[str, str], ...]:
    errors = redactor.pairs([(r.path, r.error) for r in results if r.error is not None])
    for path, message in errors:
        print(f"txo-migrate: internal error while checking {path}: {message}", file=sys.stderr)
    return errors


def _per_file_filtered(
    findings: Sequence[Finding], files: dict[str, Path], tool: ToolSettings
) -> list[Finding]:
    """Drop what ``per-file-ignores`` switches off for each finding's file."""
    if not tool.per_file_ignores:
        return list(findings)
    ignored = {display: tool.ignored_in(path) for display, path in files.items()}
    return [f for f in findings if f.code not in ignored.get(f.path, frozenset())]


def _discover(
    args: argparse.Namespace, root: Path, tool: ToolSettings
) -> tuple[list[tuple[str, str]], Path | None]:
    try:
        items = discover(args.paths, root, [*tool.exclude, *args.exclude])
    except FileNotFoundError as exc:
        raise UsageError(str(exc)) from None
    if not items:
        print("txo-migrate: warning: no Python files found", file=sys.stderr)
    return items, args.baseline or tool.baseline


def _finish(
    args: argparse.Namespace, findings: list[Finding], files: dict[str, Path], errors: bool
) -> int | None:
    """Handle --write-baseline and --add-noqa (their exit code), or None to report normally."""
    if args.write_baseline:
        count = write_baseline(args.write_baseline, findings)
        print(f"txo-migrate: wrote {count} finding(s) to {args.write_baseline}", file=sys.stderr)
        return EXIT_ERROR if errors else EXIT_CLEAN
    if args.add_noqa is not None:
        from txo.migrate.noqa import add_noqa

        done = add_noqa(findings, files, args.add_noqa)
        note = f"; {done.skipped} line(s) cannot take a comment" if done.skipped else ""
        print(f"Added {done.added} suppression(s) to {done.files} file(s){note}.", file=sys.stderr)
        return EXIT_ERROR if errors else EXIT_CLEAN
    return None


def run_check(args: argparse.Namespace) -> int:
    """``txo-migrate check``: discover, check, filter, report; returns the exit code."""
    root = (args.root or Path.cwd()).resolve()
    tool = load_tool_settings(args, Path.cwd())
    options = _options(args, root, tool)
    items, baseline_file = _discover(args, root, tool)
    try:
        baseline = load_baseline(baseline_file) if baseline_file else None
    except (FileNotFoundError, BaselineError) as exc:
        raise UsageError(str(exc)) from None
    files = {display: Path(path) for path, display in items}
    results = _run_files(items, options, args)
    redactor = ReportRedactor()
    found = _per_file_filtered([f for r in results for f in r.findings], files, tool)
    findings = sorted(redactor.findings(found), key=lambda f: f.sort_key)
    errors = _report_errors(results, redactor)
    early = _finish(args, findings, files, bool(errors))
    if early is not None:
        return early
    hidden = 0
    if baseline is not None:
        findings, hidden = apply_baseline(findings, baseline)
    report = Report(tuple(findings), len(items), str(root), hidden, errors)
    if args.statistics:
        _emit(render_statistics(report, args.output_format), args.output_file)
    else:
        _emit(render(report, args.output_format), args.output_file)
    if errors:
        return EXIT_ERROR
    return EXIT_FINDINGS if findings and not args.exit_zero else EXIT_CLEAN


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


def _missing_module(exc: ModuleNotFoundError) -> str:
    if exc.name == "libcst":
        missing = DependencyMissingError("libcst", "pip install 'txo[migrate]'", "txo-migrate fix")
        return f"error: {missing}"
    return f"internal error: {type(exc).__name__}: {exc}"


def _dispatch(args: argparse.Namespace) -> int:
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


def _stdout_closed() -> int:
    """The reader of stdout went away (``| head``): stop quietly with success, as ruff does.

    stdout is pointed at the null device so the interpreter's final flush of
    what is still buffered cannot raise (and print) a second BrokenPipeError.
    """
    try:
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())
        os.close(devnull)
    except (OSError, ValueError):  # stdout is not a real file: nothing will flush to it
        pass
    return EXIT_CLEAN


def main(argv: Sequence[str] | None = None) -> int:
    """Parse arguments, run the command, and map the outcome to an exit code."""
    parser = build_parser()
    try:
        args = parser.parse_args(argv)
    except SystemExit as exc:  # argparse reports usage errors itself, then raises
        return exc.code if isinstance(exc.code, int) else EXIT_ERROR
    try:
        code = _dispatch(args)
        sys.stdout.flush()  # a closed pipe shows here, inside the boundary, not at exit
        return code
    except BrokenPipeError:
        return _stdout_closed()
    except UsageError as exc:
        print(f"txo-migrate: error: {exc}", file=sys.stderr)
    except KeyboardInterrupt:
        print("txo-migrate: interrupted", file=sys.stderr)
        return 130
    except ModuleNotFoundError as exc:  # `pip install txo` has no libcst: `fix` needs txo[migrate]
        print(f"txo-migrate: {_missing_module(exc)}", file=sys.stderr)
    except Exception as exc:  # the boundary: never a traceback for the user
        print(f"txo-migrate: internal error: {type(exc).__name__}: {exc}", file=sys.stderr)
        if os.environ.get("TXO_MIGRATE_DEBUG"):
            raise
    return EXIT_ERROR
