"""TXO501: imports and uses of deprecated v2.1 names (from ``txo.compat.registry.SHIMS``)."""

from __future__ import annotations

import ast
import dataclasses
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from txo.migrate.findings import Finding
from txo.migrate.fixes import Applicability, Edit, Fix, edits_between
from txo.migrate.options import CheckOptions
from txo.migrate.rules._util import dotted_name, import_bindings
from txo.migrate.rules.base import FileContext, Handler, Rule

if TYPE_CHECKING:
    from txo.compat.registry import Shim

__all__ = ["DeprecatedName", "ShimIndex"]

_V21 = "utils"
_COMPAT = "txo.compat.v21"


def normalize(name: str) -> str:
    """``txo.compat.v21.logger.x`` and ``utils.logger.x`` are the same v2.1 name."""
    if name == _COMPAT or name.startswith(_COMPAT + "."):
        return _V21 + name[len(_COMPAT) :]
    return name


@dataclass(frozen=True, slots=True)
class ShimIndex:
    """SHIMS plus what lookups need: every v2.1 module prefix, and package re-exports."""

    shims: Mapping[str, Shim]
    modules: frozenset[str]
    reexports: Mapping[str, Shim]

    @classmethod
    def build(cls, shims: Mapping[str, Shim]) -> ShimIndex:
        modules: set[str] = set()
        by_name: dict[str, list[Shim]] = {}
        for key, shim in shims.items():
            parts = key.split(".")
            modules.update(".".join(parts[:i]) for i in range(1, len(parts)))
            if parts[0] == _V21:
                by_name.setdefault(parts[-1], []).append(shim)
        unique = {name: found[0] for name, found in by_name.items() if len(found) == 1}
        return cls(shims, frozenset(modules), unique)

    def lookup(self, name: str) -> Shim | None:
        """The shim for a normalized dotted name; ``utils.X`` falls back to one ``utils.*.X``."""
        shim = self.shims.get(name)
        if shim is None and name.count(".") == 1 and name.startswith(_V21 + "."):
            found = self.reexports.get(name.partition(".")[2])
            if found is not None and found.v21_name.startswith(_V21 + "."):
                return found
        return shim


def _message(shim: Shim, via: str) -> str:
    note = f" ({shim.note})" if shim.note else ""
    return (
        f"`{shim.v21_name}` is deprecated v2.1 API{via}, removed in {shim.removal}: "
        f"use `{shim.replacement}`{note}"
    )


class DeprecatedName(Rule):
    """Imports and uses of deprecated v2.1 names.

    Why: every v2.1 name still works through ``txo.compat``, but only until its
    removal version; each use is a place to migrate.  The names, their v3
    replacements and removal versions come from ``txo.compat.registry.SHIMS``
    at run time, so this rule and the deprecation warnings never disagree.

    How it decides: an import is flagged where it binds a deprecated name
    (``from utils.logger import setup_logger``; ``from utils import
    setup_logger`` — a package re-export, found as ``utils.setup_logger`` in
    SHIMS or else as the one ``utils.*.setup_logger``).  Where only a module is
    imported (``import utils.logger``, ``from utils import logger as lg``), each
    attribute use of a deprecated name through it is flagged
    (``utils.logger.setup_logger()``).  ``txo.compat.v21.<module>`` is the same
    module as ``utils.<module>`` and is flagged the same way.  A star import
    from a module with deprecated names is flagged once.  Relative imports are
    not followed.  Every SHIMS entry reports under TXO501.

    The fix (safe) moves ``utils`` imports: a name whose v3 replacement is a
    true drop-in (``txo.compat.registry.SHIMS`` plus the allow-list in
    ``txo.migrate.rules.v21_policy``) is imported from v3, any other from
    ``txo.compat.v21`` — the module the ``utils`` import hook serves, so
    behaviour is unchanged.  A name left on ``txo.compat.v21`` is still
    reported: it is still deprecated.
    """

    code = "TXO501"
    name = "deprecated-v21-name"
    summary = "Import or use of a deprecated v2.1 name (from the compat SHIMS registry)"
    fixable = Applicability.SAFE
    fix_summary = "v2.1 `utils` imports -> v3 drop-ins, else `txo.compat.v21`"
    flagged = (
        "from utils.logger import setup_logger\n",
        "import utils.logger\n\n\ndef main():\n    utils.logger.setup_logger()\n",
        "from utils import logger as lg\n\n\ndef main():\n    lg.setup_logger()\n",
        "from utils import setup_logger\n",
        "from txo.compat.v21.logger import setup_logger\n",
        "import txo.compat.v21.logger\n\n\ndef main():\n    txo.compat.v21.logger.setup_logger()\n",
        "import utils.path_helpers as ph\n\n\ndef out():\n    return ph.Dir.OUTPUT\n",
        "from utils.logger import *\n",
    )
    accepted = (
        "from txo.errors import HelpfulError\n",
        "import logging\n\nlogger = logging.getLogger(__name__)\n",
        "from mypackage.logger import setup_logger\n",
        "from .logger import setup_logger\n",
    )

    def __init__(self, ctx: FileContext, shared: object = None) -> None:
        super().__init__(ctx, shared)
        assert isinstance(shared, ShimIndex)
        self._index = shared
        self._aliases: dict[str, str] = {}
        self._covered: set[int] = set()

    @classmethod
    def prepare(cls, options: CheckOptions) -> ShimIndex:
        shims = options.shims
        if shims is None:
            from txo.compat.registry import SHIMS

            shims = SHIMS
        return ShimIndex.build(shims)

    def handlers(self) -> Mapping[type[ast.AST], Handler]:
        return {
            ast.Import: self._on_import,
            ast.ImportFrom: self._on_import_from,
            ast.Attribute: self._on_attribute,
        }

    def finish(self) -> None:
        mine = [i for i, f in enumerate(self.ctx.findings) if f.code == self.code]
        if not mine or not self.ctx.options.with_fixes or "utils" not in self.ctx.source:
            return
        from txo.migrate.rules._cst.v21_imports import rewrite_v21_imports

        try:
            text, changes = rewrite_v21_imports(self.ctx.source, self.ctx.options.shims)
        except Exception:  # libcst cannot parse what ast could (new syntax): no fix
            return
        if not changes:
            return
        edits = edits_between(self.ctx.source, text)
        described = {(c.line, c.column + 1): c.description for c in changes}
        for index in mine:
            finding = self.ctx.findings[index]
            fix = self._fix_for(finding, edits, described)
            if fix is not None:
                self.ctx.findings[index] = dataclasses.replace(finding, fix=fix)

    def _fix_for(
        self, finding: Finding, edits: Sequence[Edit], described: Mapping[tuple[int, int], str]
    ) -> Fix | None:
        """The whole import rewrite, for a finding it touches (shared: applied once)."""
        description = described.get((finding.line, finding.col))
        if description is None:
            start = self.ctx.offset(finding.line, 0)
            if not any(e.start <= start < e.end for e in edits):
                return None
            description = "rewritten with the import of its v2.1 module"
        return Fix(Applicability.SAFE, tuple(edits), description)

    def _on_import(self, node: ast.Import) -> None:
        for local, full, alias in import_bindings(node):
            name = normalize(alias.name)
            shim = self._index.lookup(name)
            if shim is not None:
                self.report(alias, _message(shim, ""))
            elif name in self._index.modules:
                self._aliases[local] = full

    def _on_import_from(self, node: ast.ImportFrom) -> None:
        if node.level or not node.module:
            return
        module = normalize(node.module)
        via = " (imported through txo.compat.v21)" if module != node.module else ""
        if any(a.name == "*" for a in node.names) and module in self._index.modules:
            names = sorted(k for k in self._index.shims if k.rpartition(".")[0] == module)
            shown = ", ".join(n.rpartition(".")[2] for n in names[:4]) or "deprecated names"
            self.report(node, f"star import from v2.1 module `{module}` brings in {shown}")
            return
        for local, _full, alias in import_bindings(node):
            shim = self._index.lookup(f"{module}.{alias.name}")
            if shim is not None:
                self.report(alias, _message(shim, via))
            elif f"{module}.{alias.name}" in self._index.modules:
                self._aliases[local] = f"{module}.{alias.name}"

    def _on_attribute(self, node: ast.Attribute) -> None:
        if not self._aliases or id(node) in self._covered:
            return
        dotted = dotted_name(node)
        if dotted is None:
            return
        root, _, rest = dotted.partition(".")
        base = self._aliases.get(root)
        if base is None:
            return
        shim = self._index.lookup(normalize(f"{base}.{rest}"))
        if shim is not None:
            inner = node.value
            while isinstance(inner, ast.Attribute):
                self._covered.add(id(inner))
                inner = inner.value
            self.report(node, _message(shim, ""))
