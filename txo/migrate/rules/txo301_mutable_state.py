"""TXO301: module-level and class-level mutable state."""

from __future__ import annotations

import ast
from collections.abc import Iterator, Mapping
from dataclasses import dataclass

from txo.migrate.rules._util import dotted_name, split_words
from txo.migrate.rules.base import FileContext, Handler, Rule

__all__ = ["MutableGlobalState"]

_CONTAINER_NODES = (ast.List, ast.Dict, ast.Set, ast.ListComp, ast.DictComp, ast.SetComp)
_CONTAINER_CALLS = frozenset(
    {"list", "dict", "set", "defaultdict", "OrderedDict", "deque", "Counter", "ChainMap"}
    | {"bytearray", "WeakValueDictionary", "WeakKeyDictionary", "WeakSet", "sorted", "fromkeys"}
)
# Constructors and functions whose results are immutable or harmless at module level.
_ALLOWED_CALLS = frozenset(
    {"frozenset", "tuple", "str", "bytes", "int", "float", "complex", "bool", "range", "object"}
    | {"len", "min", "max", "sum", "abs", "round", "repr", "hash", "chr", "ord", "format"}
    | {"MappingProxyType", "compile", "getLogger", "get_logger", "getChild", "cast", "field"}
    | {"TypeVar", "ParamSpec", "TypeVarTuple", "NewType", "namedtuple", "NamedTuple", "TypedDict"}
    | {"Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "Path", "PurePath", "PurePosixPath"}
    | {"PureWindowsPath", "Decimal", "Fraction", "date", "datetime", "time", "timedelta"}
    | {"timezone", "UUID", "Struct", "attrgetter", "itemgetter", "methodcaller", "partial"}
    | {"getenv", "version", "intern", "frozendict", "Template", "getattr"}
)
_ALLOWED_DOTTED = frozenset({"os.environ.get"})
_IMMUTABLE_TYPES = frozenset({"str", "bytes", "int", "float", "complex", "frozenset", "tuple"})
# Modules whose every constructor builds an immutable value (libcst nodes are frozen).
_ALLOWED_PREFIXES = ("os.path.", "cst.", "libcst.")
_READ_ONLY_TYPES = frozenset(
    {"Mapping", "Sequence", "AbstractSet", "FrozenSet", "frozenset", "tuple", "Tuple", "str"}
    | {"int", "float", "bool", "bytes", "complex", "Pattern", "MappingProxyType", "TypeAlias"}
    | {"Callable", "type", "Type", "Path", "Decimal", "Logger", "Collection", "Iterable"}
)
_IMMUTABLE_BASES = frozenset(
    {"NamedTuple", "Enum", "IntEnum", "StrEnum", "Flag", "IntFlag", "Exception"}
)
_MUTATORS = frozenset(
    {"append", "extend", "insert", "remove", "pop", "popitem", "clear", "update", "setdefault"}
    | {"add", "discard", "sort", "reverse", "appendleft", "extendleft", "popleft", "rotate"}
    | {"difference_update", "intersection_update", "symmetric_difference_update"}
    | {"__setitem__", "__delitem__"}
)
_LOGGER_WORDS = frozenset({"log", "logger"})


@dataclass(slots=True)
class _Mutation:
    """One place where state changes: `base` names the receiver kind or the name itself."""

    base: str  # a module-level name, "cls", "self", or a class name (kind == "class")
    attr: str  # the class attribute, "" for module-level names
    kind: str  # "name" | "class"
    how: str  # ".append()", "[...] =", "rebinding"
    node: ast.AST
    scope: ast.AST
    owner: ast.ClassDef | None  # enclosing class when base is cls/self


def _classify_call(call: ast.Call) -> str | None:
    """'container', 'instance', or None for a call whose result is harmless."""
    func = call.func
    if isinstance(func, ast.Attribute) and isinstance(
        func.value, (ast.Call, ast.Constant, ast.JoinedStr)
    ):
        inner = func.value
        return _classify_call(inner) if isinstance(inner, ast.Call) else None
    name = dotted_name(func) or ""
    last = name.rpartition(".")[2]
    if last in _CONTAINER_CALLS:
        return "container"
    if last in _ALLOWED_CALLS or name in _ALLOWED_DOTTED or name.startswith(_ALLOWED_PREFIXES):
        return None
    if name.partition(".")[0] in _IMMUTABLE_TYPES:  # bytes.maketrans(...), str.join(...)
        return None
    return "instance"


def _annotation_root(ann: ast.expr) -> str:
    while True:
        if isinstance(ann, ast.Subscript) and dotted_name(ann.value) in ("Final", "typing.Final"):
            ann = ann.slice
        elif isinstance(ann, ast.Subscript):
            ann = ann.value
        elif isinstance(ann, ast.Attribute):
            return ann.attr
        elif isinstance(ann, ast.Name):
            return ann.id
        elif isinstance(ann, ast.Constant) and isinstance(ann.value, str):
            return ann.value.partition("[")[0].rpartition(".")[2].strip()
        else:
            return ""


def _is_immutable_class(node: ast.ClassDef) -> bool:
    for dec in node.decorator_list:
        if isinstance(dec, ast.Call) and any(
            k.arg == "frozen" and isinstance(k.value, ast.Constant) and k.value.value is True
            for k in dec.keywords
        ):
            return True
        if (dotted_name(dec) or "").rpartition(".")[2] == "frozen":
            return True
    return any((dotted_name(b) or "").rpartition(".")[2] in _IMMUTABLE_BASES for b in node.bases)


def _target_names(target: ast.expr) -> Iterator[str]:
    """Names an assignment target binds (``a``, ``a, *b``), without recursion."""
    stack = [target]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Name):
            yield node.id
        elif isinstance(node, (ast.Tuple, ast.List)):
            stack.extend(node.elts)
        elif isinstance(node, ast.Starred):
            stack.append(node.value)


class MutableGlobalState(Rule):
    """Module-level and class-level mutable state.

    Why: every stateful object (token cache, session pool, rate limiter, API
    client, logger setup) is constructed by the entry point and passed in.
    Module globals and class-level caches are shared by every caller and every
    test, survive between runs in one process, and need resetting by hand;
    v2.1's ``_token_cache``, ``_api_cache`` and the ``TxoLogger`` singleton
    leaked state between scripts and tests exactly like that.

    How it decides:

    * a module-level ``NAME = Call(...)`` is an instance unless the callee is on
      the allow-list of immutable or harmless constructors (``frozenset``,
      ``tuple``, ``MappingProxyType``, ``re.compile``, ``logging.getLogger``,
      ``TypeVar``, ``NewType``, ``namedtuple``, ``Path``, ``Decimal``, ``partial``,
      ``os.getenv``, libcst node constructors …), a method called on such a
      result or on a literal (``Path(__file__).resolve()``, ``"-".join(...)``),
      a class method of an immutable builtin (``bytes.maketrans(...)``), a class
      in the same file that is a frozen dataclass, ``NamedTuple`` or ``Enum``,
      or the assignment is annotated with a read-only type (``Mapping[...]``, ``Sequence[...]``,
      ``frozenset[...]``, ``tuple[...]``, ``Final[...]`` of those);
    * a module-level list/dict/set (literal, comprehension or ``list()``,
      ``dict()``, ``defaultdict()``, ``WeakValueDictionary()`` …) is reported only
      when the module mutates it: ``.append()``, ``.update()``, ``[k] = v``,
      ``del x[k]``, ``x += …`` and the like, at module level or in a function
      where the name is not a local.  A constant dict nobody mutates is fine;
    * ``global NAME`` in a function that rebinds NAME;
    * ``@lru_cache`` / ``@functools.cache`` on a function or method: a hidden
      process-wide cache (v2.1's ``ProjectPaths.init`` singleton was one);
    * a class attribute rebound through ``cls.X = …`` or ``ClassName.X = …``
      (hidden singletons: ``_instance = None`` then ``cls._instance = cls()``),
      and a class-level container mutated through ``cls.X``, ``ClassName.X``
      or ``self.X`` (unless instances assign their own ``self.X``).

    Allowed: constants, loggers (any name ending in ``log``/``logger``),
    ``__all__`` and other dunders, type aliases, and everything under
    ``if __name__ == "__main__":``.
    """

    code = "TXO301"
    name = "mutable-global-state"
    summary = "Module-level or class-level mutable state"
    flagged = (
        "_cache = {}\n\n\ndef remember(key, value):\n    _cache[key] = value\n",
        "import threading\n\n_lock = threading.Lock()\n",
        "class TokenCache:\n    pass\n\n\n_token_cache = TokenCache()\n",
        "counter = 0\n\n\ndef bump():\n    global counter\n    counter += 1\n",
        "class TxoLogger:\n    _instance = None\n\n    def __new__(cls):\n"
        "        if cls._instance is None:\n            cls._instance = super().__new__(cls)\n"
        "        return cls._instance\n",
        "class Handler:\n    _modules = {}\n\n    @classmethod\n    def load(cls, name):\n"
        "        cls._modules[name] = __import__(name)\n        return cls._modules[name]\n",
        "REGISTRY = []\n\n\ndef register(fn):\n    REGISTRY.append(fn)\n    return fn\n",
        "from weakref import WeakValueDictionary\n\n_api_cache = WeakValueDictionary()\n\n\n"
        "def cache(key, api):\n    _api_cache[key] = api\n",
        "class Collector:\n    items = []\n\n"
        "    def add(self, item):\n        self.items.append(item)\n",
        "class Registry:\n    pass\n\n\ndef install(x):\n    Registry.current = x\n",
        "from functools import lru_cache\n\n\n@lru_cache(maxsize=1)\ndef project_root():\n"
        "    return find_root()\n",
        "import functools\n\n\nclass Paths:\n    @functools.cache\n    def root(self):\n"
        "        return 1\n",
    )
    accepted = (
        "import logging\nimport re\nfrom types import MappingProxyType\n"
        "from typing import TypeVar\n\n"
        '__all__ = ["main"]\nlogger = logging.getLogger(__name__)\nT = TypeVar("T")\n'
        'PATTERN = re.compile(r"[0-9]+")\nDEFAULTS = {"timeout": 30, "retries": 3}\n'
        'NAMES = frozenset({"a", "b"})\nTABLE = MappingProxyType({"x": 1})\n'
        "JsonDict = dict[str, object]\n",
        "def collect(items):\n    out = []\n"
        "    for i in items:\n        out.append(i)\n    return out\n",
        'cache = {}\n\n\ndef build():\n    cache = {}\n    cache["a"] = 1\n    return cache\n',
        "from dataclasses import dataclass\n\n\n@dataclass(frozen=True)\nclass Limits:\n"
        "    rate: int\n\n\nDEFAULT_LIMITS = Limits(10)\n",
        'from collections.abc import Mapping\n\n\ndef _build():\n    return {"a": 1}\n\n\n'
        "TABLE: Mapping[str, int] = _build()\n",
        "class Pool:\n    def __init__(self):\n        self.sessions = {}\n\n"
        "    def add(self, key, s):\n        self.sessions[key] = s\n",
        'class Codec:\n    EXTENSIONS = {".json": "json"}\n\n    def kind(self, ext):\n'
        "        return self.EXTENSIONS[ext]\n",
        'if __name__ == "__main__":\n    runner = Runner()\n    runner.run()\n',
        "LIMIT = 5\n\n\ndef f():\n    global LIMIT\n    return LIMIT\n",
        "from functools import cached_property\n\n\nclass Config:\n    @cached_property\n"
        "    def data(self):\n        return {}\n",
        "class Client:\n    headers = {}\n\n    def __init__(self):\n        self.headers = {}\n\n"
        "    def set(self, k, v):\n        self.headers[k] = v\n",
        "from pathlib import Path\n\nROOT = Path(__file__).resolve().parent\n"
        'NAME = "-".join(["a", "b"])\nlog = setup_logger()\n'
        'TABLE = bytes.maketrans(b"0123", b"####")\n',
    )

    def __init__(self, ctx: FileContext, shared: object = None) -> None:
        super().__init__(ctx, shared)
        self._containers: dict[str, ast.AST] = {}
        self._instances: list[tuple[ast.AST, str, str]] = []
        self._immutable: set[str] = set()
        self._classes: dict[str, ast.ClassDef] = {}
        self._class_attrs: dict[tuple[int, str], tuple[ast.AST, bool]] = {}
        self._instance_attrs: set[tuple[int, str]] = set()
        self._mutations: list[_Mutation] = []
        self._globals: list[tuple[ast.AST, ast.Global | ast.Nonlocal]] = []
        self._locals: dict[int, set[str]] = {}
        self._declared: dict[int, set[str]] = {}

    def handlers(self) -> Mapping[type[ast.AST], Handler]:
        return {
            ast.Assign: self._on_assign,
            ast.AnnAssign: self._on_ann_assign,
            ast.AugAssign: self._on_aug_assign,
            ast.Delete: self._on_delete,
            ast.Call: self._on_call,
            ast.Global: self._on_global,
            ast.Nonlocal: self._on_global,
            ast.ClassDef: self._on_class,
            ast.FunctionDef: self._on_function,
            ast.AsyncFunctionDef: self._on_function,
            ast.For: self._on_for,
            ast.AsyncFor: self._on_for,
            ast.With: self._on_with,
            ast.AsyncWith: self._on_with,
            ast.Import: self._on_import,
            ast.ImportFrom: self._on_import,
            ast.NamedExpr: self._on_named_expr,
            ast.ExceptHandler: self._on_except,
        }

    # --- collecting -----------------------------------------------------------

    def _on_class(self, node: ast.ClassDef) -> None:
        self._classes.setdefault(node.name, node)
        if _is_immutable_class(node):
            self._immutable.add(node.name)

    def _on_global(self, node: ast.Global | ast.Nonlocal) -> None:
        scope = self.ctx.scopes[-1]
        self._declared.setdefault(id(scope), set()).update(node.names)
        if isinstance(node, ast.Global):
            self._globals.append((scope, node))

    # Local bindings per scope, so a function's own `cache` is not the module's.

    def _bind(self, names: Iterator[str] | tuple[str, ...], scope: ast.AST | None = None) -> None:
        key = id(scope if scope is not None else self.ctx.scopes[-1])
        self._locals.setdefault(key, set()).update(names)

    def _on_function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        for dec in node.decorator_list:
            name = dotted_name(dec.func if isinstance(dec, ast.Call) else dec) or ""
            if name.rpartition(".")[2] == "lru_cache" or name == "functools.cache":
                self.report(
                    dec,
                    f"`@{name}` on `{node.name}()` is a hidden process-wide cache (v2.1 built "
                    "singletons this way): pass the value in, or hold the cache in an object",
                )
        a = node.args
        params = (*a.posonlyargs, *a.args, *a.kwonlyargs, a.vararg, a.kwarg)
        self._bind(tuple(p.arg for p in params if p is not None), node)
        self._bind((node.name,))

    def _on_for(self, node: ast.For | ast.AsyncFor) -> None:
        self._bind(_target_names(node.target))

    def _on_with(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            if item.optional_vars is not None:
                self._bind(_target_names(item.optional_vars))

    def _on_import(self, node: ast.Import | ast.ImportFrom) -> None:
        self._bind(tuple((a.asname or a.name).partition(".")[0] for a in node.names))

    def _on_named_expr(self, node: ast.NamedExpr) -> None:
        self._bind(_target_names(node.target))

    def _on_except(self, node: ast.ExceptHandler) -> None:
        if node.name:
            self._bind((node.name,))

    def _is_local(self, scope: ast.AST, name: str) -> bool:
        if name in self._declared.get(id(scope), ()):
            return False
        return name in self._locals.get(id(scope), ())

    def _on_assign(self, node: ast.Assign) -> None:
        for target in node.targets:
            self._bind(_target_names(target))
            self._assigned(target, node.value, node, read_only=False)

    def _on_ann_assign(self, node: ast.AnnAssign) -> None:
        self._bind(_target_names(node.target))
        if node.value is not None:
            read_only = _annotation_root(node.annotation) in _READ_ONLY_TYPES
            self._assigned(node.target, node.value, node, read_only=read_only)

    def _on_aug_assign(self, node: ast.AugAssign) -> None:
        target = node.target
        self._bind(_target_names(target))
        if isinstance(target, ast.Name) and self.ctx.at_module_level:
            self._mutation(target, node, f"`{target.id} {_op(node)}=`")
        elif isinstance(target, ast.Subscript):
            self._mutation(target.value, node, "`[...] " + _op(node) + "=`")
        elif isinstance(target, ast.Attribute):
            self._class_write(target, node)

    def _on_delete(self, node: ast.Delete) -> None:
        for target in node.targets:
            self._bind(_target_names(target))
            if isinstance(target, ast.Subscript):
                self._mutation(target.value, node, "`del [...]`")

    def _on_call(self, node: ast.Call) -> None:
        func = node.func
        if isinstance(func, ast.Attribute) and func.attr in _MUTATORS:
            self._mutation(func.value, node, f"`.{func.attr}()`")

    def _assigned(
        self, target: ast.expr, value: ast.expr, stmt: ast.AST, *, read_only: bool
    ) -> None:
        if isinstance(target, ast.Name):
            self._name_assigned(target.id, value, stmt, read_only)
        elif isinstance(target, ast.Subscript):
            self._mutation(target.value, stmt, "`[...] =`")
        elif isinstance(target, ast.Attribute):
            self._class_write(target, stmt)
        elif isinstance(target, (ast.Tuple, ast.List)):
            values = value.elts if isinstance(value, (ast.Tuple, ast.List)) else None
            for i, elt in enumerate(target.elts):
                if values is not None and len(values) == len(target.elts):
                    self._assigned(elt, values[i], stmt, read_only=read_only)

    def _name_assigned(self, name: str, value: ast.expr, stmt: ast.AST, read_only: bool) -> None:
        ctx, scope = self.ctx, self.ctx.scopes[-1]
        is_container = isinstance(value, _CONTAINER_NODES)
        kind = "container" if is_container else None
        if isinstance(value, ast.Call):
            kind = _classify_call(value)
        if isinstance(scope, ast.ClassDef):
            self._class_attrs.setdefault((id(scope), name), (stmt, kind == "container"))
            return
        if not ctx.at_module_level or ctx.in_main or kind is None or read_only:
            return
        if name.startswith("__") or (split_words(name) or [""])[-1] in _LOGGER_WORDS:
            return
        if kind == "container":
            self._containers.setdefault(name, stmt)
        elif isinstance(value, ast.Call):
            self._instances.append((stmt, name, dotted_name(value.func) or "..."))

    def _owner(self) -> ast.ClassDef | None:
        for scope in reversed(self.ctx.scopes):
            if isinstance(scope, ast.ClassDef):
                return scope
        return None

    def _mutation(self, expr: ast.expr, stmt: ast.AST, how: str) -> None:
        while isinstance(expr, ast.Subscript):
            expr = expr.value
        scope = self.ctx.scopes[-1]
        if isinstance(expr, ast.Name):
            self._mutations.append(_Mutation(expr.id, "", "name", how, stmt, scope, None))
        elif isinstance(expr, ast.Attribute) and isinstance(expr.value, ast.Name):
            base = expr.value.id
            self._mutations.append(
                _Mutation(base, expr.attr, "class", how, stmt, scope, self._owner())
            )

    def _class_write(self, target: ast.Attribute, stmt: ast.AST) -> None:
        if not isinstance(target.value, ast.Name):
            return
        base, owner = target.value.id, self._owner()
        if base == "self":
            if owner is not None:
                self._instance_attrs.add((id(owner), target.attr))
            return
        if target.attr.startswith("__") or self.ctx.at_module_level:
            return  # import-time set-up of a class is part of its definition
        scope = self.ctx.scopes[-1]
        self._mutations.append(
            _Mutation(base, target.attr, "class", "rebinding", stmt, scope, owner)
        )

    # --- deciding -------------------------------------------------------------

    def finish(self) -> None:
        for stmt, name, callee in self._instances:
            if callee.rpartition(".")[2] not in self._immutable:
                self.report(
                    stmt,
                    f"module-level instance `{name} = {callee}(...)` is global mutable state: "
                    "build it in the entry point and pass it in (annotate a read-only type "
                    "such as `Mapping[...]` if it is immutable)",
                )
        self._report_containers()
        self._report_globals()
        self._report_class_state()

    def _real_name_mutations(self) -> Iterator[_Mutation]:
        for m in self._mutations:
            if m.kind != "name" or m.base not in self._containers:
                continue
            if self._module_visible(m.scope, m.base):
                yield m

    def _module_visible(self, scope: ast.AST, name: str) -> bool:
        """Whether `name` in `scope` is the module-level name (not a local or class attribute)."""
        if isinstance(scope, ast.Module):
            return True
        return not isinstance(scope, ast.ClassDef) and not self._is_local(scope, name)

    def _report_containers(self) -> None:
        reported: set[str] = set()
        for m in self._real_name_mutations():
            if m.base in reported:
                continue
            reported.add(m.base)
            line = getattr(m.node, "lineno", 0)
            self.report(
                self._containers[m.base],
                f"module-level `{m.base}` is mutated ({m.how} at line {line}): global mutable "
                "state; keep it in an object that is built by the entry point and passed in",
            )

    def _report_globals(self) -> None:
        for func, node in self._globals:
            fname = getattr(func, "name", "<module>")
            for name in node.names:
                if name in self._locals.get(id(func), ()):
                    self.report(
                        node,
                        f"`global {name}` in `{fname}()` rebinds module state: keep it in an "
                        "object that is passed in",
                    )

    def _report_class_state(self) -> None:
        reported: set[tuple[int, str]] = set()
        for m in self._mutations:
            if m.kind != "class":
                continue
            owner = m.owner if m.base in ("cls", "self") else self._classes.get(m.base)
            if owner is None or (m.base in ("cls", "self") and m.owner is None):
                continue
            key = (id(owner), m.attr)
            if key in reported or not self._is_class_state(m, key):
                continue
            reported.add(key)
            where, _ = self._class_attrs.get(key, (m.node, False))
            line = getattr(m.node, "lineno", 0)
            self.report(
                where,
                f"class-level `{m.attr}` of `{owner.name}` changes through "
                f"`{m.base}.{m.attr}` ({m.how} at line {line}): a hidden singleton or cache "
                "shared by every instance and test; hold it in an instance that is passed in",
            )

    def _is_class_state(self, m: _Mutation, key: tuple[int, str]) -> bool:
        if m.base == "self":
            attr = self._class_attrs.get(key)
            return (
                m.how != "rebinding"
                and attr is not None
                and attr[1]
                and (key not in self._instance_attrs)
            )
        if m.how == "rebinding":
            return True
        attr = self._class_attrs.get(key)
        return attr is not None and attr[1]


def _op(node: ast.AugAssign) -> str:
    ops = {ast.Add: "+", ast.Sub: "-", ast.BitOr: "|", ast.BitAnd: "&", ast.Mult: "*"}
    return ops.get(type(node.op), "op")
