"""The settings one `check` run uses, as one immutable (and picklable) value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from txo.compat.registry import Shim

__all__ = ["DEFAULT_MAX_FUNCTION_LINES", "CheckOptions"]

DEFAULT_MAX_FUNCTION_LINES = 50


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """What to check and how.  Sent to worker processes, so every field pickles.

    `codes` is the set of enabled rule codes (None means every rule);
    `entry_points` holds ``(module, function)`` pairs from ``--entry-point``;
    `shims` overrides ``txo.compat.registry.SHIMS`` (tests use it; None reads the registry);
    `with_fixes` asks rules to attach their fixes to findings (``fix`` does; ``check`` need not
    pay for building them).
    """

    codes: frozenset[str] | None = None
    max_function_lines: int = DEFAULT_MAX_FUNCTION_LINES
    entry_points: tuple[tuple[str, str], ...] = ()
    root: str = "."
    shims: Mapping[str, Shim] | None = field(default=None, compare=False)
    with_fixes: bool = False

    def enabled(self, code: str) -> bool:
        """Whether the rule `code` runs."""
        return self.codes is None or code in self.codes
