"""``[tool.txo-migrate]`` in ``pyproject.toml``: a team's committed settings (ruff's shape).

Found by walking up from the working directory to the first
``pyproject.toml`` that has the table (``--config FILE`` names one instead —
a ``pyproject.toml``, or any other TOML file holding the keys at top level;
``--isolated`` ignores every file).  Command-line flags win over the file:
``--select`` replaces ``select`` + ``extend-select``; ``--ignore``,
``--extend-select``, ``--exclude`` and ``--entry-point`` add to it;
``--baseline``, ``--max-function-lines`` and ``--legacy-target`` replace it.  Relative paths and
``per-file-ignores`` globs are relative to the file's folder.  A misspelt key
is an error that names the nearest valid one, never silently ignored.
"""

from __future__ import annotations

import difflib
import fnmatch
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from txo.errors import HelpfulError

__all__ = ["KEYS", "SettingsError", "ToolSettings", "find_pyproject", "load_settings", "resolve"]

TABLE = "txo-migrate"
KEYS = (
    "select",
    "extend-select",
    "ignore",
    "per-file-ignores",
    "exclude",
    "entry-points",
    "baseline",
    "max-function-lines",
    "legacy-target",
)
_EXAMPLE = """[tool.txo-migrate]
select = ["ALL"]
ignore = ["TXO401"]
exclude = ["legacy/vendored"]
baseline = "txo-migrate-baseline.json"
legacy-target = "3.1"

[tool.txo-migrate.per-file-ignores]
"scripts/*.py" = ["TXO201"]"""


class SettingsError(HelpfulError):
    """The settings file is unreadable or holds a key or value txo-migrate does not accept."""


@dataclass(frozen=True, slots=True)
class ToolSettings:
    """The settings of one run; ``source`` is None when no file was read."""

    base: Path
    source: Path | None = None
    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    entry_points: tuple[str, ...] = ()
    baseline: Path | None = None
    max_function_lines: int | None = None
    legacy_target: str | None = None

    def codes(
        self,
        select: Sequence[str] | None = None,
        extend_select: Sequence[str] = (),
        ignore: Sequence[str] = (),
    ) -> frozenset[str]:
        """The enabled codes: command-line selectors over the file's (ValueError if unknown)."""
        from txo.migrate.rules import KNOWN_CODES, select_codes

        if select is not None:
            chosen = set(select_codes(select))
        else:
            base = select_codes(self.select) if self.select is not None else KNOWN_CODES
            chosen = set(base) | select_codes(self.extend_select)
        chosen |= select_codes(extend_select)
        return frozenset(chosen - select_codes([*self.ignore, *ignore]))

    def ignored_in(self, path: Path) -> frozenset[str]:
        """Codes ``per-file-ignores`` switches off for ``path``."""
        if not self.per_file_ignores:
            return frozenset()
        from txo.migrate.rules import select_codes

        absolute = path.resolve()
        try:
            relative = absolute.relative_to(self.base).as_posix()
        except ValueError:
            relative = absolute.as_posix()
        hits = [
            code
            for pattern, codes in self.per_file_ignores
            if fnmatch.fnmatch(relative, pattern) or fnmatch.fnmatch(absolute.name, pattern)
            for code in codes
        ]
        return select_codes(hits) if hits else frozenset()


def find_pyproject(start: Path) -> Path | None:
    """The nearest ``pyproject.toml`` at or above ``start`` that has ``[tool.txo-migrate]``."""
    for folder in (start.resolve(), *start.resolve().parents):
        candidate = folder / "pyproject.toml"
        if candidate.is_file() and TABLE in _tool_tables(candidate):
            return candidate
    return None


def _tool_tables(path: Path, document: Mapping[str, Any] | None = None) -> Mapping[str, Any]:
    tool = (_read(path) if document is None else document).get("tool", {})
    return tool if isinstance(tool, dict) else {}


def _read(path: Path) -> dict[str, Any]:
    try:
        return tomllib.loads(path.read_text(encoding="utf-8-sig"))
    except (OSError, UnicodeDecodeError) as exc:
        raise SettingsError(
            f"Cannot read the txo-migrate settings file {path}: {exc}",
            f"Make sure {path} exists and is readable UTF-8, or run with --isolated.",
            _EXAMPLE,
        ) from None
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(
            f"{path} is not valid TOML: {exc}",
            "Fix the TOML syntax at the line and column named above.",
            _EXAMPLE,
        ) from None


def load_settings(path: Path) -> ToolSettings:
    """Read and validate the settings in ``path`` (``[tool.txo-migrate]`` of a pyproject)."""
    document = _read(path)
    in_pyproject = path.name == "pyproject.toml"
    table = _tool_tables(path, document).get(TABLE, {}) if in_pyproject else document
    if not isinstance(table, dict):
        raise _problem(path, f"[tool.{TABLE}] must be a table", "Write it as a TOML table.")
    _check_keys(path, table)
    return _build(path, table)


def resolve(explicit: Path | None, isolated: bool, start: Path) -> ToolSettings:
    """The settings for a run: ``--config FILE``, else the nearest pyproject (not if isolated)."""
    if isolated:
        return ToolSettings(base=start.resolve())
    if explicit is not None:
        if not explicit.is_file():
            raise _problem(
                explicit, "the --config file does not exist", "Pass an existing TOML file."
            )
        return load_settings(explicit)
    found = find_pyproject(start)
    return load_settings(found) if found is not None else ToolSettings(base=start.resolve())


def _check_keys(path: Path, table: Mapping[str, Any]) -> None:
    for key in table:
        if key not in KEYS:
            near = difflib.get_close_matches(key, KEYS, n=1, cutoff=0.5)
            hint = f"did you mean {near[0]!r}? " if near else ""
            raise _problem(
                path,
                f"unknown key {key!r} in [tool.{TABLE}]",
                f"{hint}Valid keys: {', '.join(KEYS)}.",
            )


def _build(path: Path, table: Mapping[str, Any]) -> ToolSettings:
    base = path.resolve().parent
    raw_select = table.get("select")
    baseline = table.get("baseline")
    limit = table.get("max-function-lines")
    if limit is not None and (not isinstance(limit, int) or isinstance(limit, bool) or limit < 1):
        raise _problem(path, "max-function-lines must be a whole number of at least 1", "")
    settings = ToolSettings(
        base=base,
        source=path,
        select=None if raw_select is None else _strings(path, table, "select"),
        extend_select=_strings(path, table, "extend-select"),
        ignore=_strings(path, table, "ignore"),
        per_file_ignores=_per_file(path, table),
        exclude=_strings(path, table, "exclude"),
        entry_points=_strings(path, table, "entry-points"),
        baseline=None if baseline is None else base / _text(path, "baseline", baseline),
        max_function_lines=limit,
        legacy_target=_legacy_target(path, table.get("legacy-target")),
    )
    _check_codes(path, settings)
    return settings


def _legacy_target(path: Path, value: object) -> str | None:
    from txo.migrate.options import LEGACY_TARGETS

    if value is None:
        return None
    if isinstance(value, float | int) and not isinstance(value, bool):
        value = str(value)  # legacy-target = 3.1 (a TOML number) means "3.1"
    if value not in LEGACY_TARGETS:
        valid = ", ".join(f'"{t}"' for t in LEGACY_TARGETS)
        raise _problem(
            path,
            f"unknown legacy-target {value!r}",
            f"Use one of {valid}: the template release your legacy scripts were written for.",
        )
    return str(value)


def _strings(path: Path, table: Mapping[str, Any], key: str) -> tuple[str, ...]:
    value = table.get(key, [])
    if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
        raise _problem(path, f"{key} must be a list of strings", f'Write {key} = ["..."].')
    return tuple(value)


def _text(path: Path, key: str, value: object) -> str:
    if not isinstance(value, str):
        raise _problem(path, f"{key} must be a string", f'Write {key} = "...".')
    return value


def _per_file(path: Path, table: Mapping[str, Any]) -> tuple[tuple[str, tuple[str, ...]], ...]:
    value = table.get("per-file-ignores", {})
    if not isinstance(value, dict):
        raise _problem(path, "per-file-ignores must be a table of glob = [codes]", "")
    return tuple((glob, _strings(path, value, glob)) for glob in value)


def _check_codes(path: Path, settings: ToolSettings) -> None:
    from txo.migrate.rules import select_codes

    groups: Iterable[tuple[str, ...]] = (
        settings.select or (),
        settings.extend_select,
        settings.ignore,
        *(codes for _, codes in settings.per_file_ignores),
    )
    try:
        for codes in groups:
            select_codes(codes)
    except ValueError as exc:
        raise _problem(path, str(exc), "Use codes that `txo-migrate rule` lists.") from None


def _problem(path: Path, what: str, how: str) -> SettingsError:
    return SettingsError(f"{path}: {what}", how or "See the example below.", _EXAMPLE)
