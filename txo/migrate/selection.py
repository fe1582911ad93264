"""What ``check`` and ``fix`` share: one way to choose rules, files and the settings file.

Both sub-commands take the same ``--select``/``--extend-select``/``--ignore``,
``--exclude``, ``--config`` and ``--isolated``, and resolve them against
``[tool.txo-migrate]`` the same way, so ``fix`` fixes exactly what ``check``
reports.
"""

from __future__ import annotations

import argparse
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING

from txo.migrate.options import DEFAULT_LEGACY_TARGET, LEGACY_TARGETS

if TYPE_CHECKING:
    from txo.migrate.pyproject import ToolSettings

__all__ = [
    "UsageError",
    "add_selection_arguments",
    "legacy_target",
    "load_tool_settings",
    "selected_codes",
    "split_codes",
]


class UsageError(Exception):
    """Bad arguments or settings: reported as ``txo-migrate: error: …`` with exit code 2."""


def add_selection_arguments(p: argparse.ArgumentParser) -> None:
    """What ``check`` and ``fix`` share: rule selection, excludes and the settings file."""
    p.add_argument("--select", action="append", help="codes or prefixes to run (default: all)")
    p.add_argument("--extend-select", action="append", metavar="CODES", help="codes to add")
    p.add_argument("--ignore", action="append", help="comma-separated codes or prefixes to skip")
    p.add_argument(
        "--exclude",
        action="append",
        default=[],
        metavar="GLOB",
        help="skip files/directories matching GLOB (name or root-relative path); repeatable",
    )
    p.add_argument(
        "--legacy-target",
        choices=LEGACY_TARGETS,
        help="template release the legacy scripts target: words TXO501's 3.1 findings "
        f"(default: legacy-target in [tool.txo-migrate], else {DEFAULT_LEGACY_TARGET})",
    )
    p.add_argument("--config", type=Path, metavar="FILE", help="settings file (TOML)")
    p.add_argument(
        "--isolated", action="store_true", help="ignore [tool.txo-migrate] in pyproject.toml"
    )


def split_codes(raw: Sequence[str] | None) -> list[str] | None:
    """``["TXO1,TXO5", "TXO601"]`` -> ``["TXO1", "TXO5", "TXO601"]``; None stays None."""
    if raw is None:
        return None
    return [c.strip() for value in raw for c in value.split(",") if c.strip()]


def load_tool_settings(args: argparse.Namespace, start: Path) -> ToolSettings:
    """``[tool.txo-migrate]`` (or ``--config``) unless ``--isolated``; errors are usage errors."""
    from txo.migrate.pyproject import SettingsError, resolve

    try:
        return resolve(args.config, args.isolated, start)
    except SettingsError as exc:
        raise UsageError(str(exc)) from None


def selected_codes(args: argparse.Namespace, tool: ToolSettings) -> frozenset[str]:
    """The run's codes: command-line selectors over the settings file's."""
    try:
        return tool.codes(
            split_codes(args.select),
            split_codes(args.extend_select) or (),
            split_codes(args.ignore) or (),
        )
    except ValueError as exc:
        raise UsageError(str(exc)) from None


def legacy_target(args: argparse.Namespace, tool: ToolSettings) -> str:
    """``--legacy-target``, else the settings file's ``legacy-target``, else the default."""
    chosen: str | None = getattr(args, "legacy_target", None)
    return chosen or tool.legacy_target or DEFAULT_LEGACY_TARGET
