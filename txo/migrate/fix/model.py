"""The plain data ``fix`` returns (nothing heavy here, so importing it is cheap)."""

from __future__ import annotations

from dataclasses import dataclass, field

from txo.migrate.findings import Finding

__all__ = ["AppliedFix", "FixError", "FixResult"]


class FixError(ValueError):
    """A source that cannot be fixed: it does not parse, or a fix produced invalid code."""


@dataclass(frozen=True, slots=True)
class AppliedFix:
    """One finding's fix that was applied: rule code, safety, line and what it did.

    `line` is the finding's line in the text of the round that fixed it (the
    original source for every fix of the first round).
    """

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
    """The rewritten source, the fixes applied, and what a following ``check`` will report.

    `before` are the findings of the original source (`findings_before` their
    count), `remaining` those of the new source (what ``check`` would report),
    and `unsafe_skipped` how many of them an unsafe fix would repair.
    """

    new_source: str
    applied: list[AppliedFix] = field(default_factory=list)
    unsafe_skipped: int = 0
    findings_before: int = 0
    remaining: tuple[Finding, ...] = ()
    before: tuple[Finding, ...] = ()

    @property
    def changed(self) -> bool:
        return bool(self.applied)

    @property
    def fixed(self) -> int:
        """Findings that are gone: the original count minus what is left (never negative)."""
        return max(self.findings_before - len(self.remaining), 0)
