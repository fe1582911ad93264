"""libcst helpers the codemods share: dotted names, scopes and references."""

from __future__ import annotations

from collections.abc import Iterator, Mapping

import libcst as cst
from libcst.helpers import get_full_name_for_node
from libcst.metadata import Assignment, BaseAssignment, ImportAssignment, Scope

__all__ = [
    "all_scopes",
    "assignments_named",
    "dotted",
    "dotted_expr",
    "import_references",
    "is_import_of",
]


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
