"""``txo-migrate fix``: walk the paths, fix each file, print a diff or write atomically.

``--diff`` (the default) prints a unified diff per file, headed by one
comment line per fix labelled ``safe``/``unsafe`` (the ``#`` lines are
ignored by ``patch``), and writes nothing.  ``--write`` replaces each
changed file atomically (temporary file + rename, same encoding and line
endings).  Exit codes: 0 nothing to change or all applied, 1 changes pending
in ``--diff`` mode, 2 usage error or a file that could not be read, parsed
or fixed.  libcst is imported only when a file is fixed.
"""

from __future__ import annotations

import argparse
import difflib
import io
import sys
import tokenize
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

from txo.migrate.fix.model import FIXES, FixError, FixResult, parse_select, source_lines

__all__ = ["add_fix_arguments", "iter_python_files", "run_fix", "unified_diff"]

_SKIP_DIRS = frozenset({".git", ".hg", ".venv", "venv", "__pycache__", "node_modules", "build"})
_SKIP_DIRS_MORE = frozenset({"dist", ".mypy_cache", ".ruff_cache", ".tox", ".eggs"})


def add_fix_arguments(parser: argparse.ArgumentParser) -> None:
    """Add ``PATH... [--diff|--write] [--unsafe-fixes] [--select CODES]`` to ``parser``."""
    codes = "; ".join(f"{code} ({'safe' if safe else 'unsafe'}): {s}" for code, safe, s in FIXES)
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
        "--write",
        dest="fix_mode",
        action="store_const",
        const="write",
        help="apply the fixes to the files",
    )
    parser.add_argument(
        "--unsafe-fixes", action="store_true", help="also apply fixes that change behaviour"
    )
    parser.add_argument(
        "--select",
        action="append",
        metavar="CODES",
        help=f"comma-separated codes or prefixes to fix (default: all). {codes}",
    )


def iter_python_files(paths: Sequence[Path]) -> Iterator[Path]:
    """Files given directly, plus ``*.py`` under folders (sorted; tool folders skipped)."""
    for path in paths:
        if not path.is_dir():
            yield path
            continue
        for found in sorted(path.rglob("*.py")):
            parts = found.relative_to(path).parts[:-1]
            if not any(p in _SKIP_DIRS or p in _SKIP_DIRS_MORE for p in parts):
                yield found


@dataclass(frozen=True, slots=True)
class _SourceFile:
    text: str
    encoding: str


def _read(path: Path) -> _SourceFile:
    raw = path.read_bytes()
    encoding, _ = tokenize.detect_encoding(io.BytesIO(raw).readline)
    return _SourceFile(raw.decode(encoding), encoding)


def _write(path: Path, text: str, encoding: str) -> None:
    from txo.data.atomic import atomic_write

    with atomic_write(path) as stream:
        stream.write(text.encode(encoding))


def unified_diff(path: str, result: FixResult, before: str) -> str:
    """The fix labels as ``#`` lines, then the unified diff of one file."""
    header = [
        f"# {path}:{fix.line}: {fix.code} [{fix.label}] {fix.description}\n"
        for fix in result.applied
    ]
    diff = difflib.unified_diff(
        source_lines(before),
        source_lines(result.new_source),
        fromfile=path,
        tofile=path,
    )
    lines = [
        line if line.endswith(("\n", "\r")) else line + "\n\\ No newline at end of file\n"
        for line in diff
    ]
    return "".join(header + lines)


@dataclass(frozen=True, slots=True)
class _Options:
    write: bool
    unsafe: bool
    select: list[str] | None
    save: Callable[[Path, str, str], None]


@dataclass(slots=True)
class _Tally:
    files: int = 0
    fixes: int = 0
    hidden: int = 0
    errors: int = 0


def _fix_one(path: Path, options: _Options, tally: _Tally, out: TextIO, err: TextIO) -> None:
    from txo.migrate.fix.pipeline import fix_source

    try:
        source = _read(path)
        result = fix_source(source.text, unsafe=options.unsafe, select=options.select)
        if result.changed and options.write:
            options.save(path.resolve(), result.new_source, source.encoding)
    except (OSError, UnicodeDecodeError, SyntaxError, FixError) as exc:
        tally.errors += 1
        err.write(f"error: {path}: {exc}\n")
        return
    tally.hidden += result.unsafe_skipped
    if not result.changed:
        return
    tally.files += 1
    tally.fixes += len(result.applied)
    if options.write:
        for fix in result.applied:
            out.write(f"{path}:{fix.line}: {fix.code} [{fix.label}] {fix.description}\n")
    else:
        out.write(unified_diff(str(path), result, source.text))


def _summary(tally: _Tally, write: bool) -> str:
    verb = "Fixed" if write else "Would fix"
    text = f"{verb} {tally.fixes} issue(s) in {tally.files} file(s)."
    if tally.hidden:
        text += f" {tally.hidden} unsafe fix(es) not applied (use --unsafe-fixes)."
    if tally.errors:
        text += f" {tally.errors} file(s) could not be fixed."
    return text + "\n"


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
    try:
        select = parse_select(getattr(args, "select", None))
    except ValueError as exc:
        err.write(f"error: {exc}\n")
        return 2
    write = getattr(args, "fix_mode", "diff") == "write"
    options = _Options(write, bool(getattr(args, "unsafe_fixes", False)), select, save)
    missing = [str(p) for p in args.paths if not p.exists()]
    if missing:
        err.write(f"error: no such file or folder: {', '.join(missing)}\n")
        return 2
    tally = _Tally()
    for path in iter_python_files(args.paths):
        _fix_one(path, options, tally, out, err)
    err.write(_summary(tally, write))
    if tally.errors:
        return 2
    return 1 if tally.fixes and not write else 0
