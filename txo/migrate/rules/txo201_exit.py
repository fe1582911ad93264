"""TXO201: exiting the process from library code."""

from __future__ import annotations

import ast
from collections.abc import Mapping

from txo.migrate.rules._util import import_bindings
from txo.migrate.rules.base import FileContext, Handler, Rule

__all__ = ["ExitInLibrary"]

_EXITS = frozenset({"sys.exit", "os._exit", "builtins.exit", "builtins.quit"})
_BUILTIN_EXITS = frozenset({"exit", "quit"})


class ExitInLibrary(Rule):
    """``sys.exit`` / ``exit`` / ``quit`` / ``os._exit`` / ``raise SystemExit`` in library code.

    Why: library code never exits.  An exit deep inside a helper skips the
    caller's cleanup and error handling, cannot be tested without catching
    ``SystemExit``, and turns a helpful error into a bare exit code (v2.1's
    config loader and logger did exactly that).  Raise an error instead; only
    the script's entry point turns errors into exit codes.

    How it decides: a call is an exit when it resolves, through the file's
    imports (``import sys as s``, ``from sys import exit as bye``, ``from os
    import _exit``), to ``sys.exit``, ``os._exit`` or the builtins ``exit`` /
    ``quit`` (unless a ``def`` or an import from elsewhere shadows them);
    ``raise SystemExit`` / ``raise SystemExit(...)`` counts too.  It is allowed

    * anywhere under ``if __name__ == "__main__":`` (not its ``else``);
    * inside a declared entry point: ``--entry-point MODULE:FUNC`` (FUNC may be
      ``Class.method``; MODULE a dotted name or path, matched as a suffix of
      the file's module), or a ``# txo: entry-point`` comment on the ``def``
      line.  Functions nested in an entry point are part of it.
    """

    code = "TXO201"
    name = "exit-in-library"
    summary = "Process exit in library code (only the entry point may exit)"
    # Examples: tests/data/rules/TXO201/examples/{flagged,accepted}/*.py (real files, so the
    # exit calls in them stay out of text searches over txo/).

    def __init__(self, ctx: FileContext, shared: object = None) -> None:
        super().__init__(ctx, shared)
        self._aliases: dict[str, str] = {}
        self._shadowed: set[str] = set()

    def handlers(self) -> Mapping[type[ast.AST], Handler]:
        return {
            ast.Import: self._on_import,
            ast.ImportFrom: self._on_import,
            ast.FunctionDef: self._on_def,
            ast.AsyncFunctionDef: self._on_def,
            ast.Call: self._on_call,
            ast.Raise: self._on_raise,
        }

    def _on_import(self, node: ast.Import | ast.ImportFrom) -> None:
        for local, full, _ in import_bindings(node):
            self._aliases[local] = full

    def _on_def(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        if node.name in _BUILTIN_EXITS:
            self._shadowed.add(node.name)

    def _resolve(self, func: ast.expr) -> str | None:
        if isinstance(func, ast.Name):
            if func.id in self._aliases:
                return self._aliases[func.id]
            if func.id in _BUILTIN_EXITS and func.id not in self._shadowed:
                return "builtins." + func.id
            return None
        if isinstance(func, ast.Attribute) and isinstance(func.value, ast.Name):
            base = self._aliases.get(func.value.id, func.value.id)
            return f"{base}.{func.attr}"
        return None

    def _allowed(self) -> bool:
        return self.ctx.in_main or self.ctx.in_entry

    def _on_call(self, node: ast.Call) -> None:
        target = self._resolve(node.func)
        if target in _EXITS and not self._allowed():
            shown = target.removeprefix("builtins.")
            self.report(
                node,
                f"`{shown}()` in library code: raise an error and let the entry point turn "
                "it into an exit code (or mark the entry point with `# txo: entry-point`)",
            )

    def _on_raise(self, node: ast.Raise) -> None:
        exc = node.exc.func if isinstance(node.exc, ast.Call) else node.exc
        if isinstance(exc, ast.Name) and exc.id == "SystemExit" and not self._allowed():
            self.report(
                node,
                "`raise SystemExit` in library code: raise a txo error and let the entry "
                "point turn it into an exit code",
            )
