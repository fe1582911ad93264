"""The plain data the fix pipeline returns (no libcst here, so importing it is cheap)."""

from __future__ import annotations

import io
import re
from collections.abc import Sequence
from dataclasses import dataclass, field

__all__ = [
    "FIXES",
    "AppliedFix",
    "FixError",
    "FixResult",
    "parse_select",
    "selected",
    "source_lines",
]

#: (code, safe, summary) of every codemod, for help texts; a test keeps it in step
#: with the codemod classes.
FIXES: tuple[tuple[str, bool, str], ...] = (
    ("TXO501", True, "v2.1 utils imports -> v3 drop-ins, else txo.compat.v21"),
    ("TXO101", False, "soft config .get() chains -> hard-fail [] access"),
    ("TXO502", True, "string directory categories -> Dir members"),
)
_SELECTOR = re.compile(r"^(ALL|[A-Z]+[0-9]*)$")


class FixError(ValueError):
    """A source that cannot be fixed: it does not parse, or a codemod produced invalid code."""


@dataclass(frozen=True, slots=True)
class AppliedFix:
    """One change a codemod made: its rule code, safety, line in the input and what it did."""

    code: str
    safe: bool
    line: int
    description: str

    @property
    def label(self) -> str:
        """``safe`` or ``unsafe``, as the diff header prints it."""
        return "safe" if self.safe else "unsafe"


@dataclass(frozen=True, slots=True)
class FixResult:
    """The rewritten source, the fixes applied, and how many unsafe fixes were left out."""

    new_source: str
    applied: list[AppliedFix] = field(default_factory=list)
    unsafe_skipped: int = 0

    @property
    def changed(self) -> bool:
        return bool(self.applied)


def parse_select(values: Sequence[str] | None) -> list[str] | None:
    """``["TXO501,TXO5", "txo101"]`` -> ``["TXO501", "TXO5", "TXO101"]``; ValueError if bad."""
    if not values:
        return None
    codes = [part.strip().upper() for value in values for part in value.split(",") if part.strip()]
    bad = [code for code in codes if not _SELECTOR.match(code)]
    if bad:
        raise ValueError(
            f"invalid rule selector(s): {', '.join(bad)} (expected e.g. TXO501 or TXO5)"
        )
    return codes


def selected(code: str, select: Sequence[str] | None) -> bool:
    """True when ``code`` is chosen: no selection, ``ALL``, or a selector that is its prefix."""
    if select is None:
        return True
    return any(s == "ALL" or code.startswith(s) for s in select)


def source_lines(text: str) -> list[str]:
    """Lines with their endings, split only at \\n, \\r\\n and \\r (as Python reads source)."""
    return io.StringIO(text, newline="").readlines()
