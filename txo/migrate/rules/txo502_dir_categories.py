"""TXO502: a directory category spelled as a string instead of a ``Dir`` member."""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Iterator, Mapping
from types import MappingProxyType

from txo.migrate.fixes import Applicability, Edit, Fix, edits_between
from txo.migrate.options import CheckOptions
from txo.migrate.rules._util import bindings, dotted_name
from txo.migrate.rules.base import FileContext, Handler, Rule

__all__ = ["CATEGORY_ARGUMENT", "StringCategory"]

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
_IMPORT_ROOTS = frozenset({"utils", "txo"})
_DIR_MODULES = frozenset({"txo.paths", "txo.compat.v21.path_helpers", "utils.path_helpers"})
_Candidate = tuple[ast.Call, ast.Constant, str]


def _handler_name(name: str) -> bool:
    lowered = name.lower()
    return (
        "handler" in lowered
        or lowered in _HANDLER_NAMES
        or lowered.endswith("_paths")
        or name in _CLASSES
    )


def _makes_handler(expr: ast.expr) -> bool:
    if not isinstance(expr, ast.Call):
        return False
    name = dotted_name(expr.func) or ""
    return name.rpartition(".")[2] in _CLASSES or name in _FACTORIES


class StringCategory(Rule):
    """A directory category spelled as a string instead of a ``Dir`` member.

    Why: ``Dir`` (``txo.paths``) names every directory category once; a string
    such as ``"ouput"`` is found only when the script runs, a ``Dir.OUPUT``
    by any editor, type checker or ``python -c "import script"``.

    How it decides: a string literal equal to a ``Dir`` value is flagged where
    it is the category argument — by position, or as ``directory=`` /
    ``category=`` — of a known method (``save``, ``load_json``, ``path``,
    ``list_files`` …) called on a data-handler- or paths-like receiver (a name
    or attribute containing ``handler``, named ``data``, ``dh``, ``paths`` or
    ``*_paths``, a ``TxoDataHandler``/``DataHandler``/``ProjectPaths`` class or
    instance, a name assigned from one, or the v2.1 ``path_helpers`` /
    ``load_n_save`` module under any name), or of such a function imported
    from ``utils`` or ``txo``.  ``cache.load("data")`` or ``os.path.exists("data")``
    are not flagged.  The compat layer itself (modules under ``txo.compat``)
    is exempt: it reproduces v2.1 behaviour, category strings included.

    The fix (safe: ``Dir`` is a ``StrEnum``, each member *is* its string) uses
    the ``Dir`` the module already imports from ``txo.paths`` or the v2.1
    ``path_helpers`` (under any name), or adds ``from txo.paths import Dir``;
    a module that binds ``Dir`` to anything else, or star-imports a v2.1
    module, is left to a human.
    """

    code = "TXO502"
    name = "string-dir-category"
    summary = "Directory category spelled as a string instead of a `Dir` member"
    fixable = Applicability.SAFE
    fix_summary = 'the string becomes the `Dir` member (`"output"` -> `Dir.OUTPUT`)'
    flagged = (
        'def save(data_handler, rows):\n    data_handler.save(rows, "output", "rows.json")\n',
        'def schema(project_paths):\n    return project_paths.path("schemas", "s.json")\n',
        'def log_file(ctx):\n    return ctx.paths.path("logs", "run.log")\n',
    )
    accepted = (
        "from txo.paths import Dir\n\n\n"
        'def save(data_handler, rows):\n    data_handler.save(rows, Dir.OUTPUT, "rows.json")\n',
        'def warm(cache):\n    return cache.load("data", "unrelated")\n',
        'import os\n\nfound = os.path.exists("data")\n',
    )

    def __init__(self, ctx: FileContext, shared: object = None) -> None:
        super().__init__(ctx, shared)
        assert isinstance(shared, Mapping)
        self._members: Mapping[str, str] = shared
        self._candidates: list[_Candidate] = []
        self._handlers: set[str] = set()
        self._imported: set[str] = set()
        self._exempt = ctx.module == "txo.compat" or ctx.module.startswith("txo.compat.")

    @classmethod
    def prepare(cls, options: CheckOptions) -> Mapping[str, str]:
        from txo.paths import Dir

        return MappingProxyType({member.value: member.name for member in Dir})

    def handlers(self) -> Mapping[type[ast.AST], Handler]:
        return {
            ast.Call: self._on_call,
            ast.Assign: self._on_assign,
            ast.Import: self._on_import,
            ast.ImportFrom: self._on_import_from,
        }

    def _on_assign(self, node: ast.Assign) -> None:
        if isinstance(node.value, ast.Call) and _makes_handler(node.value):
            self._handlers.update(t.id for t in node.targets if isinstance(t, ast.Name))

    def _on_import(self, node: ast.Import) -> None:
        for alias in node.names:
            if alias.asname and alias.name.rpartition(".")[2] in _HANDLER_MODULES:
                self._handlers.add(alias.asname)

    def _on_import_from(self, node: ast.ImportFrom) -> None:
        if node.level or (node.module or "").partition(".")[0] not in _IMPORT_ROOTS:
            return
        self._imported.update(a.asname or a.name for a in node.names if a.name != "*")

    def _on_call(self, node: ast.Call) -> None:
        if self._exempt:
            return
        func = node.func
        name = func.id if isinstance(func, ast.Name) else getattr(func, "attr", None)
        position = CATEGORY_ARGUMENT.get(name) if isinstance(name, str) else None
        if position is None:
            return
        for arg in self._category_args(node, position):
            if isinstance(arg, ast.Constant) and arg.value.__class__ is str:
                member = self._members.get(arg.value)
                self._candidates += [(node, arg, member)] if member is not None else []

    @staticmethod
    def _category_args(call: ast.Call, position: int) -> Iterator[ast.expr]:
        for index, arg in enumerate(call.args):
            if isinstance(arg, ast.Starred):
                return
            if index == position:
                yield arg
        if not any(isinstance(a, ast.Starred) for a in call.args):
            yield from (k.value for k in call.keywords if k.arg in _KEYWORDS)

    def _receiver_ok(self, call: ast.Call) -> bool:
        func = call.func
        if isinstance(func, ast.Name):
            return func.id in self._imported
        assert isinstance(func, ast.Attribute)
        receiver = func.value
        if isinstance(receiver, (ast.Name, ast.Attribute)):
            name = (dotted_name(receiver) or "").rpartition(".")[2]
            return bool(name) and (_handler_name(name) or name in self._handlers)
        return _makes_handler(receiver)

    def finish(self) -> None:
        found = [(arg, member) for call, arg, member in self._candidates if self._receiver_ok(call)]
        if not found:
            return
        first = len(self.ctx.findings)
        for arg, member in found:
            self.report(
                arg, f'directory category as the string "{arg.value!s}": use `Dir.{member}`'
            )
        if self.ctx.options.with_fixes:
            self._attach_fixes(found, first)

    def _attach_fixes(self, found: list[tuple[ast.Constant, str]], first: int) -> None:
        tree = self.ctx.scopes[0]
        assert isinstance(tree, ast.Module)
        local = dir_binding(tree)
        if local is None:
            return
        shared: tuple[Edit, ...] = ()
        if not local:
            from txo.migrate.rules._cst.add_import import add_import

            source = self.ctx.source
            try:
                shared = edits_between(source, add_import(source, "txo.paths", "Dir"))
            except Exception:  # libcst cannot parse what ast could (new syntax): no fix
                return
        name = local or "Dir"
        for index, (arg, member) in enumerate(found, start=first):
            start, end = self.ctx.span(arg)
            edits = (*shared, Edit(start, end, f"{name}.{member}"))
            fix = Fix(Applicability.SAFE, edits, f"{self.ctx.segment(arg)} -> {name}.{member}")
            self.ctx.findings[index] = dataclasses.replace(self.ctx.findings[index], fix=fix)


def _dir_import(node: ast.AST, local: str) -> bool:
    """Whether ``node`` imports ``Dir`` from a module that provides the real one as ``local``."""
    return (
        isinstance(node, ast.ImportFrom)
        and not node.level
        and node.module in _DIR_MODULES
        and any(a.name == "Dir" and (a.asname or a.name) == local for a in node.names)
    )


def dir_binding(tree: ast.Module) -> str | None:
    """The local name of an imported ``Dir`` ("" when none is bound; None if unusable)."""
    for statement in tree.body:
        if (
            isinstance(statement, ast.ImportFrom)
            and any(a.name == "*" for a in statement.names)
            and (statement.module or "").startswith(("utils", "txo.compat"))
        ):
            return None
    bound = list(bindings(tree))
    imported = [
        (a.asname or a.name)
        for _, node in bound
        if isinstance(node, ast.ImportFrom) and node.module in _DIR_MODULES and not node.level
        for a in node.names
        if a.name == "Dir"
    ]
    if not imported:
        return None if any(name == "Dir" for name, _ in bound) else ""
    local = imported[0]
    same = all(_dir_import(node, local) for name, node in bound if name == local)
    return local if same else None
