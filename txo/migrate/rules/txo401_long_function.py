"""TXO401: functions and methods that are too long."""

from __future__ import annotations

import ast
from collections.abc import Mapping

from txo.migrate.rules.base import Handler, Rule

__all__ = ["LongFunction"]


class LongFunction(Rule):
    """Function or method longer than the limit (default 50 lines, ``--max-function-lines``).

    Why: every function stays under 50 lines, so an orchestrating function
    reads like the steps it runs and each step can be tested alone.  v2.1's
    request pipeline and config loader were single functions of 150+ lines.

    How it counts: from the ``def`` line to the last line of the body,
    inclusive — decorators are not counted; the signature, docstring, blank
    lines and comments inside the body are.  A nested function counts within
    its parent and is also checked on its own.  ``async def`` is checked too.
    """

    code = "TXO401"
    name = "function-too-long"
    summary = "Function or method longer than the configured limit"
    flagged = (
        "def long():\n" + "    x = 1\n" * 50,
        "class C:\n    async def run(self):\n" + "        await step()\n" * 60,
    )
    accepted = (
        "def short():\n" + "    x = 1\n" * 49,
        "@decorator\n@another\ndef exactly_fifty():\n" + "    x = 1\n" * 49,
    )

    def handlers(self) -> Mapping[type[ast.AST], Handler]:
        return {ast.FunctionDef: self._on_def, ast.AsyncFunctionDef: self._on_def}

    def _on_def(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        limit = self.ctx.options.max_function_lines
        length = (node.end_lineno or node.lineno) - node.lineno + 1
        if length > limit:
            kind = (
                "method"
                if self.ctx.scopes and isinstance(self.ctx.scopes[-1], ast.ClassDef)
                else "function"
            )
            self.report(
                node,
                f"{kind} `{node.name}` is {length} lines long (limit {limit}): split it into "
                "steps that each do one thing",
            )
