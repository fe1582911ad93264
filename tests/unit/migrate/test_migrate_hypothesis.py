"""Property tests: `check` never crashes on valid Python, and suppressions always apply.

There is no built-in strategy for Python source, so a small grammar builds it:
statements (assignments, ``.get`` chains, calls to print/logging/exit, imports
from ``utils.*``, ``global``, ``raise``) nested in defs, classes, ifs, fors,
withs and ``if __name__ == "__main__":`` blocks.  Every generated program is
checked to parse before it is used.
"""

from __future__ import annotations

import ast

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from txo.migrate.engine import check_source
from txo.migrate.rules import KNOWN_CODES

NAMES = st.sampled_from(
    ["config", "cfg", "data", "response", "token", "x", "items", "_cache", "settings",
     "logger", "api_key", "env", "self", "cls", "sys", "os", "registry"]
)  # fmt: skip
KEYS = st.sampled_from(["a", "global", "script-behavior", "_token", "client-secret", "id"])
MODULES = st.sampled_from(
    ["utils.logger", "utils", "utils.path_helpers", "txo.compat.v21.logger", "os"]
)
IMPORTED = st.sampled_from(["setup_logger", "Dir", "logger", "HelpfulError", "path"])


def _expr() -> st.SearchStrategy[str]:
    fstring = st.tuples(NAMES, KEYS).map(lambda t: f'f"v={{{t[0]}[{t[1]!r}]}} {{{t[0]}}}"')
    leaf = NAMES | st.integers(-5, 99).map(str) | KEYS.map(repr) | st.just("{}") | fstring
    return st.recursive(
        leaf,
        lambda inner: st.one_of(
            st.tuples(inner, KEYS, inner).map(lambda t: f"({t[0]}).get({t[1]!r}, {t[2]})"),
            st.tuples(inner, KEYS).map(lambda t: f"({t[0]})[{t[1]!r}]"),
            st.tuples(inner, NAMES).map(lambda t: f"({t[0]}).{t[1]}"),
            st.tuples(inner, inner).map(lambda t: f"({t[0]} + {t[1]})"),
            inner.map(lambda e: f'"v=%s" % ({e},)'),
            inner.map(lambda e: f'"v={{}}".format({e})'),
            st.tuples(NAMES, st.lists(inner, max_size=3)).map(
                lambda t: f"{t[0]}({', '.join(t[1])})"
            ),
            st.lists(inner, max_size=3).map(lambda es: "[" + ", ".join(es) + "]"),
        ),
        max_leaves=4,
    )


EXPR = _expr()
SIMPLE = st.one_of(
    st.tuples(NAMES, EXPR).map(
        lambda t: f"{t[0] if t[0] not in ('self', 'cls') else 'y'} = {t[1]}"
    ),
    EXPR,
    EXPR.map(lambda e: f"print({e})"),
    st.tuples(st.sampled_from(["info", "debug", "error"]), EXPR).map(
        lambda t: f"logger.{t[0]}('%s', {t[1]})"
    ),
    st.sampled_from(["sys.exit(1)", "exit()", "os._exit(2)", "raise SystemExit(3)", "quit()"]),
    st.tuples(NAMES, EXPR).map(lambda t: f"{t[0]}.append({t[1]})"),
    st.tuples(NAMES, KEYS, EXPR).map(lambda t: f"{t[0]}[{t[1]!r}] = {t[2]}"),
    st.tuples(MODULES, IMPORTED).map(lambda t: f"from {t[0]} import {t[1]}"),
    MODULES.map(lambda m: f"import {m}"),
    st.just("pass"),
)
COMMENTS = st.sampled_from(["", "", "", "  # txo: ignore", "  # txo: ignore[TXO101]", "  # note"])

Block = list[str]


def _indent(lines: Block) -> Block:
    return ["    " + line for line in lines]


def _compound(body: st.SearchStrategy[Block]) -> st.SearchStrategy[Block]:
    def func(t: tuple[str, list[str], Block, str]) -> Block:
        name, params, lines, comment = t
        globals_ = (
            [f"global {params[0]}"] if params and params[0] != "self" and len(name) % 2 else []
        )
        head = f"def {name}({', '.join(dict.fromkeys(params))}):{comment}"
        return [head, *_indent(globals_ + lines)]

    names = st.sampled_from(["main", "run", "load", "f", "helper"])
    return st.one_of(
        st.tuples(names, st.lists(NAMES, max_size=3), body, COMMENTS).map(func),
        st.tuples(st.sampled_from(["Handler", "Cache"]), body).map(
            lambda t: [f"class {t[0]}:", *_indent(t[1])]
        ),
        st.tuples(EXPR, body).map(lambda t: [f"if {t[0]}:", *_indent(t[1])]),
        body.map(lambda b: ['if __name__ == "__main__":', *_indent(b)]),
        st.tuples(NAMES, EXPR, body).map(lambda t: [f"for {t[0]} in {t[1]}:", *_indent(t[2])]),
        st.tuples(EXPR, NAMES, body).map(lambda t: [f"with {t[0]} as {t[1]}:", *_indent(t[2])]),
    )


def _block() -> st.SearchStrategy[Block]:
    line = st.tuples(SIMPLE, COMMENTS).map(lambda t: [t[0] + t[1]])
    return st.recursive(
        st.lists(line, min_size=1, max_size=4).map(lambda ls: [x for part in ls for x in part]),
        lambda inner: st.lists(line | _compound(inner), min_size=1, max_size=4).map(
            lambda parts: [x for part in parts for x in part]
        ),
        max_leaves=8,
    )


PROGRAMS = (
    _block()
    .map(lambda lines: "\n".join(lines) + "\n")
    .filter(lambda src: "global" not in src or _parses(src))
)


def _parses(source: str) -> bool:
    try:
        ast.parse(source)
    except SyntaxError:
        return False
    return True


FAST = settings(
    max_examples=150, deadline=None, database=None, suppress_health_check=[HealthCheck.too_slow]
)


@FAST
@given(PROGRAMS)
def test_check_never_crashes_on_valid_python(source: str) -> None:
    assert _parses(source), source
    findings = check_source(source, "gen.py")
    lines = source.count("\n")
    for f in findings:
        assert f.code in KNOWN_CODES and f.code != "TXO001"
        assert 1 <= f.line <= lines and f.col >= 1 and len(f.fingerprint) == 32
    assert len({f.fingerprint for f in findings}) == len(findings)


@FAST
@given(PROGRAMS)
def test_a_blanket_suppression_on_every_line_hides_everything(source: str) -> None:
    suppressed = "\n".join(line.split("  #")[0] + "  # txo: ignore" for line in source.splitlines())
    codes = {f.code for f in check_source(suppressed + "\n", "gen.py")}
    assert codes <= {"TXO002"}


@FAST
@given(PROGRAMS)
def test_results_do_not_depend_on_leading_blank_lines_except_line_numbers(source: str) -> None:
    before = check_source(source, "gen.py")
    after = check_source("\n\n" + source, "gen.py")
    assert [(f.code, f.line + 2, f.fingerprint) for f in before] == [
        (f.code, f.line, f.fingerprint) for f in after
    ]
