"""TXO501: imports and uses of deprecated v2.1 names (from ``txo.compat.registry.SHIMS``)."""

from __future__ import annotations

import ast
import dataclasses
from collections import Counter
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from txo.migrate.findings import Finding
from txo.migrate.fixes import Applicability, Edit, Fix, edits_between
from txo.migrate.options import CheckOptions
from txo.migrate.rules._util import bindings, dotted_name, import_bindings
from txo.migrate.rules.base import FileContext, Handler, Rule
from txo.migrate.rules.v31_dropins import DropInFixer
from txo.migrate.rules.v31_workbook import (
    V3_SHEET,
    V31_SHEET,
    DataKind,
    assigned_once,
    data_kind,
    excel_save_data,
)

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
    """SHIMS plus what lookups need: module prefixes, package re-exports, legacy classes.

    ``owners`` maps a legacy class's short name (``TxoDataHandler``) to its
    dotted name when SHIMS lists members or behaviours of it; ``member_names``
    holds those members' short names, so handlers can skip every other
    attribute with one set lookup.
    """

    shims: Mapping[str, Shim]
    modules: frozenset[str]
    reexports: Mapping[str, Shim]
    owners: Mapping[str, str] = dataclasses.field(default_factory=dict)
    member_names: frozenset[str] = frozenset()

    @classmethod
    def build(cls, shims: Mapping[str, Shim]) -> ShimIndex:
        modules: set[str] = set()
        by_name: dict[str, list[Shim]] = {}
        owners: dict[str, set[str]] = {}
        for key, shim in shims.items():
            parts = key.split(".")
            if shim.kind != "name":
                owners.setdefault(shim.module.rpartition(".")[2], set()).add(shim.module)
                continue
            modules.update(".".join(parts[:i]) for i in range(1, len(parts)))
            if parts[0] == _V21:
                by_name.setdefault(parts[-1], []).append(shim)
        unique = {name: found[0] for name, found in by_name.items() if len(found) == 1}
        classes = {short: next(iter(full)) for short, full in owners.items() if len(full) == 1}
        members = frozenset(s.name for s in shims.values() if s.kind != "name")
        return cls(shims, frozenset(modules), unique, classes, members)

    def lookup(self, name: str) -> Shim | None:
        """The shim for a normalized dotted name; ``utils.X`` falls back to one ``utils.*.X``.

        Behaviour entries are not names: they are looked up with :meth:`member`.
        """
        shim = self.shims.get(name)
        if shim is None and name.count(".") == 1 and name.startswith(_V21 + "."):
            found = self.reexports.get(name.partition(".")[2])
            if found is not None and found.v21_name.startswith(_V21 + "."):
                return found
        if shim is None and name.count(".") == 2 and name.startswith(_V21 + "."):
            owner = self.owner(name.rpartition(".")[0])  # utils.TxoDataHandler.member
            shim = self.shims.get(f"{owner}.{name.rpartition('.')[2]}") if owner else None
        return shim if shim is None or shim.kind != "behaviour" else None

    def owner(self, name: str) -> str | None:
        """The legacy class a normalized dotted name denotes (a package re-export too)."""
        short = name.rpartition(".")[2]
        full = self.owners.get(short)
        if full is None or not name.startswith(_V21 + "."):
            return None
        return full if name in (full, f"{_V21}.{short}") else None

    def member(self, owner: str, name: str) -> Shim | None:
        """The member or behaviour entry ``owner.name`` (None for any other attribute)."""
        return self.shims.get(f"{owner}.{name}")


#: Members that 2.1 already had as instance methods: only the class-level call is 3.1 API.
_INSTANCE_IN_V21 = frozenset({"utils.oauth_helpers.OAuthClient.clear_cache"})
_SAVE = "utils.load_n_save.TxoDataHandler.save"
_LOAD_CONFIG = "utils.config_loader.ConfigLoader.load_config"


def _message(shim: Shim, via: str, target: str, subject: str = "") -> str:
    """The finding's text; a 3.1-only name checked for a 2.1 code base says it is not 2.1."""
    subject = subject or f"`{shim.v21_name}`"
    note = f" ({shim.note})" if shim.note else ""
    tail = f"removed in {shim.removal}: use `{shim.replacement}`{note}"
    if shim.since != target and target == "2.1":
        return (
            f"{subject} is not in 2.1 \N{EM DASH} your scripts use v{shim.since} API{via} "
            f"(added in the template's {shim.since} release); deprecated, {tail}"
        )
    return f"{subject} is deprecated v{shim.since} API{via}, {tail}"


class DeprecatedName(Rule):
    """Imports and uses of deprecated legacy names: v2.1's, and those the template's 3.1 added.

    Why: every legacy name still works through ``txo.compat``, but only until its
    removal version; each use is a place to migrate.  The names, their v3
    replacements, the release that introduced each (2.1 or 3.1) and removal
    versions come from ``txo.compat.registry.SHIMS`` at run time, so this rule
    and the deprecation warnings never disagree.

    How it decides: an import is flagged where it binds a deprecated name
    (``from utils.logger import setup_logger``; ``from utils import
    setup_logger`` — a package re-export, found as ``utils.setup_logger`` in
    SHIMS or else as the one ``utils.*.setup_logger``).  Where only a module is
    imported (``import utils.logger``, ``from utils import logger as lg``), each
    attribute use of a deprecated name through it is flagged
    (``utils.logger.setup_logger()``, ``utils.rate_limit_manager.logger``).
    Members 3.1 added to legacy classes are flagged where they are used: on
    the class however it was imported (``TxoDataHandler.get_utc_timestamp()``
    after ``from utils.load_n_save import TxoDataHandler``, ``from utils import
    TxoDataHandler as H``, ``lns.TxoDataHandler``, ``utils.TxoDataHandler``),
    on ``TxoDataHandler()`` itself, and on a name bound from the class
    (``handler = TxoDataHandler()``) when that name is bound nowhere else in
    the file — never on a parameter or an attribute, which may hold anything.
    ``OAuthClient.clear_cache()`` is 3.1 API only on the class (2.1 had it as
    an instance method).  ``txo.compat.v21.<module>`` is the same module as
    ``utils.<module>`` and is flagged the same way.  A star import from a
    module with deprecated names is flagged once.  Relative imports are not
    followed.  Every SHIMS name reports under TXO501.

    The message follows ``legacy-target`` (``[tool.txo-migrate]`` or
    ``--legacy-target``; default 2.1, as ``python -m txo.compat``): checked
    as 2.1 code, a 3.1-only name reads ``… is not in 2.1 — your scripts use
    v3.1 API (added in the template's 3.1 release)``; checked as 3.1 code, it
    is plain deprecated v3.1 API.  Where the two releases disagree the advice
    follows the target: on 3.1, ``save(frame, dir, "x.xlsx")`` without
    ``sheet_name`` is flagged because 3.1 writes the sheet ``Data`` and v3's
    ``txo.data`` writes ``Sheet1``; on 2.1 it is not (both write ``Sheet1``).
    Saving a ``{sheet: DataFrame}`` dict to .xlsx (3.1's multi-sheet workbook)
    is flagged on either target.  Whether ``data`` is a dict or one DataFrame
    is said only where the source shows it (a dict display, a ``DataFrame(...)``
    call, or a name bound once to one); otherwise the advice covers both
    (``txo.migrate.rules.v31_workbook``).  ``load_config()`` called inside a
    ``try`` whose handler catches ``ValidationError`` is flagged on either
    target: only 3.1 raises it on a schema violation (2.1 exits, v3 raises
    ``txo.errors.ConfigError``).

    The fix moves ``utils`` imports (safe): a name whose v3 replacement is a
    true drop-in (``txo.compat.registry.SHIMS`` plus the allow-list in
    ``txo.migrate.rules.v21_policy``) is imported from v3, any other from
    ``txo.compat.v21`` — the module the ``utils`` import hook serves, so
    behaviour is unchanged.  A name left on ``txo.compat.v21`` is still
    reported: it is still deprecated.  Two 3.1 names have a drop-in and are
    rewritten (``txo.migrate.rules.v31_dropins``):
    ``TxoDataHandler.get_utc_timestamp()`` becomes
    ``datetime.now(timezone.utc).strftime('%Y-%m-%dT%H%M%SZ')`` with the
    import added (safe: the same string), and ``rate_limit_manager.logger``
    becomes ``logging.getLogger(__name__)`` (unsafe: records then carry the
    script's logger name).  ``save_with_timestamp`` has no v3 counterpart on
    ``txo.data.DataHandler`` yet and is reported without a fix.
    """

    code = "TXO501"
    name = "deprecated-v21-name"
    summary = "Import or use of a deprecated v2.1 or v3.1 name (from the compat SHIMS registry)"
    fixable = Applicability.SAFE
    fix_summary = (
        "`utils` imports -> v3 drop-ins, else `txo.compat.v21`; 3.1's "
        "`get_utc_timestamp()` -> `datetime.now(timezone.utc).strftime(...)`; "
        "`rate_limit_manager.logger` -> `logging.getLogger(__name__)` (unsafe)"
    )
    flagged = (
        "from utils.logger import setup_logger\n",
        "import utils.logger\n\n\ndef main():\n    utils.logger.setup_logger()\n",
        "from utils import logger as lg\n\n\ndef main():\n    lg.setup_logger()\n",
        "from utils import setup_logger\n",
        "from txo.compat.v21.logger import setup_logger\n",
        "import txo.compat.v21.logger\n\n\ndef main():\n    txo.compat.v21.logger.setup_logger()\n",
        "import utils.path_helpers as ph\n\n\ndef out():\n    return ph.Dir.OUTPUT\n",
        "from utils.logger import *\n",
        "from utils.load_n_save import TxoDataHandler\n\n\n"
        "def stamp():\n    return TxoDataHandler.get_utc_timestamp()\n",
        "from utils.path_helpers import setup_import_path\n",
        'import utils.rate_limit_manager as rlm\n\n\ndef work():\n    rlm.logger.info("start")\n',
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
        self._aliases: dict[str, str] = {}  # local name -> legacy module
        self._classes: dict[str, str] = {}  # local name -> legacy class (from-imported)
        self._instances: dict[str, str] = {}  # local name -> legacy class it was built from
        self._candidates: list[ast.Attribute] = []  # `name.member`, name maybe an instance
        self._calls: dict[int, ast.Call] = {}  # id(func attribute) -> the call
        self._covered: set[int] = set()
        self._dropins: DropInFixer | None = None
        self._fstrings: list[ast.JoinedStr] = []  # where a rewrite must mind the quotes
        self._saves: list[tuple[ast.Call, Shim]] = []  # .xlsx saves without a sheet name
        self._counts: Counter[str] | None = None
        self._loads: list[tuple[ast.Call, Shim]] = []  # load_config() calls
        self._catching: list[tuple[int, int]] = []  # try-body lines with `except ValidationError`

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
            ast.Call: self._on_call,
            ast.Assign: self._on_assign,
            ast.JoinedStr: self._on_fstring,
            ast.Try: self._on_try,
            ast.TryStar: self._on_try,
        }

    def _on_try(self, node: ast.Try | ast.TryStar) -> None:
        """Remember try bodies whose handlers catch ``ValidationError`` (3.1's schema error)."""
        if not (self._classes or self._aliases) or not node.body:
            return
        caught = [
            name
            for handler in node.handlers
            if handler.type is not None
            for part in (
                handler.type.elts if isinstance(handler.type, ast.Tuple) else [handler.type]
            )
            if (name := dotted_name(part)) is not None
        ]
        if any(name.rpartition(".")[2] == "ValidationError" for name in caught):
            end = node.body[-1].end_lineno or node.body[-1].lineno
            self._catching.append((node.body[0].lineno, end))

    def _on_fstring(self, node: ast.JoinedStr) -> None:
        if self.ctx.options.with_fixes and (self._classes or self._aliases):
            self._fstrings.append(node)

    def _fix(self, shim: Shim, node: ast.AST) -> Fix | None:
        """The drop-in fix for a v3.1 name, when ``fix`` asks for fixes and one exists."""
        if not self.ctx.options.with_fixes or shim.since == "2.1":
            return None
        if self._dropins is None:
            self._dropins = DropInFixer(self.ctx)
        return self._dropins.fix(shim.v21_name, node, self._fstrings)

    def _flag(self, shim: Shim, node: ast.AST, via: str = "", fix: Fix | None = None) -> None:
        self.report(node, _message(shim, via, self.ctx.options.legacy_target), fix)

    def finish(self) -> None:
        self._resolve_instances()
        self._report_saves()
        self._report_caught_loads()
        mine = [i for i, f in enumerate(self.ctx.findings) if f.code == self.code and f.fix is None]
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
                self._flag(shim, alias)
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
            dotted = f"{module}.{alias.name}"
            shim = self._index.lookup(dotted)
            if shim is not None:
                self._flag(shim, alias, via, self._fix(shim, node))
            elif dotted in self._index.modules:
                self._aliases[local] = dotted
            owner = self._index.owner(dotted)
            if owner is not None:
                self._classes[local] = owner

    def _owner_of(self, expr: ast.expr) -> str | None:
        """The legacy class ``expr`` names: a from-imported class, or one through a module."""
        if isinstance(expr, ast.Name):
            return self._classes.get(expr.id)
        dotted = dotted_name(expr) if self._aliases else None
        if dotted is None:
            return None
        root, _, rest = dotted.partition(".")
        base = self._aliases.get(root)
        return None if base is None else self._index.owner(normalize(f"{base}.{rest}"))

    def _on_assign(self, node: ast.Assign) -> None:
        """``handler = TxoDataHandler(...)``: remember the instance (trusted if bound once)."""
        if not (self._classes or self._aliases) or len(node.targets) != 1:
            return
        target, value = node.targets[0], node.value
        if isinstance(target, ast.Name) and isinstance(value, ast.Call):
            owner = self._owner_of(value.func)
            if owner is not None:
                self._instances[target.id] = owner

    def _on_call(self, node: ast.Call) -> None:
        func = node.func
        if not isinstance(func, ast.Attribute) or func.attr not in self._index.member_names:
            return
        if not (self._classes or self._aliases):
            return
        self._calls[id(func)] = node
        self._on_receiver(func)

    def _on_receiver(self, node: ast.Attribute) -> bool:
        """``Class.member`` or ``Class(...).member``: handled here (True), else not known."""
        receiver = node.value
        built = isinstance(receiver, ast.Call)
        owner = self._owner_of(receiver.func if isinstance(receiver, ast.Call) else receiver)
        if owner is not None:
            self._on_member(node, owner, on_class=not built)
        return owner is not None

    def _on_member(self, node: ast.Attribute, owner: str, *, on_class: bool) -> None:
        """``Class.member`` or ``instance.member``: a 3.1 member, or the 3.1 save behaviour."""
        shim = self._index.member(owner, node.attr)
        if shim is None or (not on_class and shim.v21_name in _INSTANCE_IN_V21):
            return
        call = self._calls.get(id(node))
        if shim.kind == "behaviour":
            self._covered.add(id(node))  # the class use inside is still reported
            if shim.v21_name == _SAVE and call is not None and excel_save_data(call):
                self._saves.append((call, shim))
            elif shim.v21_name == _LOAD_CONFIG and call is not None:
                self._loads.append((call, shim))
            return
        inner: ast.expr = node
        while isinstance(inner, ast.Attribute):
            self._covered.add(id(inner))
            inner = inner.value
        where: ast.AST = call if call is not None else node
        # `Class(...).member()` keeps its constructor call: no fix would drop it silently
        fix = None if isinstance(node.value, ast.Call) else self._fix(shim, where)
        self._flag(shim, where, "", fix)

    def _on_attribute(self, node: ast.Attribute) -> None:
        if id(node) in self._covered or not (self._aliases or self._classes):
            return
        if node.attr in self._index.member_names:
            if self._on_receiver(node):
                return
            if isinstance(node.value, ast.Name):
                self._candidates.append(node)  # maybe an instance: decided in finish()
        dotted = dotted_name(node) if self._aliases else None
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
            self._flag(shim, node, "", self._fix(shim, node))

    def _tree(self) -> ast.Module:
        tree = self.ctx.scopes[0]
        assert isinstance(tree, ast.Module)
        return tree

    def _bound(self) -> Counter[str]:
        """How often each name is bound in the file (counted once, when first needed)."""
        if self._counts is None:
            self._counts = Counter(name for name, _ in bindings(self._tree()))
        return self._counts

    def _resolve_instances(self) -> None:
        """Member uses through an instance name, where that name is bound exactly once."""
        if not self._candidates or not self._instances:
            return
        counts = self._bound()
        for node in self._candidates:
            assert isinstance(node.value, ast.Name)
            owner = self._instances.get(node.value.id)
            if owner is not None and counts[node.value.id] == 1:
                self._on_member(node, owner, on_class=False)

    def _report_caught_loads(self) -> None:
        """``load_config()`` inside ``try: ... except ValidationError``: 3.1 behaviour relied on.

        2.1 exits on a schema violation and v3 raises ``txo.errors.ConfigError``; only 3.1
        raises ``ValidationError`` there, so the handler is 3.1 code whatever the target.
        """
        target = self.ctx.options.legacy_target
        for call, shim in self._loads:
            if any(first <= call.lineno <= last for first, last in self._catching):
                self.report(call, _message(shim, "", target, _caught_subject()))

    def _report_saves(self) -> None:
        """The .xlsx saves seen, worded for the target and for what ``data`` certainly is."""
        if not self._saves:
            return
        assigned = assigned_once(self._tree(), self._bound())
        target = self.ctx.options.legacy_target
        for call, shim in self._saves:
            kind = data_kind(excel_save_data(call), assigned)
            if kind == "dict":  # 3.1's multi-sheet workbook, on either target
                subject = (
                    f"`{_SAVE}` of a {{sheet: DataFrame}} dict to .xlsx (a multi-sheet workbook)"
                )
                self.report(call, _message(shim, "", target, subject))
            elif target == "3.1":
                self.report(call, _sheet_advice(kind, shim.replacement))


def _caught_subject() -> str:
    return (
        f"`{_LOAD_CONFIG}` raising ValidationError on a schema violation "
        "(this `except ValidationError` relies on it)"
    )


def _sheet_advice(kind: DataKind, workbook: str) -> str:
    one = (
        f"writes sheet '{V31_SHEET}' in 3.1, but `txo.data.DataHandler.save` writes "
        f"'{V3_SHEET}': pass sheet_name='{V31_SHEET}' when moving to v3 to keep the 3.1 workbook"
    )
    if kind == "frame":
        return f"`{_SAVE}` of one DataFrame to .xlsx {one}"
    return (
        f"`{_SAVE}` to .xlsx without sheet_name: one DataFrame {one}; a {{sheet: DataFrame}} "
        f"dict is 3.1's multi-sheet workbook (v3: `{workbook}`)"
    )
