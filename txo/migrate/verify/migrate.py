"""``verify --after-fix``: fix a copy of the corpus, run it, and judge whether it is equivalent.

:func:`migrate_copy` copies the corpus and applies every fix, safe and unsafe
(:func:`txo.migrate.fix.fix_source`), to each Python file of the copy.  The migrated scripts
still run under ``python -m txo.compat``: ``fix`` moves a v2.1 name to v3 only where v3 has a
drop-in; every other name is imported from ``txo.compat.v21`` and keeps warning (by design).

A migrated run is *equivalent* to the original run when it exits the same way, writes the same
output files with the same content apart from timestamps, sends the same HTTP requests (for a
recorded run: compared like the ``http`` check) and no longer warns about any name ``fix``
moved to v3.  Warnings left for names kept on the compat layer are reported, not failed.
"""

from __future__ import annotations

import re
import shutil
from dataclasses import dataclass
from pathlib import Path

from txo.migrate.verify.corpus import Case
from txo.migrate.verify.outputs import comparable
from txo.migrate.verify.runner import COPY_IGNORED, ScriptRun

__all__ = ["FileFix", "MigrationResult", "compare_migration", "migrate_copy"]

# A TXO501 fix description: "utils.exceptions.HelpfulError -> txo.errors.HelpfulError".
_MOVED = re.compile(r"^(utils(?:\.\w+)+) -> (txo(?:\.\w+)+)")
_COMPAT_PREFIX = "txo.compat."


@dataclass(frozen=True, slots=True)
class FileFix:
    """What ``fix`` did to one file of the copy."""

    path: str
    safe: int = 0
    unsafe: int = 0
    moved: frozenset[str] = frozenset()
    error: str | None = None

    @property
    def total(self) -> int:
        return self.safe + self.unsafe


def _moved_names(descriptions: list[str]) -> frozenset[str]:
    """v2.1 names the fix imports from a v3 module (not from ``txo.compat``)."""
    moved = set()
    for text in descriptions:
        match = _MOVED.match(text)
        if match and not match.group(2).startswith(_COMPAT_PREFIX):
            moved.add(match.group(1))
    return frozenset(moved)


def _fix_file(path: Path, display: str) -> FileFix:
    from txo.migrate.fix import FixError, fix_source

    try:
        source = path.read_text(encoding="utf-8")
        result = fix_source(source, unsafe=True)
    except (OSError, UnicodeDecodeError, FixError) as exc:
        return FileFix(display, error=f"{type(exc).__name__}: {exc}")
    if result.changed:
        path.write_text(result.new_source, encoding="utf-8")
    applied = result.applied
    return FileFix(
        display,
        safe=sum(1 for f in applied if f.safe),
        unsafe=sum(1 for f in applied if not f.safe),
        moved=_moved_names([f.description for f in applied if f.code == "TXO501"]),
    )


def migrate_copy(source: Path, target: Path) -> dict[str, FileFix]:
    """Copy ``source`` to ``target`` and fix every ``*.py`` there (safe and unsafe fixes).

    The one place verify calls the fixer (``_fix_file``): when its public entry point
    changes, only that function changes.
    """
    shutil.copytree(source, target, ignore=shutil.ignore_patterns(*COPY_IGNORED))
    fixes = {}
    for path in sorted(target.rglob("*.py")):
        display = path.relative_to(target).as_posix()
        fixes[display] = _fix_file(path, display)
    return fixes


@dataclass(frozen=True, slots=True)
class MigrationResult:
    """One run of the original script beside the same run of its migrated copy."""

    case: Case
    before: ScriptRun
    after: ScriptRun
    fix: FileFix
    different_outputs: tuple[str, ...]
    left_moved: frozenset[str]
    left_compat: frozenset[str]
    different_requests: tuple[str, ...] = ()

    @property
    def exit_same(self) -> bool:
        return self.after.exit_code is not None and self.after.exit_code == self.before.exit_code

    @property
    def equivalent(self) -> bool:
        """Same exit code, same outputs apart from timestamps, no warning for a moved name."""
        return (
            self.fix.error is None
            and self.exit_same
            and not self.different_outputs
            and not self.different_requests
            and not self.left_moved
        )


def _different_outputs(before: ScriptRun, after: ScriptRun) -> tuple[str, ...]:
    names = sorted(set(before.outputs) | set(after.outputs))
    return tuple(
        name
        for name in names
        if name not in before.outputs
        or name not in after.outputs
        or comparable(name, before.outputs[name]) != comparable(name, after.outputs[name])
    )


def _different_requests(before: ScriptRun, after: ScriptRun) -> tuple[str, ...]:
    if before.case.cassette is None:
        return ()
    from txo.migrate.verify.http import compare_http

    multiset = (
        before.case.http_order == "multiset" or max(before.http_threads, after.http_threads) > 1
    )
    return compare_http(before.http_sent, after.http_sent, multiset=multiset).details


def compare_migration(before: ScriptRun, after: ScriptRun, fix: FileFix) -> MigrationResult:
    """Judge the migrated run against the original run of the same case."""
    return MigrationResult(
        case=before.case,
        before=before,
        after=after,
        fix=fix,
        different_outputs=_different_outputs(before, after),
        left_moved=after.warnings & fix.moved,
        left_compat=after.warnings - fix.moved,
        different_requests=_different_requests(before, after),
    )
