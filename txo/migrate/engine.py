"""The check engine: parse each file once, walk its tree once, dispatch by node type.

Speed is the design constraint (at most 3x a bare ``ast.parse``), so the walk
is one explicit-stack loop over a precomputed table of child fields, calling
only the handlers registered for a node's exact type.  The engine itself
tracks the little context rules need — enclosing scopes, the qualified name,
whether the walk is inside ``if __name__ == "__main__":`` or a declared entry
point — then runs each rule's ``finish``, applies suppressions and adds
fingerprints.  Files are checked in worker processes when there are many.
"""

from __future__ import annotations

import ast
import os
import traceback
import warnings
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass
from pathlib import Path
from types import MappingProxyType
from typing import Any

from txo.migrate.files import read_source_file
from txo.migrate.findings import FileResult, Finding, with_fingerprints
from txo.migrate.options import CheckOptions
from txo.migrate.rules import KNOWN_CODES, RULES, SYNTAX_ERROR_CODE
from txo.migrate.rules.base import FileContext, Handler, Rule
from txo.migrate.suppressions import apply_suppressions, parse_directives

__all__ = [
    "PARALLEL_MIN_FILES",
    "RuleSet",
    "check_file",
    "check_files",
    "check_source",
    "module_name",
]

# Below this many files a process pool does not pay: start-up measured ~8 ms (a few files' work),
# but chunking, pickling results and a busy machine eat the gain for small trees.
PARALLEL_MIN_FILES = 64

# Fields that never hold child nodes worth visiting (names, operators, flags).
_SKIP_FIELDS = frozenset(
    {"ctx", "id", "attr", "name", "arg", "asname", "module", "level", "names", "op", "ops"}
    | {"kind", "type_comment", "conversion", "is_async", "kwd_attrs", "rest", "type_ignores"}
    | {"tag", "simple"}
)


def _build_child_fields() -> Mapping[type, tuple[str, ...]]:
    table: dict[type, tuple[str, ...]] = {}
    for obj in vars(ast).values():
        if isinstance(obj, type) and issubclass(obj, ast.AST):
            table[obj] = tuple(f for f in obj._fields if f not in _SKIP_FIELDS)
    table[ast.Constant] = ()
    table[ast.MatchSingleton] = ()
    return MappingProxyType(table)


_CHILD_FIELDS: Mapping[type, tuple[str, ...]] = _build_child_fields()
_FUNCTIONS = (ast.FunctionDef, ast.AsyncFunctionDef)
_SPECIAL = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef, ast.If})


@dataclass(frozen=True, slots=True)
class RuleSet:
    """The enabled rules of a run, each with the data its `prepare` built once."""

    rules: tuple[tuple[type[Rule], object], ...]

    @classmethod
    def build(cls, options: CheckOptions) -> RuleSet:
        """Prepare every enabled rule that inspects the tree."""
        chosen = (r for r in RULES if options.enabled(r.code) and r.inspects_tree)
        return cls(tuple((r, r.prepare(options)) for r in chosen))


class _Exit:
    """Stack marker: restores the walk context when a scope or main block ends."""

    __slots__ = ("in_entry", "in_main", "pops")

    def __init__(self, ctx: FileContext, pops: bool) -> None:
        self.pops = pops
        self.in_main = ctx.in_main
        self.in_entry = ctx.in_entry

    def restore(self, ctx: FileContext) -> None:
        if self.pops:
            ctx.scopes.pop()
            ctx.qualname.pop()
        ctx.in_main = self.in_main
        ctx.in_entry = self.in_entry


def is_main_guard(test: ast.expr) -> bool:
    """``__name__ == "__main__"`` in either order."""
    if not (isinstance(test, ast.Compare) and len(test.ops) == 1):
        return False
    if not isinstance(test.ops[0], ast.Eq):
        return False
    sides = (test.left, test.comparators[0])
    names = [s.id for s in sides if isinstance(s, ast.Name)]
    consts = [s.value for s in sides if isinstance(s, ast.Constant)]
    return names == ["__name__"] and consts == ["__main__"]


def _enter(node: Any, ctx: FileContext, stack: list[Any], entry_names: frozenset[str]) -> bool:
    """Update the context for a scope or main guard; True when children were pushed here."""
    if node.__class__ is ast.If:
        if not is_main_guard(node.test):
            return False
        stack.extend(reversed(node.orelse))
        stack.append(_Exit(ctx, False))
        stack.extend(reversed(node.body))
        stack.append(node.test)
        ctx.in_main = True
        return True
    stack.append(_Exit(ctx, True))
    ctx.scopes.append(node)
    ctx.qualname.append(node.name)
    if isinstance(node, _FUNCTIONS) and (
        node.lineno in ctx.entry_lines or ".".join(ctx.qualname) in entry_names
    ):
        ctx.in_entry = True
    return False


def _walk(tree: ast.Module, ctx: FileContext, table: Mapping[type, tuple[Handler, ...]]) -> None:
    """Visit every node once, in source order, calling the handlers for its type."""
    entry_names = _entry_names(ctx)
    fields = _CHILD_FIELDS
    lookup = table.get
    stack: list[Any] = [tree]
    pop, extend = stack.pop, stack.extend
    while stack:
        node = pop()
        if node is None:
            continue
        cls = node.__class__
        if cls is _Exit:
            node.restore(ctx)
            continue
        handlers = lookup(cls)
        if handlers is not None:
            for handler in handlers:
                handler(node)
        if cls in _SPECIAL and _enter(node, ctx, stack, entry_names):
            continue
        kids: list[Any] = []
        for name in fields[cls]:
            value = getattr(node, name)
            if value.__class__ is list:
                kids += value
            elif value is not None:
                kids.append(value)
        if kids:
            kids.reverse()
            extend(kids)


def _entry_names(ctx: FileContext) -> frozenset[str]:
    """Qualified names declared entry points (``--entry-point MODULE:FUNC``) for this file."""
    return frozenset(
        func for mod, func in ctx.options.entry_points if module_matches(mod, ctx.module)
    )


def module_matches(declared: str, module: str) -> bool:
    """Whether a declared module names this file; either may be a dotted suffix of the other."""
    if declared.endswith(".py") or "/" in declared:
        declared = module_name(declared)
    if not declared or not module:
        return False
    return declared == module or (
        module.endswith("." + declared) or declared.endswith("." + module)
    )


def module_name(path: str) -> str:
    """Dotted module name of a (relative) path: ``txo/migrate/cli.py`` -> ``txo.migrate.cli``."""
    parts = [p for p in path.replace("\\", "/").split("/") if p and p not in (".", "..")]
    if parts and parts[-1].endswith((".py", ".pyi")):
        parts[-1] = parts[-1].rsplit(".", 1)[0]
    if parts and parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def check_source(
    source: str,
    path: str = "<string>",
    options: CheckOptions | None = None,
    ruleset: RuleSet | None = None,
) -> list[Finding]:
    """Every finding for one file's source, suppressions applied, in report order."""
    options = options or CheckOptions()
    tree = _parse(source, path, options)
    if not isinstance(tree, ast.Module):
        return tree
    directives = parse_directives(source)
    ctx = FileContext(source, path, module_name(path), options, directives.entry_lines)
    ctx.scopes.append(tree)
    rules = [cls(ctx, shared) for cls, shared in (ruleset or RuleSet.build(options)).rules]
    _walk(tree, ctx, _dispatch_table(rules))
    for rule in rules:
        rule.finish()
    findings = apply_suppressions(
        ctx.findings, directives, enabled=options.codes, known=KNOWN_CODES, path=path
    )
    findings.sort(key=lambda f: (f.line, f.col, f.code))
    return with_fingerprints(findings, ctx.lines if findings else [])


def _dispatch_table(rules: Sequence[Rule]) -> dict[type, tuple[Handler, ...]]:
    table: dict[type, tuple[Handler, ...]] = {}
    for rule in rules:
        for node_type, handler in rule.handlers().items():
            table[node_type] = (*table.get(node_type, ()), handler)
    return table


def _parse(source: str, path: str, options: CheckOptions) -> ast.Module | list[Finding]:
    """The tree, or the TXO001 finding (if enabled) that says why there is none."""
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            return ast.parse(source, filename=path)
    except SyntaxError as exc:
        line, col = exc.lineno or 1, exc.offset or 1
        message = f"syntax error: {exc.msg}"
    except (ValueError, RecursionError, MemoryError) as exc:
        line, col, message = 1, 1, f"cannot parse: {exc}"
    if not options.enabled(SYNTAX_ERROR_CODE):
        return []
    finding = Finding(SYNTAX_ERROR_CODE, message, path, max(line, 1), max(col, 1))
    return with_fingerprints([finding], _split_lines(source))


def _split_lines(source: str) -> list[str]:
    return source.replace("\r\n", "\n").replace("\r", "\n").split("\n")


def check_file(
    path: Path, display: str, options: CheckOptions, ruleset: RuleSet | None = None
) -> FileResult:
    """Check one file; an unreadable file is a TXO001 finding, a checker bug an `error`."""
    try:
        source = read_source_file(path).text
    except (OSError, UnicodeDecodeError, SyntaxError, LookupError) as exc:
        if not options.enabled(SYNTAX_ERROR_CODE):
            return FileResult(display, ())
        finding = Finding(SYNTAX_ERROR_CODE, f"cannot read file: {exc}", display, 1, 1)
        return FileResult(display, tuple(with_fingerprints([finding], [])))
    try:
        return FileResult(display, tuple(check_source(source, display, options, ruleset)))
    except Exception as exc:  # a rule bug must not hide the other files' results
        detail = "".join(traceback.format_exception_only(exc)).strip()
        return FileResult(display, (), error=f"{detail} (in {_where(exc)})")


def _where(exc: BaseException) -> str:
    frames = traceback.extract_tb(exc.__traceback__)
    last = frames[-1] if frames else None
    return f"{Path(last.filename).name}:{last.lineno}" if last else "?"


def _check_chunk(items: Sequence[tuple[str, str]], options: CheckOptions) -> list[FileResult]:
    """Worker body: one RuleSet per chunk, then each file."""
    ruleset = RuleSet.build(options)
    return [check_file(Path(p), d, options, ruleset) for p, d in items]


def _chunks(items: Sequence[tuple[str, str]], jobs: int) -> Iterator[list[tuple[str, str]]]:
    size = max(8, min(128, -(-len(items) // (jobs * 6))))
    for start in range(0, len(items), size):
        yield list(items[start : start + size])


def check_files(
    items: Sequence[tuple[str, str]],
    options: CheckOptions,
    *,
    jobs: int | None = None,
    progress: Callable[[int], None] | None = None,
) -> list[FileResult]:
    """Check (path, display path) pairs, in parallel when there are enough to pay for it."""
    workers = max(1, jobs if jobs is not None else (os.cpu_count() or 1))
    if workers == 1 or len(items) < PARALLEL_MIN_FILES:
        ruleset = RuleSet.build(options)
        results = []
        for path, display in items:
            results.append(check_file(Path(path), display, options, ruleset))
            if progress is not None:
                progress(1)
        return results
    return _check_parallel(items, options, workers, progress)


def _check_parallel(
    items: Sequence[tuple[str, str]],
    options: CheckOptions,
    workers: int,
    progress: Callable[[int], None] | None,
) -> list[FileResult]:
    results: list[FileResult] = []
    RuleSet.build(options)  # import what rules need once, before the workers fork
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = {
            pool.submit(_check_chunk, chunk, options): len(chunk)
            for chunk in _chunks(items, workers)
        }
        for future in as_completed(futures):
            results.extend(future.result())
            if progress is not None:
                progress(futures[future])
    order = {display: i for i, (_, display) in enumerate(items)}
    results.sort(key=lambda r: order.get(r.path, 0))
    return results
