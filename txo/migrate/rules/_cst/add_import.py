"""Add ``from MODULE import NAME`` where a careful human would: with the other imports."""

from __future__ import annotations

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor

__all__ = ["add_import"]


def add_import(source: str, module: str, name: str) -> str:
    """``source`` importing ``name`` from ``module`` (merged into an existing line if any)."""
    context = CodemodContext()
    AddImportsVisitor.add_needed_import(context, module, name)
    return AddImportsVisitor(context).transform_module(cst.parse_module(source)).code
