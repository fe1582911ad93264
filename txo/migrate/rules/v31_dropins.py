"""The rewrites TXO501 offers for v3.1-only names that have a drop-in outside the compat layer.

* ``TxoDataHandler.get_utc_timestamp()`` (static in 3.1) is exactly
  ``datetime.now(timezone.utc).strftime('%Y-%m-%dT%H%M%SZ')``: a *safe* fix,
  with ``from datetime import datetime, timezone`` added (or spelt
  ``datetime.datetime.now(datetime.timezone.utc)`` where the file imports the
  ``datetime`` module).
* ``utils.rate_limit_manager.logger`` becomes ``logging.getLogger(__name__)``
  (with ``import logging``): *unsafe*, because the records then carry this
  module's logger name instead of the library module's, and follow this
  module's logger level and handlers.

A fix is offered only where the names it needs are free or already bound to
the right thing anywhere in the file; otherwise the finding stays without one.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Sequence

from txo.migrate.fixes import Applicability, Edit, Fix, edits_between
from txo.migrate.rules._util import bindings
from txo.migrate.rules.base import FileContext

__all__ = ["GET_UTC_TIMESTAMP", "RATE_LIMIT_LOGGER", "TIMESTAMP_FORMAT", "DropInFixer"]

GET_UTC_TIMESTAMP = "utils.load_n_save.TxoDataHandler.get_utc_timestamp"
RATE_LIMIT_LOGGER = "utils.rate_limit_manager.logger"
#: The 3.1 template's ``get_utc_timestamp`` format (UTC, no colons: safe in file names).
TIMESTAMP_FORMAT = "%Y-%m-%dT%H%M%SZ"
_GET_LOGGER = "logging.getLogger(__name__)"
_LOGGER_CHANGE = "the records carry this module's logger name, not utils.rate_limit_manager's"

_Needed = tuple[tuple[str, str | None], ...]


def _binds_from(node: ast.AST, local: str, module: str) -> bool:
    """``node`` binds ``local`` as ``from module import local`` (no renaming)."""
    return (
        isinstance(node, ast.ImportFrom)
        and node.module == module
        and not node.level
        and any(a.name == local and (a.asname or a.name) == local for a in node.names)
    )


def _binds_module(node: ast.AST, module: str) -> bool:
    """``node`` binds ``module`` as ``import module`` (no renaming)."""
    return isinstance(node, ast.Import) and any(
        a.name == module and a.asname is None for a in node.names
    )


class DropInFixer:
    """Builds the drop-in fixes of one file; its bindings are read once, when first needed."""

    def __init__(self, ctx: FileContext) -> None:
        self.ctx = ctx
        self._bound: dict[str, list[ast.AST]] | None = None
        self._imports: dict[_Needed, tuple[Edit, ...] | None] = {}

    def _nodes(self, name: str) -> list[ast.AST]:
        if self._bound is None:
            tree = self.ctx.scopes[0]
            assert isinstance(tree, ast.Module)
            bound: dict[str, list[ast.AST]] = {}
            for local, node in bindings(tree):
                bound.setdefault(local, []).append(node)
            self._bound = bound
        return self._bound.get(name, [])

    def _all(self, name: str, test: Callable[[ast.AST], bool]) -> bool:
        return all(test(node) for node in self._nodes(name))

    def _from_datetime(self, name: str) -> bool:
        """``name`` is free, or bound only by ``from datetime import name``."""
        return all(_binds_from(node, name, "datetime") for node in self._nodes(name))

    def _import_edits(self, needed: _Needed) -> tuple[Edit, ...] | None:
        """Edits adding the imports (shared by every fix that needs them); None if impossible."""
        if not needed:
            return ()
        if needed not in self._imports:
            from txo.migrate.rules._cst.add_import import add_imports

            source = self.ctx.source
            try:
                self._imports[needed] = edits_between(source, add_imports(source, needed))
            except Exception:  # libcst cannot parse what ast could (new syntax): no fix
                self._imports[needed] = None
        return self._imports[needed]

    def fix(self, name: str, node: ast.AST, fstrings: Sequence[ast.JoinedStr] = ()) -> Fix | None:
        """The drop-in fix for the v3.1 name ``name`` used at ``node`` (None: no drop-in).

        ``fstrings`` are the file's f-strings: a rewrite inside one must not reuse its quote
        (Python 3.11 cannot parse that).
        """
        if name == GET_UTC_TIMESTAMP and isinstance(node, ast.Call):
            quote = self._free_quote(node, fstrings)
            return None if quote is None else self.timestamp(node, quote)
        if name == RATE_LIMIT_LOGGER and isinstance(node, ast.Attribute):
            return self.logger(node)
        if name == RATE_LIMIT_LOGGER and isinstance(node, ast.ImportFrom):
            return self.logger_import(node)
        return None

    def _free_quote(self, node: ast.AST, fstrings: Sequence[ast.JoinedStr]) -> str | None:
        """A quote character no f-string around ``node`` is delimited by (None: both are)."""
        start, end = self.ctx.span(node)
        used = set()
        for fstring in fstrings:
            outer_start, outer_end = self.ctx.span(fstring)
            if outer_start <= start and end <= outer_end:
                opening = self.ctx.source[outer_start : outer_start + 4].lstrip("rRbBfFuU")
                used.add(opening[:1])
        return next((q for q in ("'", '"') if q not in used), None)

    def timestamp(self, call: ast.Call, quote: str = "'") -> Fix | None:
        """``TxoDataHandler.get_utc_timestamp()`` -> the same string from ``datetime``."""
        if call.args or call.keywords:
            return None
        needed: _Needed = ()
        fmt = f"{quote}{TIMESTAMP_FORMAT}{quote}"
        if self._nodes("datetime") and self._all(
            "datetime", lambda n: _binds_module(n, "datetime")
        ):
            text = f"datetime.datetime.now(datetime.timezone.utc).strftime({fmt})"
        elif self._from_datetime("datetime") and self._from_datetime("timezone"):
            text = f"datetime.now(timezone.utc).strftime({fmt})"
            needed = tuple(("datetime", n) for n in ("datetime", "timezone") if not self._nodes(n))
        else:
            return None
        return self._fix(Applicability.SAFE, call, text, needed, "same UTC string")

    def logger(self, node: ast.Attribute) -> Fix | None:
        """``<rate_limit_manager module>.logger`` -> ``logging.getLogger(__name__)``."""
        if not isinstance(node.ctx, ast.Load):  # `rlm.logger = ...`: a call cannot be assigned
            return None
        if not self._all("logging", lambda n: _binds_module(n, "logging")):
            return None
        needed: _Needed = () if self._nodes("logging") else (("logging", None),)
        return self._fix(Applicability.UNSAFE, node, _GET_LOGGER, needed, _LOGGER_CHANGE)

    def logger_import(self, statement: ast.ImportFrom) -> Fix | None:
        """``from utils.rate_limit_manager import logger`` -> ``logger = logging.getLogger()``."""
        if len(statement.names) != 1 or not self._all(
            "logging", lambda n: _binds_module(n, "logging")
        ):
            return None
        line = self.ctx.lines[statement.lineno - 1]
        indent = line[: self.ctx.column(statement.lineno, statement.col_offset) - 1]
        if indent.strip():  # `x = 1; from ... import logger`: leave it to a human
            return None
        local = statement.names[0].asname or statement.names[0].name
        text = f"{local} = {_GET_LOGGER}"
        if not self._nodes("logging"):
            text = f"import logging\n{indent}{text}"
        return self._fix(Applicability.UNSAFE, statement, text, (), _LOGGER_CHANGE)

    def _fix(
        self, kind: Applicability, node: ast.AST, text: str, needed: _Needed, why: str
    ) -> Fix | None:
        shared = self._import_edits(needed)
        if shared is None:
            return None
        start, end = self.ctx.span(node)
        described = f"{self.ctx.segment(node)} -> {text.splitlines()[-1]} ({why})"
        return Fix(kind, (*shared, Edit(start, end, text)), described)
