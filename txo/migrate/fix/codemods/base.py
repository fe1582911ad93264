"""What every codemod is built on.

A codemod is a class with a stable ``code`` (the checker rule it fixes), a
``safe`` flag and a ``summary``.  :meth:`Codemod.apply` takes a parsed
module and returns the rewritten module plus one :class:`Edit` per change,
with the line number in the module it was given.  Codemods hold no state
between calls: everything a run needs is built inside ``apply``.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

__all__ = ["Codemod", "Edit", "code_of", "has_comment"]


@dataclass(frozen=True, slots=True)
class Edit:
    """One change: the line (1-based, in the codemod's input) and a short description."""

    line: int
    description: str


class Codemod:
    """Base class: subclasses set the class attributes and implement :meth:`apply`."""

    code: ClassVar[str] = ""
    safe: ClassVar[bool] = True
    summary: ClassVar[str] = ""

    def wants(self, text: str) -> bool:
        """Cheap pre-check on the source text: False means ``apply`` would change nothing."""
        return True

    def apply(self, module: cst.Module) -> tuple[cst.Module, list[Edit]]:
        raise NotImplementedError


def code_of(node: cst.CSTNode, limit: int = 60) -> str:
    """Source text of ``node`` on one line, shortened to ``limit`` characters."""
    text = " ".join(cst.Module(body=[]).code_for_node(node).split())
    return text if len(text) <= limit else text[: limit - 3] + "..."


class _CommentFinder(cst.CSTVisitor):
    def __init__(self) -> None:
        self.found = False

    def visit_Comment(self, node: cst.Comment) -> bool:
        self.found = True
        return False


def has_comment(node: cst.CSTNode) -> bool:
    """True if a comment sits anywhere inside ``node`` (such nodes are left alone)."""
    finder = _CommentFinder()
    node.visit(finder)
    return finder.found
