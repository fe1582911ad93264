"""TXO101: soft-fail ``.get()`` on configuration."""

from __future__ import annotations

import ast
from collections.abc import Mapping

from txo.migrate.fixes import Applicability, Edit, Fix
from txo.migrate.rules._util import callee_name, split_words
from txo.migrate.rules.base import FileContext, Handler, Rule

__all__ = ["SoftConfigGet", "is_config_name"]

_CONFIG_WORDS = frozenset({"config", "cfg", "conf", "settings", "configuration"})
_CONFIG_SUFFIXES = frozenset({"dict", "data", "json"})
# Calls that return a loaded configuration, wherever they come from.
_LOADER_FUNCS = frozenset(
    {
        "load_config",
        "parse_args_and_load_config",
        "parse_custom_args_and_load_config",
        "load_configuration",
        "get_config",
        "ConfigContext",
    }
)
# Constructors of objects whose run()/reload() return a configuration.
_LOADER_CLASSES = frozenset({"ConfigLoader", "ScriptRunner", "get_config_loader"})
_LOADER_METHODS = frozenset({"run", "reload"})
_PASS_THROUGH = frozenset({"get", "copy"})
_COPY_FUNCS = frozenset({"dict", "deepcopy", "copy", "MappingProxyType"})
# Keys only a txo configuration has: a .get() with one of these reads configuration.
_CONFIG_KEYS = frozenset(
    {
        "script-behavior",
        "api-timeouts",
        "retry-strategy",
        "rate-limiting",
        "circuit-breaker",
        "batch-handling",
        "api-base-url",
        "tenant-id",
        "oauth-scope",
        "_org_id",
        "_env_type",
        "_token",
        "_az_token",
        "_client_secret",
        "_client_id",
        "_api_key",
        "_api_token",
        "_password",
    }
)

_Key = tuple[int, str]


def is_config_name(name: str) -> bool:
    """config, cfg, conf, settings, *_config, appConfig, config_dict …"""
    words = split_words(name)
    if len(words) > 1 and words[-1] in _CONFIG_SUFFIXES:
        words.pop()
    return bool(words) and words[-1] in _CONFIG_WORDS


def _config_key(call: ast.Call) -> bool:
    arg = call.args[0] if call.args else None
    return isinstance(arg, ast.Constant) and arg.value in _CONFIG_KEYS


class SoftConfigGet(Rule):
    """Soft-fail ``.get()`` on configuration.

    Why: v3 configuration fails hard.  A ``.get("timeout", 30)`` on it hides a
    missing or misspelt key behind a default, so a script runs with values
    nobody chose.  Read configuration with ``config["key"]`` or
    ``config.require("section", "key")``, which name the missing key, the file
    and an example; use ``config.optional(...)`` where a default is truly meant.

    How it decides: a call ``X.get(...)`` is flagged when its receiver ``X``
    is configuration.  A receiver is configuration when

    * a name or attribute in it looks like configuration: ``config``, ``cfg``,
      ``conf``, ``settings``, ``*_config``, ``appConfig``, ``config_dict``
      (``self.config``, ``ctx.config["global"]``);
    * it is a name bound, in the same function or the module, from a config load:
      ``load_config(...)``, ``parse_args_and_load_config(...)``,
      ``parse_custom_args_and_load_config(...)``, ``ConfigLoader(...).load_config()``,
      ``ScriptRunner(...).run()``, ``with ConfigContext(...) as c``, or from an
      expression that is itself configuration (``section = cfg["global"]``,
      ``s = ctx.config``, ``for env in cfg["envs"]``); bindings are followed
      through aliases, flow-insensitively (one config binding anywhere in the
      scope is enough);
    * it is a subscript, attribute, ``.get()`` or ``.copy()`` of configuration,
      so a chain ``.get("a", {}).get("b")`` on it is one finding;
    * or the key is one only a txo configuration has (``"script-behavior"``,
      ``"rate-limiting"``, ``"_token"``, ``"_org_id"`` …).

    Anything else — ``response.get(...)``, ``os.environ.get(...)``, a local
    dict — is not flagged: ``.get()`` on an API response is fine where the
    field is truly optional.  Function parameters are judged by name only.

    The fix (unsafe) turns a chain that ends in a bare ``.get(key)`` into hard
    reads: a ``global`` then ``url`` chain of soft reads becomes ``cfg["global"]["url"]``,
    so a missing key raises ``KeyError`` where it returned ``None``.  A final
    ``.get(key, default)`` keeps its default — on a v2.1 configuration (a plain
    dict) that call already is the explicit optional read, so it is not
    rewritten; on v3 configuration spell it ``config.optional(key, default=...)``.
    Calls with keyword or star arguments, a comment inside, an intermediate
    default other than ``{}``/``None``, or in a module that imports
    ``configparser`` (where ``.get(section, option)`` is no dict lookup) are left
    alone.
    """

    code = "TXO101"
    name = "soft-fail-config-get"
    summary = "Soft-fail `.get()` on configuration hides missing keys"
    fixable = Applicability.UNSAFE
    fix_summary = "a chain ending in a bare `.get(key)` becomes hard `[key]` reads"
    # Flagged examples: tests/data/rules/TXO101/examples/flagged/*.py (real files, so the
    # soft .get() calls in them stay out of text searches over txo/).
    accepted = (
        'def f(response):\n    return response.get("value", [])\n',
        'def main(api, config):\n    customers = api.get("customers")\n'
        '    for c in customers["value"]:\n        print(c.get("name"))\n'
        '    return config["global"]["api-base-url"]\n',
        'import os\n\n\ndef home():\n    return os.environ.get("HOME")\n',
        "def count(words):\n    counts = {}\n    for w in words:\n"
        "        counts[w] = counts.get(w, 0) + 1\n    return counts\n",
        'def main(config):\n    return config.require("global", "api-base-url")\n',
        'def main(config):\n    return config.optional("global", "timeout", default=30)\n',
        'def load():\n    data = load_config("x")\n    return data["global"]\n\n\n'
        'def parse(response):\n    data = response.json()\n    return data.get("id")\n',
        'def main(config_loader):\n    return config_loader.get_config_value("x")\n',
    )

    def __init__(self, ctx: FileContext, shared: object = None) -> None:
        super().__init__(ctx, shared)
        self._bound: dict[_Key, bool] = {}
        self._loaders: set[_Key] = set()
        self._parents: dict[int, ast.AST] = {}
        self._pending: list[tuple[ast.AST, str, ast.expr]] = []
        self._candidates: list[tuple[ast.Call, ast.expr, ast.AST]] = []
        self._covered: set[int] = set()
        self._configparser = False

    def handlers(self) -> Mapping[type[ast.AST], Handler]:
        return {
            ast.Call: self._on_call,
            ast.Assign: self._on_assign,
            ast.AnnAssign: self._on_ann_assign,
            ast.NamedExpr: self._on_named_expr,
            ast.For: self._on_for,
            ast.AsyncFor: self._on_for,
            ast.With: self._on_with,
            ast.AsyncWith: self._on_with,
            ast.FunctionDef: self._on_scope,
            ast.AsyncFunctionDef: self._on_scope,
            ast.ClassDef: self._on_scope,
            ast.Import: self._on_import,
            ast.ImportFrom: self._on_import,
        }

    def _on_import(self, node: ast.Import | ast.ImportFrom) -> None:
        if isinstance(node, ast.ImportFrom):
            self._configparser |= node.module == "configparser" and not node.level
        else:
            self._configparser |= any(a.name == "configparser" for a in node.names)

    # --- collecting -----------------------------------------------------------

    def _bind(self, scope: ast.AST, name: str, value: ast.expr | None) -> None:
        key = (id(scope), name)
        self._bound.setdefault(key, False)
        if value is None:
            return
        if isinstance(value, ast.Call) and callee_name(value) in _LOADER_CLASSES:
            self._loaders.add(key)
        elif isinstance(value, (ast.Name, ast.Attribute, ast.Subscript, ast.Call)):
            self._pending.append((scope, name, value))

    def _bind_target(self, target: ast.expr, value: ast.expr | None) -> None:
        scope = self.ctx.scopes[-1]
        if isinstance(target, ast.Name):
            self._bind(scope, target.id, value)
        elif isinstance(target, (ast.Tuple, ast.List)):
            values = value.elts if isinstance(value, (ast.Tuple, ast.List)) else None
            for i, elt in enumerate(target.elts):
                paired = (
                    values[i] if values is not None and len(values) == len(target.elts) else None
                )
                self._bind_target(elt, paired)

    def _on_assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._bind_target(target, node.value)

    def _on_ann_assign(self, node: ast.AnnAssign) -> None:
        if node.value is not None:
            self._bind_target(node.target, node.value)

    def _on_named_expr(self, node: ast.NamedExpr) -> None:
        self._bind_target(node.target, node.value)

    def _on_for(self, node: ast.For | ast.AsyncFor) -> None:
        it, target = node.iter, node.target
        if (
            isinstance(target, ast.Tuple)
            and len(target.elts) == 2
            and isinstance(it, ast.Call)
            and isinstance(it.func, ast.Attribute)
            and it.func.attr == "items"
        ):
            self._bind_target(target.elts[0], None)
            self._bind_target(target.elts[1], it.func.value)
        else:
            self._bind_target(target, it)

    def _on_with(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            if item.optional_vars is not None:
                self._bind_target(item.optional_vars, item.context_expr)

    def _on_scope(self, node: ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef) -> None:
        outer = self.ctx.scopes[-1]
        self._parents[id(node)] = outer
        self._bind(outer, node.name, None)
        if not isinstance(node, ast.ClassDef):
            a = node.args
            for arg in (*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg):
                if arg is not None:
                    self._bind(node, arg.arg, None)

    def _on_call(self, node: ast.Call) -> None:
        func = node.func
        if not (isinstance(func, ast.Attribute) and func.attr == "get"):
            return
        if id(node) in self._covered:
            return
        self._candidates.append((node, func.value, self.ctx.scopes[-1]))
        expr: ast.expr = func.value
        while True:
            if isinstance(expr, (ast.Subscript, ast.Attribute)):
                expr = expr.value
            elif isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
                if expr.func.attr == "get":
                    self._covered.add(id(expr))
                expr = expr.func.value
            else:
                break

    # --- deciding -------------------------------------------------------------

    def finish(self) -> None:
        self._propagate()
        for call, receiver, scope in self._candidates:
            if _config_key(call) or self._is_config(receiver, scope):
                wanted = self.ctx.options.with_fixes and not self._configparser
                self.report(
                    call,
                    self._message(receiver),
                    _hard_read_fix(self.ctx, call) if wanted else None,
                )

    def _propagate(self) -> None:
        """Mark names bound from configuration, following aliases until nothing changes."""
        changed = True
        while changed:
            changed = False
            for scope, name, value in self._pending:
                key = (id(scope), name)
                if not self._bound[key] and self._is_config(value, scope):
                    self._bound[key] = True
                    changed = True

    def _lookup(self, scope: ast.AST | None, name: str) -> bool:
        if is_config_name(name):
            return True
        innermost = True
        while scope is not None:
            key = (id(scope), name)
            if key in self._bound and (innermost or not isinstance(scope, ast.ClassDef)):
                return self._bound[key]
            scope = self._parents.get(id(scope))
            innermost = False
        return False

    def _is_loader(self, expr: ast.expr, scope: ast.AST) -> bool:
        if isinstance(expr, ast.Call):
            return callee_name(expr) in _LOADER_CLASSES
        if not isinstance(expr, ast.Name):
            return False
        current: ast.AST | None = scope
        while current is not None:
            if (id(current), expr.id) in self._loaders:
                return True
            current = self._parents.get(id(current))
        return False

    def _is_config(self, expr: ast.expr, scope: ast.AST) -> bool:
        """Whether an expression's value is (part of) a configuration."""
        while True:
            if isinstance(expr, ast.Name):
                return self._lookup(scope, expr.id)
            if isinstance(expr, ast.Attribute):
                if is_config_name(expr.attr):
                    return True
                expr = expr.value
            elif isinstance(expr, (ast.Subscript, ast.NamedExpr, ast.Await)):
                expr = expr.value
            elif isinstance(expr, ast.Call):
                verdict = self._call_verdict(expr, scope)
                if isinstance(verdict, bool):
                    return verdict
                expr = verdict
            else:
                return False

    def _call_verdict(self, call: ast.Call, scope: ast.AST) -> bool | ast.expr:
        """True/False for a call that decides, or the expression to look at next."""
        name, func = callee_name(call), call.func
        if name in _LOADER_FUNCS:
            return True
        if isinstance(func, ast.Attribute):
            if name in _PASS_THROUGH:
                return True if name == "get" and _config_key(call) else func.value
            if name in _LOADER_METHODS:
                return self._is_loader(func.value, scope)
        if name in _COPY_FUNCS and call.args:
            return call.args[0]
        return False

    @staticmethod
    def _message(expr: ast.expr) -> str:
        try:
            receiver = ast.unparse(expr)
        except (RecursionError, ValueError):
            receiver = "configuration"
        if len(receiver) > 48:
            receiver = receiver[:45] + "..."
        return (
            f"soft-fail `.get()` on configuration `{receiver}`: a missing key silently "
            "becomes a default; use `[...]` or `.require(...)` (or `.optional(...)` when "
            "a default is intended)"
        )


# --- the fix ----------------------------------------------------------------------


def _plain_get(node: ast.expr) -> bool:
    """``x.get(key)`` / ``x.get(key, default)`` with plain positional arguments."""
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Attribute)
        and node.func.attr == "get"
        and 1 <= len(node.args) <= 2
        and not node.keywords
        and not any(isinstance(a, ast.Starred) for a in node.args)
    )


def _no_default(call: ast.Call, *, link: bool) -> bool:
    """No default, ``None``, or (for a link inside a chain) the ``{}`` that only enables it."""
    if len(call.args) == 1:
        return True
    default = call.args[1]
    if isinstance(default, ast.Constant) and default.value is None:
        return True
    return link and isinstance(default, ast.Dict) and not default.keys


def _get_links(call: ast.Call) -> list[ast.Call] | None:
    """The ``.get`` calls of the chain ending in `call` (outermost first), or None if unfixable."""
    links: list[ast.Call] = []
    expr: ast.expr = call
    while True:
        if isinstance(expr, ast.Call) and isinstance(expr.func, ast.Attribute):
            if expr.func.attr == "get":
                if not _plain_get(expr) or not _no_default(expr, link=bool(links)):
                    return None
                links.append(expr)
            expr = expr.func.value
        elif isinstance(expr, (ast.Subscript, ast.Attribute)):
            expr = expr.value
        else:
            return links


def _hard_read_fix(ctx: FileContext, call: ast.Call) -> Fix | None:
    """``.get(k)`` links -> ``[k]``; unsafe: a missing key now raises KeyError."""
    links = _get_links(call)
    if not links:
        return None
    edits: list[Edit] = []
    for link in links:
        assert isinstance(link.func, ast.Attribute)
        start = _get_start(ctx, link.func)
        if start is None:
            return None
        end = ctx.span(link)[1]
        key = ctx.segment(link.args[0])
        if isinstance(link.args[0], ast.GeneratorExp) and not key.startswith("("):
            key = f"({key})"
        if "#" in ctx.source[start:end].replace(key, "", 1):
            return None  # a comment (or a '#' in a default) would be lost
        edits.append(Edit(start, end, f"[{key}]"))
    before = " ".join(ctx.segment(call).split())
    after = _spliced(ctx, call, edits)
    return Fix(
        Applicability.UNSAFE,
        tuple(sorted(edits, key=lambda e: e.start)),
        f"{_short(before)} -> {_short(after)}: a missing key now raises KeyError "
        "instead of giving None",
    )


def _get_start(ctx: FileContext, func: ast.Attribute) -> int | None:
    """Where ``.get`` begins: after the receiver and any ``)`` closing it; None if a comment."""
    receiver_end = ctx.span(func.value)[1]
    name_start = ctx.span(func)[1] - len(func.attr)
    gap = ctx.source[receiver_end:name_start]
    if "#" in gap:
        return None
    dot = gap.rindex(".")
    closing = gap.rfind(")", 0, dot)
    return receiver_end + (closing + 1 if closing >= 0 else 0)


def _spliced(ctx: FileContext, call: ast.Call, edits: list[Edit]) -> str:
    start, end = ctx.span(call)
    text = ctx.source[start:end]
    for edit in sorted(edits, key=lambda e: -e.start):
        text = text[: edit.start - start] + edit.content + text[edit.end - start :]
    return " ".join(text.split())


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[: limit - 3] + "..."
