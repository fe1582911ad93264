"""Add ``from MODULE import NAME`` or ``import MODULE`` where a careful human would: with the
other imports."""

from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor

__all__ = ["add_import", "add_imports"]


def add_import(source: str, module: str, name: str) -> str:
    """``source`` importing ``name`` from ``module`` (merged into an existing line if any)."""
    return add_imports(source, ((module, name),))


def add_imports(source: str, needed: tuple[tuple[str, str | None], ...]) -> str:
    """``source`` with every ``(module, name)`` imported (``name`` None: ``import module``)."""
    context = CodemodContext()
    for module, name in needed:
        AddImportsVisitor.add_needed_import(context, module, name)
    return AddImportsVisitor(context).transform_module(cst.parse_module(source)).code
