"""Hypothesis: for generated v2.1-style modules, fix output always parses and is idempotent.

The strategy is a small grammar over the statements the fixable rules care
about - ``utils`` imports (from/plain/aliased/star/parenthesised with
comments), config ``.get`` chains on config-like and ordinary receivers,
data-handler calls with string categories, uses of the imported names in
``except``/``raise``/``isinstance``/attribute position - nested in defs,
ifs and try blocks, with comments and blank lines in between.
"""

from __future__ import annotations

import ast
import os

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from txo.compat.registry import SHIMS
from txo.migrate.fix import fix_source
from txo.paths import Dir

_BY_MODULE: dict[str, list[str]] = {}
for _shim in SHIMS.values():
    _BY_MODULE.setdefault(_shim.module, []).append(_shim.name)
MODULES = sorted(_BY_MODULE)
NAMES = sorted({s.name for s in SHIMS.values()} | {"Dir", "helper"})
IDENT = st.sampled_from(["x", "value", "rows", "item", "Dir", "EntityNotFoundError", "txo"])
CATEGORIES = st.sampled_from([d.value for d in Dir] + ["outputs", "", "Data"])
RECEIVERS = st.sampled_from(["config", "cfg", "ctx.config", "loaded", "settings", "response"])
HANDLERS = st.sampled_from(
    ["data_handler", "dh", "ctx.data", "ctx.paths", "cache", "TxoDataHandler()"]
)
COMMENT = st.sampled_from(["", "  # note", "  # txo: keep"])


@st.composite
def from_import(draw: st.DrawFn) -> list[str]:
    module = draw(st.sampled_from(MODULES))
    if draw(st.integers(0, 9)) == 0:
        return [f"from {module} import *"]
    names = draw(st.lists(st.sampled_from(_BY_MODULE[module] + ["helper"]), min_size=1, max_size=4))
    parts = [n + draw(st.sampled_from(["", " as alias_" + n.lower()])) for n in names]
    if draw(st.booleans()):
        inner = [f"    {p},{draw(COMMENT)}" for p in parts]
        return [f"from {module} import ({draw(COMMENT)}", *inner, ")"]
    return [f"from {module} import {', '.join(parts)}{draw(COMMENT)}"]


@st.composite
def plain_import(draw: st.DrawFn) -> list[str]:
    module = draw(st.sampled_from(MODULES))
    alias = draw(st.sampled_from(["", " as mod"]))
    return [f"import {module}{alias}"]


@st.composite
def get_chain(draw: st.DrawFn) -> str:
    expr = draw(RECEIVERS)
    for _ in range(draw(st.integers(1, 3))):
        key = draw(st.sampled_from(['"global"', '"script-behavior"', "key", '"api-base-url"']))
        default = draw(st.sampled_from(["", ", {}", ", None", ", 3", ", default=1"]))
        expr = f"{expr}.get({key}{default})"
    return expr


@st.composite
def simple_statement(draw: st.DrawFn) -> list[str]:
    kind = draw(st.integers(0, 8))
    name = draw(st.sampled_from(NAMES))
    if kind == 0:
        return [f"{draw(IDENT)} = {draw(get_chain())}{draw(COMMENT)}"]
    if kind == 1:
        category = draw(CATEGORIES)
        call = draw(st.sampled_from(["save(rows, {c!r}, 'f.json')", "load({c!r}, 'f.json')"]))
        return [f"{draw(HANDLERS)}.{call.format(c=category)}{draw(COMMENT)}"]
    if kind == 2:
        return [f"get_path({draw(CATEGORIES)!r}, 'x.txt')"]
    if kind == 3:
        return [f"raise {name}('what', 'how')"]
    if kind == 4:
        return [f"ok = isinstance(value, ({name}, KeyError))"]
    if kind == 5:
        return [f"print({name}.{draw(st.sampled_from(['all()', 'OUTPUT', 'validate(x)']))})"]
    if kind == 6:
        value = draw(st.sampled_from(["parse_args_and_load_config('d')", "1"]))
        return [f"{draw(IDENT)} = {value}"]
    if kind == 7:
        return [f"__all__ = [{name!r}]"]
    return [f"# a comment about {name}", "", "pass"]


def _indent(lines: list[str]) -> list[str]:
    return ["    " + line if line else "" for line in lines]


@st.composite
def block(draw: st.DrawFn, depth: int) -> list[str]:
    lines: list[str] = []
    for _ in range(draw(st.integers(1, 4))):
        kind = draw(st.integers(0, 6 if depth else 3))
        if kind <= 1:
            lines += draw(simple_statement())
        elif kind == 2:
            lines += draw(from_import())
        elif kind == 3:
            lines += draw(plain_import())
        elif kind == 4:
            lines += [f"def f{depth}(config, data_handler, value, key):"]
            lines += _indent([*draw(block(depth - 1)), "return None"])
        elif kind == 5:
            lines += [f"if {draw(get_chain())}:", *_indent(draw(block(depth - 1)))]
        else:
            name = draw(st.sampled_from(NAMES))
            lines += ["try:", *_indent(draw(block(depth - 1))), f"except ({name}, OSError) as exc:"]
            lines += _indent(draw(block(depth - 1)))
    return lines


@st.composite
def module_source(draw: st.DrawFn) -> str:
    header = draw(st.sampled_from(["", '"""Doc."""\n', "from __future__ import annotations\n"]))
    return header + "\n".join(draw(block(2))) + "\n"


def _check(source: str, unsafe: bool) -> None:
    ast.parse(source)  # the grammar only builds valid modules
    first = fix_source(source, unsafe=unsafe)
    ast.parse(first.new_source)
    second = fix_source(first.new_source, unsafe=unsafe)
    assert second.new_source == first.new_source, second.applied
    assert second.applied == []


# FIX_EXAMPLES=1000 for a deeper local run; the default keeps the suite fast.
@settings(
    max_examples=int(os.environ.get("FIX_EXAMPLES", "80")),
    suppress_health_check=[HealthCheck.too_slow],
)
@given(module_source(), st.booleans())
def test_fix_output_parses_and_is_idempotent(source: str, unsafe: bool) -> None:
    _check(source, unsafe=unsafe)


# --- TXO101: a hard read returns what the soft read returned when every key is there -------

KEYS = ("a", "b", "c")
LINKS = st.sampled_from(["get({k!r})", "get({k!r}, {{}})", "get({k!r}, None)", "get({k!r}, 5)"])
BASES = st.sampled_from(["config", "(config)", "((config))", "(ctx).config", "ctx.config"])
GAPS = st.sampled_from(["", " ", "\n        "])


@st.composite
def hard_read_chain(draw: st.DrawFn) -> str:
    expr = draw(BASES)
    for key in KEYS[: draw(st.integers(1, 3))]:
        link = draw(LINKS).format(k=key)
        expr = f"{expr}{draw(GAPS)}.{link}" if draw(st.booleans()) else f"{expr}[{key!r}]"
    return f"({expr})"


class _Ctx:
    def __init__(self, config: object) -> None:
        self.config = config


@settings(max_examples=int(os.environ.get("FIX_EXAMPLES", "150")))
@given(hard_read_chain())
def test_hard_read_fix_keeps_the_value_when_every_key_exists(chain: str) -> None:
    source = f"def read(config, ctx):\n    return {chain}\n"
    result = fix_source(source, unsafe=True, select=["TXO101"])
    ast.parse(result.new_source)
    assert fix_source(result.new_source, unsafe=True, select=["TXO101"]).applied == []
    full = {"a": {"b": {"c": 7}, "c": 8}, "b": 9, "c": 10}
    values = []
    for text in (source, result.new_source):
        namespace: dict[str, object] = {}
        exec(compile(text, "<chain>", "exec"), namespace)
        read = namespace["read"]
        assert callable(read)
        try:
            values.append(read(full, _Ctx(full)))
        except (KeyError, TypeError, AttributeError) as exc:
            values.append(type(exc))
    assert values[0] == values[1], (source, result.new_source)
