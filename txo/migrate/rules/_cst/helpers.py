"""libcst helpers the fix renderers share: dotted names, scopes, references, comments."""

from __future__ import annotations

from collections.abc import Iterator, Mapping
from dataclasses import dataclass

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import Assignment, BaseAssignment, ImportAssignment, Scope

__all__ = [
    "Change",
    "all_scopes",
    "assignments_named",
    "code_of",
    "dotted",
    "dotted_expr",
    "has_comment",
    "import_references",
    "is_import_of",
]


@dataclass(frozen=True, slots=True)
class Change:
    """One change a renderer made: where (1-based line, 0-based column) and what it did."""

    line: int
    column: int
    description: str


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


def dotted(node: cst.CSTNode | None) -> str:
    """``a.b.c`` for a Name/Attribute chain; "" for anything else."""
    if node is None:
        return ""
    return get_full_name_for_node(node) or ""


def dotted_expr(name: str) -> cst.Attribute | cst.Name:
    """The expression for a dotted name: ``txo.paths`` -> Attribute(Name(txo), Name(paths))."""
    head, *rest = name.split(".")
    expr: cst.Attribute | cst.Name = cst.Name(head)
    for part in rest:
        expr = cst.Attribute(value=expr, attr=cst.Name(part))
    return expr


def all_scopes(scopes: Mapping[cst.CSTNode, Scope | None]) -> Iterator[Scope]:
    """Every distinct scope in a ScopeProvider mapping."""
    seen: set[int] = set()
    for scope in scopes.values():
        if scope is not None and id(scope) not in seen:
            seen.add(id(scope))
            yield scope


def assignments_named(
    scopes: Mapping[cst.CSTNode, Scope | None], name: str
) -> Iterator[BaseAssignment]:
    """Every binding of ``name`` in any scope of the module."""
    for scope in all_scopes(scopes):
        yield from scope.assignments[name]


def is_import_of(assignment: BaseAssignment, modules: frozenset[str]) -> bool:
    """True when ``assignment`` is ``from M import ...`` with M in ``modules``."""
    if not isinstance(assignment, ImportAssignment):
        return False
    node = assignment.node
    return isinstance(node, cst.ImportFrom) and not node.relative and dotted(node.module) in modules


def import_references(
    scope: Scope, statement: cst.Import | cst.ImportFrom, names: tuple[str, ...]
) -> list[cst.CSTNode]:
    """The nodes that use the bindings ``names`` made by ``statement`` in ``scope``."""
    found: list[cst.CSTNode] = []
    for name in names:
        for assignment in scope.assignments[name]:
            if isinstance(assignment, Assignment) and assignment.node is statement:
                found.extend(access.node for access in assignment.references)
    return found
