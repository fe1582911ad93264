"""What a rule attaches to a finding it can repair, and how ``fix`` applies such repairs.

A :class:`Fix` is plain data built by the rule from the very node it
reports: text :class:`Edit` s (character offsets into the checked source) and
whether applying them keeps behaviour (``safe``) or changes it on purpose
(``unsafe``, applied only with ``--unsafe-fixes``).  :func:`apply_fixes`
splices the edits of many findings into one new text, skipping a fix that
overlaps one already taken; ``fix`` then checks again, so a skipped fix gets
its turn in the next round (the ruff model).  An edit shared by several fixes
(one added import for many rewritten names) is applied once.
"""

from __future__ import annotations

import difflib
import io
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from txo.migrate.findings import Finding

__all__ = ["Applicability", "Edit", "Fix", "apply_fixes", "edits_between", "source_lines"]


class Applicability(StrEnum):
    """``safe``: same behaviour; ``unsafe``: behaviour changes (the fix's description says how)."""

    SAFE = "safe"
    UNSAFE = "unsafe"


@dataclass(frozen=True, slots=True)
class Edit:
    """Replace ``source[start:end]`` with ``content`` (an insertion when start == end)."""

    start: int
    end: int
    content: str

    def overlaps(self, other: Edit) -> bool:
        """True when both touch the same text, or both insert at one point (order unknown)."""
        if self.start == self.end == other.start == other.end:
            return True
        return self.start < other.end and other.start < self.end


@dataclass(frozen=True, slots=True)
class Fix:
    """The repair of one finding: its edits, their applicability and what they do."""

    applicability: Applicability
    edits: tuple[Edit, ...]
    description: str

    @property
    def safe(self) -> bool:
        return self.applicability is Applicability.SAFE

    @property
    def start(self) -> int:
        return min((e.start for e in self.edits), default=0)


def source_lines(text: str) -> list[str]:
    """Lines with their endings, split only at \\n, \\r\\n and \\r (as Python reads source)."""
    return io.StringIO(text, newline="").readlines()


def apply_fixes(source: str, findings: Iterable[Finding]) -> tuple[str, list[Finding]]:
    """``source`` with the findings' fixes applied, and the findings fixed.

    A fix whose edits overlap an edit already taken is left for the next round;
    an edit equal to one already taken counts as done.
    """
    taken: list[Edit] = []
    done: set[Edit] = set()
    fixed: list[Finding] = []
    for finding in sorted(findings, key=_order):
        assert finding.fix is not None
        new = [e for e in finding.fix.edits if e not in done]
        if any(e.overlaps(t) for e in new for t in taken) or _self_overlap(new):
            continue
        taken += new
        done.update(new)
        fixed.append(finding)
    return _splice(source, taken), fixed


def _order(finding: Finding) -> tuple[str, int, int]:
    """Rule by rule (an import move before the names that use it), then in source order."""
    fix = finding.fix
    return (finding.code, fix.start if fix else 0, finding.line)


def _self_overlap(edits: Sequence[Edit]) -> bool:
    return any(a.overlaps(b) for i, a in enumerate(edits) for b in edits[i + 1 :])


def _splice(source: str, edits: Sequence[Edit]) -> str:
    parts: list[str] = []
    position = 0
    for edit in sorted(edits, key=lambda e: (e.start, e.end)):
        parts += [source[position : edit.start], edit.content]
        position = edit.end
    parts.append(source[position:])
    return "".join(parts)


def edits_between(before: str, after: str) -> tuple[Edit, ...]:
    """The line edits that turn ``before`` into ``after`` (for rewrites rendered whole)."""
    old, new = source_lines(before), source_lines(after)
    starts = [0]
    for line in old:
        starts.append(starts[-1] + len(line))
    matcher = difflib.SequenceMatcher(None, old, new, autojunk=False)
    return tuple(
        Edit(starts[i1], starts[i2], "".join(new[j1:j2]))
        for tag, i1, i2, j1, j2 in matcher.get_opcodes()
        if tag != "equal"
    )
