"""Import-statement surgery for TXO501: split a ``from`` import by target, merge new lines."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import libcst as cst

from txo.migrate.rules._cst.helpers import Change, code_of, dotted, dotted_expr, has_comment

__all__ = ["AliasPlan", "ImportPlan", "merge_top_level", "rewrite_statements"]

_MAX_MERGED_LINE = 100
_Key = tuple[str, str | None]


@dataclass(frozen=True, slots=True)
class AliasPlan:
    """Where one imported name goes: module, imported name, ``as`` name."""

    module: str
    name: str
    asname: str | None


@dataclass(slots=True)
class ImportPlan:
    """Everything the rewrite changes, keyed by the original nodes."""

    aliases: dict[cst.ImportAlias, AliasPlan] = field(default_factory=dict)
    stars: dict[cst.ImportFrom, str] = field(default_factory=dict)
    imports: dict[cst.ImportAlias, str] = field(default_factory=dict)
    replacements: dict[cst.CSTNode, str] = field(default_factory=dict)
    edits: list[Change] = field(default_factory=list)


def _comma() -> cst.Comma:
    return cst.Comma(whitespace_after=cst.SimpleWhitespace(" "))


def rewrite_statements(
    originals: Sequence[cst.BaseSmallStatement],
    updated: Sequence[cst.BaseSmallStatement],
    plan: ImportPlan,
    produced: list[cst.ImportFrom],
) -> list[cst.BaseSmallStatement]:
    """The small statements of one line, each planned ``from utils...`` import rewritten."""
    out: list[cst.BaseSmallStatement] = []
    for old, new in zip(originals, updated, strict=True):
        if isinstance(old, cst.ImportFrom) and isinstance(new, cst.ImportFrom):
            out.extend(_rewrite_from(old, new, plan, produced))
        else:
            out.append(new)
    return out


def _rewrite_from(
    old: cst.ImportFrom, new: cst.ImportFrom, plan: ImportPlan, produced: list[cst.ImportFrom]
) -> list[cst.ImportFrom]:
    if old in plan.stars:
        result = [new.with_changes(module=dotted_expr(plan.stars[old]))]
    elif isinstance(old.names, cst.ImportStar) or old.names[0] not in plan.aliases:
        return [new]
    else:
        groups: dict[str, list[cst.ImportAlias]] = {}
        seen: set[tuple[str, str, str | None]] = set()
        for alias in old.names:
            target = plan.aliases[alias]
            if (target.module, target.name, target.asname) not in seen:
                seen.add((target.module, target.name, target.asname))
                groups.setdefault(target.module, []).append(_new_alias(alias, target))
        result = [
            new.with_changes(module=dotted_expr(module), names=_with_commas(aliases, old))
            for module, aliases in groups.items()
        ]
    produced.extend(result)
    return result


def _new_alias(alias: cst.ImportAlias, target: AliasPlan) -> cst.ImportAlias:
    name = alias.name if dotted(alias.name) == target.name else cst.Name(target.name)
    asname: cst.AsName | None = None
    if target.asname is not None:
        keep = alias.asname is not None and dotted(alias.asname.name) == target.asname
        asname = alias.asname if keep else cst.AsName(name=cst.Name(target.asname))
    return alias.with_changes(name=name, asname=asname)


def _with_commas(aliases: list[cst.ImportAlias], old: cst.ImportFrom) -> list[cst.ImportAlias]:
    """Commas for a group cut out of ``old``: between names, and the old trailing style last."""
    assert not isinstance(old.names, cst.ImportStar)
    fallback = old.names[-1].comma
    out: list[cst.ImportAlias] = []
    for index, alias in enumerate(aliases):
        comma: cst.Comma | cst.MaybeSentinel
        if index < len(aliases) - 1:
            comma = alias.comma if isinstance(alias.comma, cst.Comma) else _comma()
        else:
            comma = _last_comma(alias, fallback, old.lpar is not None)
        out.append(alias.with_changes(comma=comma))
    return out


def _last_comma(
    alias: cst.ImportAlias, fallback: cst.Comma | cst.MaybeSentinel, parenthesized: bool
) -> cst.Comma | cst.MaybeSentinel:
    """Keep a multi-line alias's own comma when it carries a comment or the style has one."""
    own = alias.comma
    if not (parenthesized and isinstance(own, cst.Comma)):
        return fallback
    after = own.whitespace_after
    if not isinstance(after, cst.ParenthesizedWhitespace):
        return fallback
    if isinstance(fallback, cst.Comma):
        end = fallback.whitespace_after
        if isinstance(end, cst.ParenthesizedWhitespace):
            after = after.with_changes(indent=end.indent, last_line=end.last_line)
        return own.with_changes(whitespace_after=after)
    return own if has_comment(own) else fallback


def merge_top_level(module: cst.Module, produced: list[cst.ImportFrom]) -> cst.Module:
    """Fold each produced top-level ``from M import`` line into an earlier line for M."""
    produced_ids = {id(node) for node in produced}
    body: list[cst.BaseStatement] = []
    first: dict[str, int] = {}
    for statement in module.body:
        found = _plain_from(statement)
        if found is None:
            body.append(statement)
            continue
        name = dotted(found.module)
        if name not in first:
            first[name] = len(body)
            body.append(statement)
        elif id(found) not in produced_ids or has_comment(statement):
            body.append(statement)
        elif isinstance(statement, cst.SimpleStatementLine):
            body[first[name]], rest = _merge(body[first[name]], statement)
            body.extend([rest] if rest is not None else [])
    return module.with_changes(body=body)


def _plain_from(statement: cst.BaseStatement) -> cst.ImportFrom | None:
    if not isinstance(statement, cst.SimpleStatementLine) or len(statement.body) != 1:
        return None
    node = statement.body[0]
    if not isinstance(node, cst.ImportFrom) or node.relative:
        return None
    return None if isinstance(node.names, cst.ImportStar) else node


def _key(alias: cst.ImportAlias) -> _Key:
    return dotted(alias.name), dotted(alias.asname.name) if alias.asname else None


def _merge(
    target_line: cst.BaseStatement, line: cst.SimpleStatementLine
) -> tuple[cst.BaseStatement, cst.SimpleStatementLine | None]:
    """(new target line, what is left of ``line`` or None when all of it merged)."""
    target, moved = _plain_from(target_line), _plain_from(line)
    assert target is not None and moved is not None
    assert isinstance(target_line, cst.SimpleStatementLine)
    assert not isinstance(target.names, cst.ImportStar)
    assert not isinstance(moved.names, cst.ImportStar)
    present = {_key(alias) for alias in target.names}
    new = list({_key(a): a for a in moved.names if _key(a) not in present}.values())
    if not new:
        return target_line, None
    if not target.lpar:
        keys = [*(_key(alias) for alias in target.names), *(_key(alias) for alias in new)]
        candidate = target.with_changes(names=_plain_aliases(keys))
        if len(code_of(candidate, limit=10_000)) <= _MAX_MERGED_LINE:
            return target_line.with_changes(body=[candidate]), None
    if len(new) == len(moved.names):
        return target_line, line
    return target_line, line.with_changes(
        body=[moved.with_changes(names=_plain_aliases([_key(alias) for alias in new]))]
    )


def _plain_aliases(keys: list[_Key]) -> list[cst.ImportAlias]:
    return [
        cst.ImportAlias(
            name=cst.Name(name),
            asname=cst.AsName(name=cst.Name(asname)) if asname else None,
            comma=_comma() if index < len(keys) - 1 else cst.MaybeSentinel.DEFAULT,
        )
        for index, (name, asname) in enumerate(keys)
    ]
