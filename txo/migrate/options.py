"""The settings one `check` run uses, as one immutable (and picklable) value."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from txo.compat.registry import Shim

__all__ = ["DEFAULT_LEGACY_TARGET", "DEFAULT_MAX_FUNCTION_LINES", "LEGACY_TARGETS", "CheckOptions"]

DEFAULT_MAX_FUNCTION_LINES = 50
#: The template releases a legacy code base can be on (``legacy-target``); the default is
#: the compat layer's own (``python -m txo.compat`` without ``--target``).
LEGACY_TARGETS = ("2.1", "3.1")
DEFAULT_LEGACY_TARGET = "2.1"


@dataclass(frozen=True, slots=True)
class CheckOptions:
    """What to check and how.  Sent to worker processes, so every field pickles.

    `codes` is the set of enabled rule codes (None means every rule);
    `entry_points` holds ``(module, function)`` pairs from ``--entry-point``;
    `shims` overrides ``txo.compat.registry.SHIMS`` (tests use it; None reads the registry);
    `with_fixes` asks rules to attach their fixes to findings (``fix`` does; ``check`` need not
    pay for building them);
    `legacy_target` is the template release the checked scripts were written for (one of
    :data:`LEGACY_TARGETS`): it decides how TXO501 words 3.1-only names and which default
    sheet name its advice keeps.
    """

    codes: frozenset[str] | None = None
    max_function_lines: int = DEFAULT_MAX_FUNCTION_LINES
    entry_points: tuple[tuple[str, str], ...] = ()
    root: str = "."
    shims: Mapping[str, Shim] | None = field(default=None, compare=False)
    with_fixes: bool = False
    legacy_target: str = DEFAULT_LEGACY_TARGET

    def enabled(self, code: str) -> bool:
        """Whether the rule `code` runs."""
        return self.codes is None or code in self.codes

    def __post_init__(self) -> None:
        if self.legacy_target not in LEGACY_TARGETS:
            valid = ", ".join(LEGACY_TARGETS)
            raise ValueError(f"unknown legacy target {self.legacy_target!r}; valid values: {valid}")
