"""``txo-migrate fix``: discover, check, apply the findings' fixes, print a diff or write.

The same walker, reader and selector as ``check``.  ``--diff`` (the default)
prints a unified diff per file, headed by one ``#`` line per fix labelled
``safe``/``unsafe`` (ignored by ``patch``), and writes nothing.  ``--write``
replaces each changed file atomically (temporary file + rename, same
encoding and line endings).  The summary counts what a following ``check``
reports.  Exit codes, as ruff: 0 nothing left to report, 1 findings remain
(or, with ``--diff``, changes are pending), 2 usage error or a file that
could not be read, parsed or fixed; ``--exit-zero`` turns 1 into 0.
"""

from __future__ import annotations

import argparse
import difflib
import sys
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, TextIO

from txo.migrate.baseline import BaselineError, apply_baseline, load_baseline
from txo.migrate.files import SourceFile, discover, read_source_file
from txo.migrate.fix.model import FixError, FixResult
from txo.migrate.fixes import source_lines
from txo.migrate.options import DEFAULT_LEGACY_TARGET, CheckOptions
from txo.migrate.selection import (
    UsageError,
    add_selection_arguments,
    legacy_target,
    load_tool_settings,
    selected_codes,
)

if TYPE_CHECKING:
    from txo.migrate.progress import Progress
    from txo.migrate.pyproject import ToolSettings

__all__ = ["add_fix_arguments", "run_fix", "unified_diff"]


def _fixable_codes() -> str:
    from txo.migrate.rules import RULES

    return "; ".join(
        f"{r.code} ({r.fixable.value}): {r.fix_summary}" for r in RULES if r.fixable is not None
    )


def add_fix_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``PATH... [--diff|--write] [--unsafe-fixes] [--select CODES] ...`` to ``parser``."""
    parser.add_argument("paths", nargs="+", metavar="PATH", type=Path, help="files or folders")
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument(
        "--diff",
        dest="fix_mode",
        action="store_const",
        const="diff",
        default="diff",
        help="print a unified diff of the fixes and write nothing (default)",
    )
    mode.add_argument(
        "--write", dest="fix_mode", action="store_const", const="write", help="apply the fixes"
    )
    parser.add_argument(
        "--unsafe-fixes", action="store_true", help="also apply fixes that change behaviour"
    )
    add_selection_arguments(parser)
    parser.add_argument("--exit-zero", action="store_true", help="exit 0 even when findings remain")
    parser.add_argument(
        "--no-progress", action="store_true", help="never show a progress bar (on stderr)"
    )
    parser.epilog = f"Rules that fix: {_fixable_codes()}."


def unified_diff(path: str, result: FixResult, before: str) -> str:
    """The fix labels as ``#`` lines, then the unified diff of one file."""
    header = [
        f"# {path}:{fix.line}: {fix.code} [{fix.label}] {fix.description}\n"
        for fix in result.applied
    ]
    diff = difflib.unified_diff(
        source_lines(before), source_lines(result.new_source), fromfile=path, tofile=path
    )
    lines = [
        line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
        for line in diff
    ]
    return "".join(header + lines)


def _write(path: Path, text: str, encoding: str) -> None:
    from txo.data.atomic import atomic_write

    with atomic_write(path) as stream:
        stream.write(text.encode(encoding))


@dataclass(frozen=True, slots=True)
class _Options:
    write: bool
    unsafe: bool
    codes: frozenset[str]
    save: Callable[[Path, str, str], None]
    tool: ToolSettings
    baseline: Counter[str] | None = None
    legacy_target: str = DEFAULT_LEGACY_TARGET


@dataclass(slots=True)
class _Tally:
    files: int = 0
    changes: int = 0
    before: int = 0
    remaining: int = 0
    hidden: int = 0
    errors: int = 0


def _fix_file(path: Path, display: str, options: _Options) -> tuple[SourceFile, FixResult]:
    from txo.migrate.fix.loop import fix_source

    source = read_source_file(path)
    codes = options.codes - options.tool.ignored_in(path)
    check = CheckOptions(legacy_target=options.legacy_target)
    result = fix_source(
        source.text, unsafe=options.unsafe, select=sorted(codes), path=display, options=check
    )
    if result.changed and options.write:
        options.save(path, result.new_source, source.encoding)
    return source, result


def _fix_one(
    path: Path, display: str, options: _Options, tally: _Tally, out: TextIO, err: TextIO
) -> None:
    try:
        source, result = _fix_file(path, display, options)
    except (OSError, UnicodeDecodeError, SyntaxError, LookupError, FixError) as exc:
        tally.errors += 1
        err.write(f"error: {display}: {exc}\n")
        return
    before, remaining = list(result.before), list(result.remaining)
    if options.baseline is not None:  # count what `check` shows: baselined findings are hidden
        before, remaining = (apply_baseline(f, options.baseline)[0] for f in (before, remaining))
    tally.before += len(before)
    tally.remaining += len(remaining)
    tally.hidden += 0 if options.unsafe else sum(1 for f in remaining if f.fix and not f.fix.safe)
    if not result.changed:
        return
    tally.files += 1
    tally.changes += len(result.applied)
    if options.write:
        for fix in result.applied:
            out.write(f"{display}:{fix.line}: {fix.code} [{fix.label}] {fix.description}\n")
    else:
        out.write(unified_diff(display, result, source.text))


def _summary(tally: _Tally, write: bool) -> str:
    verb, remain = ("Fixed", "remain") if write else ("Would fix", "would remain")
    fixed = max(tally.before - tally.remaining, 0)
    text = f"{verb} {fixed} of {tally.before} finding(s) in {tally.files} file(s)"
    text += f" with {tally.changes} fix(es)." if tally.changes else "."
    if tally.remaining:
        text += f" {tally.remaining} finding(s) {remain}"
        if tally.hidden:
            text += f" ({tally.hidden} fixable with --unsafe-fixes)"
        text += "."
    if tally.errors:
        text += f" {tally.errors} file(s) could not be fixed."
    return text + "\n"


def _progress(args: argparse.Namespace, total: int, out: TextIO, err: TextIO) -> Progress | None:
    """check's bar on ``err`` (a terminal) over many files — unless diffs go to that terminal."""
    from txo.migrate.progress import PROGRESS_MIN_FILES, progress_for

    diffs_on_screen = args.fix_mode != "write" and out.isatty()
    enabled = not args.no_progress and not diffs_on_screen
    return progress_for(total, err, minimum=PROGRESS_MIN_FILES, enabled=enabled)


def run_fix(
    args: argparse.Namespace,
    *,
    stdout: TextIO | None = None,
    stderr: TextIO | None = None,
    save: Callable[[Path, str, str], None] = _write,
) -> int:
    """Run ``fix`` as parsed by :func:`add_fix_arguments`; returns the exit code (0/1/2).

    ``save(path, text, encoding)`` writes a fixed file (atomically by default).
    """
    out, err = stdout or sys.stdout, stderr or sys.stderr
    missing = [str(p) for p in args.paths if not Path(p).exists()]
    if missing:
        err.write(f"error: no such file or folder: {', '.join(missing)}\n")
        return 2
    try:
        tool = load_tool_settings(args, Path.cwd())
        codes = selected_codes(args, tool)
        baseline = load_baseline(tool.baseline) if tool.baseline else None
    except (UsageError, BaselineError, FileNotFoundError) as exc:
        err.write(f"error: {exc}\n")
        return 2
    write = args.fix_mode == "write"
    target = legacy_target(args, tool)
    options = _Options(write, args.unsafe_fixes, codes, save, tool, baseline, target)
    items = discover([str(p) for p in args.paths], Path.cwd(), [*tool.exclude, *args.exclude])
    tally = _Tally()
    bar = _progress(args, len(items), out, err)
    try:
        for path, display in items:
            _fix_one(Path(path), display, options, tally, out, err)
            if bar is not None:
                bar(1)
    finally:
        if bar is not None:
            bar.clear()
    err.write(_summary(tally, write))
    if tally.errors:
        return 2
    pending = tally.remaining or (tally.changes and not write)
    return 1 if pending and not args.exit_zero else 0
