"""TXO101 (unsafe): soft configuration ``.get()`` chains -> hard-fail ``[]`` access.

``c.get("global", {}).get("api-base-url")`` -> ``c["global"]["api-base-url"]``
``c.get("x", default)``                        -> ``c["x"]``

(``c`` standing for a configuration receiver.)

Unsafe by design: a missing key raised nothing before and raises now (the
point of the v3 roadmap).  Only config-like receivers are touched, decided
the way the checker decides:

* names ``config``, ``cfg``, ``conf``, ``settings`` and ``*_config``, and
  attributes with those names (``ctx.config``, ``self.config``);
* names assigned (``=``, annotated, walrus) from a call to
  ``parse_args_and_load_config``, ``parse_custom_args_and_load_config`` or
  ``load_config`` (so ``ConfigLoader(...).load_config()``), bound by
  ``with ConfigContext(...) as name``, or from another config-like
  expression (``behavior = config["script-behavior"]``), to a fixed point;
* subscripts and ``.get()`` results of config-like expressions.

``.get()`` on anything else (API responses, ordinary dicts) is left alone,
as are calls with keyword or star arguments and calls with a comment inside
(the rewrite could not keep it).  A module that imports ``configparser`` is
skipped entirely: there ``.get(section, option)`` is not a dict lookup.
"""

from __future__ import annotations

import re
from collections.abc import Mapping

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider

from txo.migrate.fix.codemods._helpers import dotted
from txo.migrate.fix.codemods.base import Codemod, Edit, code_of, has_comment
from txo.migrate.rules.txo101_config_get import is_config_name  # one decision, shared with check

__all__ = ["ConfigGet", "config_like_names", "is_config_name"]

_LOADERS = frozenset({"parse_args_and_load_config", "parse_custom_args_and_load_config"})
_SOURCES = _LOADERS | {"load_config"}
_CONTEXTS = frozenset({"ConfigContext"})
_GET = re.compile(r"\.[\s\\]*get\b")


def _callee(call: cst.Call) -> str:
    return dotted(call.func).rpartition(".")[2]


def is_config_expr(expr: cst.BaseExpression, names: frozenset[str]) -> bool:
    """True for config-like expressions (see the module docstring)."""
    while True:
        if isinstance(expr, cst.Name):
            return is_config_name(expr.value) or expr.value in names
        if isinstance(expr, cst.Attribute):
            return is_config_name(expr.attr.value)
        if isinstance(expr, cst.Subscript):
            expr = expr.value
        elif isinstance(expr, cst.Call) and _callee(expr) in _SOURCES:
            return True
        elif isinstance(expr, cst.Call) and _is_get(expr):
            assert isinstance(expr.func, cst.Attribute)
            expr = expr.func.value
        else:
            return False


def _is_get(call: cst.Call) -> bool:
    """``x.get(key)`` or ``x.get(key, default)`` with plain positional arguments."""
    return (
        isinstance(call.func, cst.Attribute)
        and call.func.attr.value == "get"
        and 1 <= len(call.args) <= 2
        and all(arg.keyword is None and not arg.star for arg in call.args)
    )


class _Bindings(cst.CSTVisitor):
    """(name, value, bound by ``with``) for every simple name binding in the module."""

    def __init__(self) -> None:
        self.pairs: list[tuple[str, cst.BaseExpression, bool]] = []
        self.configparser = False

    def visit_Import(self, node: cst.Import) -> None:
        self.configparser |= any(dotted(a.name) == "configparser" for a in node.names)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        self.configparser |= not node.relative and dotted(node.module) == "configparser"

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Name):
                self.pairs.append((target.target.value, node.value, False))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        if node.value is not None and isinstance(node.target, cst.Name):
            self.pairs.append((node.target.value, node.value, False))

    def visit_NamedExpr(self, node: cst.NamedExpr) -> None:
        if isinstance(node.target, cst.Name):
            self.pairs.append((node.target.value, node.value, False))

    def visit_WithItem(self, node: cst.WithItem) -> None:
        if node.asname is not None and isinstance(node.asname.name, cst.Name):
            self.pairs.append((node.asname.name.value, node.item, True))


def config_like_names(bindings: _Bindings) -> frozenset[str]:
    """Names that hold configuration by data flow from a config load (fixed point)."""
    names: set[str] = set()
    changed = True
    while changed:
        changed = False
        for name, value, with_item in bindings.pairs:
            if name in names:
                continue
            if with_item:
                found = isinstance(value, cst.Call) and _callee(value) in _CONTEXTS
            else:
                found = is_config_expr(value, frozenset(names))
            if found:
                names.add(name)
                changed = True
    return frozenset(names)


class ConfigGet(Codemod):
    code = "TXO101"
    safe = False
    summary = "soft config .get() chains -> hard-fail [] access"

    def wants(self, text: str) -> bool:
        return _GET.search(text) is not None

    def apply(self, module: cst.Module) -> tuple[cst.Module, list[Edit]]:
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        bindings = _Bindings()
        wrapper.module.visit(bindings)
        if bindings.configparser:
            return module, []
        names = config_like_names(bindings)
        transformer = _Rewriter(names, wrapper.resolve(PositionProvider))
        new_module = wrapper.module.visit(transformer)
        return new_module, transformer.edits


class _Rewriter(cst.CSTTransformer):
    def __init__(self, names: frozenset[str], positions: Mapping[cst.CSTNode, CodeRange]) -> None:
        self.names = names
        self.positions = positions
        self.edits: list[Edit] = []

    def _rewritable(self, call: cst.Call) -> bool:
        if not _is_get(call):
            return False
        func = call.func
        assert isinstance(func, cst.Attribute)
        if not is_config_expr(func.value, self.names):
            return False
        parts: list[cst.CSTNode] = [func.dot, call.whitespace_after_func]
        parts += [call.whitespace_before_args, *call.args]
        return not any(has_comment(part) for part in parts)

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.BaseExpression:
        if not self._rewritable(original_node):
            return updated_node
        func = updated_node.func
        assert isinstance(func, cst.Attribute)
        key = updated_node.args[0].value
        if isinstance(key, cst.GeneratorExp) and not key.lpar:
            key = key.with_changes(lpar=[cst.LeftParen()], rpar=[cst.RightParen()])
        index = cst.SubscriptElement(slice=cst.Index(value=key))
        new = cst.Subscript(
            value=func.value, slice=[index], lpar=updated_node.lpar, rpar=updated_node.rpar
        )
        original_func = original_node.func
        assert isinstance(original_func, cst.Attribute)
        line = self.positions[original_func.attr].start.line
        self.edits.append(Edit(line, _describe(original_func.value, original_node, key)))
        return new


def _describe(receiver: cst.BaseExpression, call: cst.Call, key: cst.BaseExpression) -> str:
    """``c.get("x", {}) -> c["x"]``; a chained receiver is left out."""
    chained = not isinstance(receiver, cst.Name | cst.Attribute)
    shown = "" if chained else code_of(receiver, limit=30)
    args = ", ".join(code_of(arg.value, limit=30) for arg in call.args)
    return f"{shown}.get({args}) -> {shown}[{code_of(key, limit=30)}]"
