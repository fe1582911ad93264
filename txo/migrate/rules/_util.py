"""Small AST helpers the rules share.  Everything iterates: no recursion on deep trees."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterator

__all__ = ["bindings", "callee_name", "dotted_name", "import_bindings", "split_words"]

_WORDS = re.compile(r"[A-Z]+(?![a-z])|[A-Z]?[a-z]+|[0-9]+")


def split_words(name: str) -> list[str]:
    """Lower-case words of an identifier or key: ``_clientSecret-v2`` -> client, secret, v, 2."""
    return [w.lower() for w in _WORDS.findall(name)]


def dotted_name(expr: ast.expr) -> str | None:
    """``a.b.c`` for a Name/Attribute chain, None for anything else."""
    parts: list[str] = []
    while isinstance(expr, ast.Attribute):
        parts.append(expr.attr)
        expr = expr.value
    if not isinstance(expr, ast.Name):
        return None
    parts.append(expr.id)
    return ".".join(reversed(parts))


def callee_name(call: ast.Call) -> str | None:
    """The last name of what is called: ``load_config`` for ``x.y.load_config(...)``."""
    func = call.func
    if isinstance(func, ast.Name):
        return func.id
    if isinstance(func, ast.Attribute):
        return func.attr
    return None


def import_bindings(node: ast.Import | ast.ImportFrom) -> Iterator[tuple[str, str, ast.alias]]:
    """(local name, full dotted name, alias node) for each name an import binds.

    ``import a.b`` binds ``a`` to ``a``; ``import a.b as x`` binds ``x`` to ``a.b``;
    ``from a import b as y`` binds ``y`` to ``a.b``.  Relative and star imports bind nothing here.
    """
    if isinstance(node, ast.Import):
        for alias in node.names:
            if alias.asname:
                yield alias.asname, alias.name, alias
            else:
                top = alias.name.partition(".")[0]
                yield top, top, alias
        return
    if node.level or not node.module:
        return
    for alias in node.names:
        if alias.name != "*":
            yield alias.asname or alias.name, f"{node.module}.{alias.name}", alias


def bindings(tree: ast.Module) -> Iterator[tuple[str, ast.AST]]:
    """(name, binding node) for every name bound anywhere in the module, whatever the scope."""
    for node in ast.walk(tree):
        if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store):
            yield node.id, node
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            yield node.name, node
        elif isinstance(node, ast.arg):
            yield node.arg, node
        elif isinstance(node, ast.ExceptHandler) and node.name:
            yield node.name, node
        elif isinstance(node, (ast.Import, ast.ImportFrom)):
            for alias in node.names:
                yield alias.asname or alias.name.partition(".")[0], node
