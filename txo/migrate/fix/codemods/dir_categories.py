"""TXO502 (safe): string directory categories -> ``Dir`` members.

``data_handler.save(rows, "output", "f.json")`` -> ``data_handler.save(rows, Dir.OUTPUT, "f.json")``
``get_path("output", name)``                   -> ``get_path(Dir.OUTPUT, name)``

A string literal equal to a ``Dir`` value becomes the member.  Safe because
``Dir`` is a ``StrEnum``: the member *is* that string to every callee.  The
literal is rewritten only where it is the category argument (by position,
or as ``directory=`` / ``category=``) of a known method
(:data:`CATEGORY_ARGUMENT`) called on a data-handler- or paths-like
receiver (a name or attribute containing ``handler``, named ``data``,
``dh``, ``paths`` or ``*_paths``, a ``TxoDataHandler``/``DataHandler``/
``ProjectPaths`` class or instance, a name assigned from one, or the v2.1
``path_helpers``/``load_n_save`` module under any name), or of a function
imported from ``utils``/``txo``.  ``Dir`` is reused when it is
already imported from ``txo.paths`` or the v2.1 ``path_helpers``, otherwise
``from txo.paths import Dir`` is added; a file that binds ``Dir`` to
anything else, or star-imports a v2.1 module at top level, is left alone.
"""

from __future__ import annotations

from collections.abc import Mapping
from types import MappingProxyType
from typing import cast

import libcst as cst
from libcst.codemod import CodemodContext
from libcst.codemod.visitors import AddImportsVisitor
from libcst.metadata import (
    CodeRange,
    ImportAssignment,
    MetadataWrapper,
    PositionProvider,
    Scope,
    ScopeProvider,
)

from txo.migrate.fix.codemods._helpers import assignments_named, dotted, is_import_of
from txo.migrate.fix.codemods.base import Codemod, Edit

__all__ = ["CATEGORY_ARGUMENT", "DirCategories"]

_SAVE, _FIRST = 1, 0
#: method or function name -> position of its category argument.
CATEGORY_ARGUMENT: Mapping[str, int] = MappingProxyType(
    {
        **dict.fromkeys(("save", "save_json", "save_text", "save_yaml"), _SAVE),
        **dict.fromkeys(("save_binary", "save_gzip"), _SAVE),
        **dict.fromkeys(("load", "load_json", "load_text", "load_yaml", "load_csv"), _FIRST),
        **dict.fromkeys(("load_excel", "load_binary", "load_gzip"), _FIRST),
        **dict.fromkeys(("exists", "delete", "get_size", "get_path", "path", "dir"), _FIRST),
        **dict.fromkeys(("cleanup_old_files", "get_dir_size", "list_files"), _FIRST),
        "ensure_file_backup": _FIRST,
    }
)
_KEYWORDS = frozenset({"directory", "category"})
_CLASSES = frozenset({"TxoDataHandler", "DataHandler", "ProjectPaths"})
_FACTORIES = frozenset({"ProjectPaths.init", "ProjectPaths.discover"})
_HANDLER_NAMES = frozenset({"data", "dh", "paths", "project_paths", "path_helpers", "load_n_save"})
_HANDLER_MODULES = frozenset({"path_helpers", "load_n_save"})
_DIR_MODULES = frozenset({"txo.paths", "txo.compat.v21.path_helpers", "utils.path_helpers"})


def _handler_name(name: str) -> bool:
    lowered = name.lower()
    return (
        "handler" in lowered
        or lowered in _HANDLER_NAMES
        or lowered.endswith("_paths")
        or name in _CLASSES
    )


def _makes_handler(expr: cst.BaseExpression) -> bool:
    if not isinstance(expr, cst.Call):
        return False
    name = dotted(expr.func)
    return name.rpartition(".")[2] in _CLASSES or name in _FACTORIES


class _Facts(cst.CSTVisitor):
    """Names assigned a handler, and names imported from ``utils``/``txo``."""

    def __init__(self) -> None:
        self.handlers: set[str] = set()
        self.imported: set[str] = set()

    def visit_Assign(self, node: cst.Assign) -> None:
        if _makes_handler(node.value):
            for target in node.targets:
                if isinstance(target.target, cst.Name):
                    self.handlers.add(target.target.value)

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            if alias.asname and dotted(alias.name).rpartition(".")[2] in _HANDLER_MODULES:
                self.handlers.add(dotted(alias.asname.name))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        head = dotted(node.module).partition(".")[0]
        if node.relative or head not in {"utils", "txo"}:
            return
        if not isinstance(node.names, cst.ImportStar):
            self.imported.update(
                dotted(a.asname.name) if a.asname else dotted(a.name) for a in node.names
            )


def _star_from_v21(statement: cst.BaseStatement) -> bool:
    """``from utils... import *`` / ``from txo.compat... import *`` may bind a v2.1 ``Dir``."""
    if not isinstance(statement, cst.SimpleStatementLine):
        return False
    return any(
        isinstance(node, cst.ImportFrom)
        and isinstance(node.names, cst.ImportStar)
        and dotted(node.module).startswith(("utils", "txo.compat"))
        for node in statement.body
    )


def dir_binding(scopes: Mapping[cst.CSTNode, Scope | None], module: cst.Module) -> str | None:
    """The local name of an imported ``Dir`` ("" when none is bound; None if unusable)."""
    scope = scopes.get(module)
    if scope is None or any(_star_from_v21(statement) for statement in module.body):
        return None
    for assignment in scope.assignments:
        if not isinstance(assignment, ImportAssignment):
            continue
        node = assignment.node
        if not is_import_of(assignment, _DIR_MODULES):
            continue
        assert isinstance(node, cst.ImportFrom) and not isinstance(node.names, cst.ImportStar)
        for alias in node.names:
            local = dotted(alias.asname.name) if alias.asname else dotted(alias.name)
            if dotted(alias.name) == "Dir" and local == assignment.name:
                bindings = assignments_named(scopes, local)
                return local if all(is_import_of(b, _DIR_MODULES) for b in bindings) else None
    return None if any(True for _ in assignments_named(scopes, "Dir")) else ""


class DirCategories(Codemod):
    code = "TXO502"
    safe = True
    summary = "string directory categories -> Dir members"

    def wants(self, text: str) -> bool:
        from txo.paths import Dir

        return any(f"'{d.value}'" in text or f'"{d.value}"' in text for d in Dir)

    def apply(self, module: cst.Module) -> tuple[cst.Module, list[Edit]]:
        from txo.paths import Dir

        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        metadata = wrapper.resolve_many((ScopeProvider, PositionProvider))
        scopes = cast(Mapping[cst.CSTNode, Scope | None], metadata[ScopeProvider])
        local = dir_binding(scopes, wrapper.module)
        if local is None:
            return module, []
        facts = _Facts()
        wrapper.module.visit(facts)
        members = {member.value: member.name for member in Dir}
        positions = cast(Mapping[cst.CSTNode, CodeRange], metadata[PositionProvider])
        rewriter = _Rewriter(local or "Dir", members, facts, positions)
        new_module = wrapper.module.visit(rewriter)
        if rewriter.edits and not local:
            context = CodemodContext()
            AddImportsVisitor.add_needed_import(context, "txo.paths", "Dir")
            new_module = AddImportsVisitor(context).transform_module(new_module)
        return new_module, rewriter.edits


class _Rewriter(cst.CSTTransformer):
    def __init__(
        self,
        local: str,
        members: Mapping[str, str],
        facts: _Facts,
        positions: Mapping[cst.CSTNode, CodeRange],
    ) -> None:
        self.local = local
        self.members = members
        self.facts = facts
        self.positions = positions
        self.edits: list[Edit] = []

    def _position(self, call: cst.Call) -> int | None:
        """The category argument's position for a matching call, else None."""
        func = call.func
        if isinstance(func, cst.Name):
            known = func.value in self.facts.imported
            return CATEGORY_ARGUMENT.get(func.value) if known else None
        if not isinstance(func, cst.Attribute) or func.attr.value not in CATEGORY_ARGUMENT:
            return None
        receiver = func.value
        if isinstance(receiver, cst.Name | cst.Attribute):
            name = dotted(receiver).rpartition(".")[2]
            ok = bool(name) and (_handler_name(name) or name in self.facts.handlers)
        else:
            ok = _makes_handler(receiver)
        return CATEGORY_ARGUMENT[func.attr.value] if ok else None

    def leave_Call(self, original_node: cst.Call, updated_node: cst.Call) -> cst.Call:
        position = self._position(original_node)
        if position is None:
            return updated_node
        args = list(updated_node.args)
        positional = 0
        for index, arg in enumerate(args):
            if arg.star:
                break
            keyword = arg.keyword.value if arg.keyword else None
            if keyword in _KEYWORDS or (keyword is None and positional == position):
                args[index] = self._member_arg(arg, original_node.args[index])
            positional += keyword is None
        return updated_node.with_changes(args=args)

    def _member_arg(self, arg: cst.Arg, original: cst.Arg) -> cst.Arg:
        value = arg.value
        if not isinstance(value, cst.SimpleString) or "b" in value.prefix.lower():
            return arg
        member = self.members.get(str(value.evaluated_value))
        if member is None:
            return arg
        new = cst.Attribute(value=cst.Name(self.local), attr=cst.Name(member))
        line = self.positions[original.value].start.line
        self.edits.append(Edit(line, f"{value.value} -> {self.local}.{member}"))
        return arg.with_changes(value=new.with_changes(lpar=value.lpar, rpar=value.rpar))
