"""TXO501's fix, rendered with libcst: v2.1 ``utils`` imports to v3 drop-ins or ``txo.compat.v21``.

* ``from utils.path_helpers import Dir`` -> ``from txo.paths import Dir``
* ``from utils.exceptions import HelpfulError`` -> ``from txo.errors import HelpfulError``
* ``from utils.logger import setup_logger`` -> ``from txo.compat.v21.logger import setup_logger``
* ``import utils.load_n_save as lns`` -> ``import txo.compat.v21.load_n_save as lns``
* ``import utils.path_helpers`` (+ uses) -> ``import txo.compat.v21.path_helpers`` (+ uses)

Which names count as drop-ins is decided in :mod:`txo.migrate.rules.v21_policy`.
A renamed drop-in (``ApiNotFoundError`` -> ``EntityNotFoundError``) has its
uses renamed when the new name is free, otherwise it is imported ``as`` the
old name.  Aliases are kept; a line importing names bound for different
modules is split; a new top-level line for a module that is already
imported above merges into that line.  ``from .utils import x``, unknown
``utils`` submodules and ``importlib`` strings are left alone.
"""

from __future__ import annotations

from collections.abc import Collection, Mapping
from typing import cast

import libcst as cst
from libcst.metadata import (
    Assignment,
    CodeRange,
    MetadataWrapper,
    ParentNodeProvider,
    PositionProvider,
    Scope,
    ScopeProvider,
)

from txo.migrate.rules._cst.helpers import (
    Change,
    all_scopes,
    assignments_named,
    dotted,
    dotted_expr,
    import_references,
    is_import_of,
)
from txo.migrate.rules._cst.import_edit import (
    AliasPlan,
    ImportPlan,
    merge_top_level,
    rewrite_statements,
)
from txo.migrate.rules.v21_policy import (
    COMPAT_PACKAGE,
    DropIn,
    ShimLike,
    Usage,
    compat_module,
    dropin_target,
)

__all__ = ["V21Imports", "rewrite_v21_imports"]

_TYPE_TESTS = frozenset({"isinstance", "issubclass"})


def rewrite_v21_imports(
    source: str, shims: Mapping[str, ShimLike] | None = None
) -> tuple[str, list[Change]]:
    """``source`` with its v2.1 imports moved, and one :class:`Change` per moved name."""
    module, changes = V21Imports(shims).apply(cst.parse_module(source))
    return (module.code, changes) if changes else (source, [])


class V21Imports:
    """Plans from the original tree, then rewrites imports (and uses) in one pass."""

    def __init__(
        self,
        shims: Mapping[str, ShimLike] | None = None,
        modules: Collection[str] | None = None,
    ) -> None:
        self._shims = shims
        self._modules = modules

    def apply(self, module: cst.Module) -> tuple[cst.Module, list[Change]]:
        shims, modules = self._registry()
        wrapper = MetadataWrapper(module, unsafe_skip_copy=True)
        planner = _Planner(wrapper, shims, frozenset(modules))
        wrapper.module.visit(planner)
        plan = planner.plan
        if not plan.edits:
            return module, []
        rewriter = _Rewriter(plan)
        rewritten = wrapper.module.visit(rewriter)
        return merge_top_level(rewritten, rewriter.produced), plan.edits

    def _registry(self) -> tuple[Mapping[str, ShimLike], Collection[str]]:
        """SHIMS and the v2.1 module names, read at run time unless injected."""
        from txo.compat.registry import SHIMS, V21_MODULES

        shims = SHIMS if self._shims is None else self._shims
        modules = [m for m in V21_MODULES if m] if self._modules is None else self._modules
        return shims, modules


class _Planner(cst.CSTVisitor):
    """Decides, from the original tree, where every ``utils`` import goes."""

    def __init__(
        self, wrapper: MetadataWrapper, shims: Mapping[str, ShimLike], modules: frozenset[str]
    ) -> None:
        metadata = wrapper.resolve_many((ScopeProvider, ParentNodeProvider, PositionProvider))
        self.scopes = cast(Mapping[cst.CSTNode, Scope | None], metadata[ScopeProvider])
        self.parents = cast(Mapping[cst.CSTNode, cst.CSTNode], metadata[ParentNodeProvider])
        self.positions = cast(Mapping[cst.CSTNode, CodeRange], metadata[PositionProvider])
        self.shims = shims
        self.modules = modules
        self.module = wrapper.module
        self.plan = ImportPlan()
        self._strings: frozenset[str] | None = None

    def _v21_module(self, name: str) -> bool:
        head, dot, tail = name.partition(".")
        return head == "utils" and (not dot or tail in self.modules)

    def _edit(self, node: cst.CSTNode, description: str) -> None:
        start = self.positions[node].start
        self.plan.edits.append(Change(start.line, start.column, description))

    def visit_ImportFrom(self, node: cst.ImportFrom) -> bool:
        module = dotted(node.module)
        if node.relative or not self._v21_module(module):
            return False
        if isinstance(node.names, cst.ImportStar):
            target = compat_module(module)
            self.plan.stars[node] = target
            self._edit(node, f"{module}.* -> {target}.*")
            return False
        for alias in node.names:
            self._plan_alias(node, module, alias)
        return False

    def _plan_alias(self, node: cst.ImportFrom, module: str, alias: cst.ImportAlias) -> None:
        name = dotted(alias.name)
        asname = dotted(alias.asname.name) if alias.asname else None
        scope = self.scopes[node]
        refs = [] if scope is None else import_references(scope, node, (asname or name,))
        v21_name = f"{module}.{name}"
        found = dropin_target(v21_name, self.shims)
        if found is not None and self._usage_ok(found[1], refs):
            target_module, _, new_name = found[0].rpartition(".")
            plan = self._dropin_plan(target_module, new_name, name, asname, refs)
            description = f"{v21_name} -> {found[0]}"
        else:
            plan = AliasPlan(compat_module(module), name, asname)
            shim = self.shims.get(v21_name)
            hint = f" (no drop-in; v3: {shim.replacement})" if shim else ""
            description = f"{v21_name} -> {plan.module}.{name}{hint}"
        self.plan.aliases[alias] = plan
        self._edit(alias, description)

    def _dropin_plan(
        self, module: str, new: str, old: str, asname: str | None, refs: list[cst.CSTNode]
    ) -> AliasPlan:
        if new == old or asname:
            return AliasPlan(module, new, asname)
        if not self._can_rename(refs, old, new, module):
            return AliasPlan(module, new, old)
        for ref in refs:
            self.plan.replacements[ref] = new
        return AliasPlan(module, new, None)

    def _can_rename(self, refs: list[cst.CSTNode], old: str, new: str, module: str) -> bool:
        """Renaming uses is safe when they are plain names, ``new`` is free (or the same
        object) and no string spells ``old``."""
        if not all(isinstance(ref, cst.Name) for ref in refs) or self._named_in_a_string(old):
            return False
        same = frozenset({module})
        if not all(is_import_of(a, same) for a in assignments_named(self.scopes, new)):
            return False
        return all(
            access.referents and all(is_import_of(a, same) for a in access.referents)
            for scope in all_scopes(self.scopes)
            for access in scope.accesses[new]
        )

    def _named_in_a_string(self, name: str) -> bool:
        """True when a string literal spells ``name`` (``__all__``, getattr): keep the name."""
        if self._strings is None:
            finder = _Strings()
            self.module.visit(finder)
            self._strings = frozenset(finder.values)
        return name in self._strings

    def _usage_ok(self, entry: DropIn, refs: list[cst.CSTNode]) -> bool:
        for ref in refs:
            parent = self.parents.get(ref)
            if (
                isinstance(parent, cst.Attribute)
                and parent.value is ref
                and parent.attr.value in entry.forbidden_attributes
            ):
                return False
            if entry.usage is Usage.CATCH and not self._caught(ref):
                return False
        return True

    def _caught(self, node: cst.CSTNode) -> bool:
        """True when ``node`` is an ``except`` type or the class argument of isinstance()."""
        parent = self.parents.get(node)
        if isinstance(parent, cst.Element):
            node = self.parents[parent]
            if not isinstance(node, cst.Tuple):
                return False
            parent = self.parents.get(node)
        if isinstance(parent, cst.ExceptHandler | cst.ExceptStarHandler):
            return parent.type is node
        if not isinstance(parent, cst.Arg) or parent.keyword or parent.star:
            return False
        call = self.parents.get(parent)
        return (
            isinstance(call, cst.Call)
            and dotted(call.func) in _TYPE_TESTS
            and len(call.args) > 1
            and call.args[1] is parent
        )

    def visit_Import(self, node: cst.Import) -> bool:
        for alias in node.names:
            name = dotted(alias.name)
            if self._v21_module(name) and (alias.asname or self._rewrite_uses(node, name)):
                self.plan.imports[alias] = compat_module(name)
                self._edit(alias, f"import {name} -> import {compat_module(name)}")
        return False

    def _rewrite_uses(self, node: cst.Import, name: str) -> bool:
        """Plan ``utils.x.y`` -> ``txo.compat.v21.x.y`` for the uses of ``import utils.x``."""
        bindings = assignments_named(self.scopes, "txo")
        if any(not isinstance(a, Assignment) or not _imports_txo(a.node) for a in bindings):
            return False
        scope = self.scopes[node]
        refs = [] if scope is None else import_references(scope, node, tuple({"utils", name}))
        texts = [dotted(ref) for ref in refs]
        if not all(t == "utils" or t.startswith("utils.") for t in texts):
            return False
        for ref, text in zip(refs, texts, strict=True):
            self.plan.replacements[ref] = COMPAT_PACKAGE + text.removeprefix("utils")
        return True


class _Strings(cst.CSTVisitor):
    def __init__(self) -> None:
        self.values: list[str] = []

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        value = node.evaluated_value
        if isinstance(value, str):
            self.values.append(value)


def _imports_txo(node: cst.CSTNode) -> bool:
    return isinstance(node, cst.Import) and all(
        dotted(a.name).partition(".")[0] == "txo" and a.asname is None for a in node.names
    )


class _Rewriter(cst.CSTTransformer):
    """Applies an :class:`ImportPlan` to the tree it was planned on."""

    def __init__(self, plan: ImportPlan) -> None:
        self.plan = plan
        self.produced: list[cst.ImportFrom] = []

    def _replace(self, original: cst.CSTNode, updated: cst.BaseExpression) -> cst.BaseExpression:
        text = self.plan.replacements.get(original)
        if text is None:
            return updated
        return dotted_expr(text).with_changes(lpar=updated.lpar, rpar=updated.rpar)

    def leave_Name(self, original_node: cst.Name, updated_node: cst.Name) -> cst.BaseExpression:
        return self._replace(original_node, updated_node)

    def leave_Attribute(
        self, original_node: cst.Attribute, updated_node: cst.Attribute
    ) -> cst.BaseExpression:
        return self._replace(original_node, updated_node)

    def leave_Import(self, original_node: cst.Import, updated_node: cst.Import) -> cst.Import:
        names = [
            new.with_changes(name=dotted_expr(self.plan.imports[old]))
            if old in self.plan.imports
            else new
            for old, new in zip(original_node.names, updated_node.names, strict=True)
        ]
        return updated_node.with_changes(names=names)

    def leave_SimpleStatementLine(
        self, original_node: cst.SimpleStatementLine, updated_node: cst.SimpleStatementLine
    ) -> cst.SimpleStatementLine | cst.FlattenSentinel[cst.SimpleStatementLine]:
        body = rewrite_statements(original_node.body, updated_node.body, self.plan, self.produced)
        if len(updated_node.body) == 1 and len(body) > 1:
            first = updated_node.with_changes(body=body[:1])
            rest = [cst.SimpleStatementLine(body=[statement]) for statement in body[1:]]
            return cst.FlattenSentinel([first, *rest])
        return updated_node.with_changes(body=body)

    def leave_SimpleStatementSuite(
        self, original_node: cst.SimpleStatementSuite, updated_node: cst.SimpleStatementSuite
    ) -> cst.SimpleStatementSuite:
        body = rewrite_statements(original_node.body, updated_node.body, self.plan, self.produced)
        return updated_node.with_changes(body=body)
