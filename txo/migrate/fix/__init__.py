"""``txo-migrate fix``: apply the fixes rules attach to their findings.

Public API (libcst is imported only when a rule renders a fix with it):

* :func:`add_fix_arguments` / :func:`run_fix` - the CLI sub-command
  (``PATH... [--diff|--write] [--unsafe-fixes] [--select CODES] [--exit-zero]``);
* :func:`fix_source` - the same on a string, returning a :class:`FixResult`
  (``new_source``, ``applied``: list of :class:`AppliedFix`, ``remaining`` findings).

Which rules can fix, and how, is declared on the rules themselves
(``Rule.fixable``; ``txo-migrate rule`` lists them).
"""

from __future__ import annotations

from collections.abc import Sequence

from txo.migrate.fix.model import AppliedFix, FixError, FixResult
from txo.migrate.fix.runner import add_fix_arguments, run_fix

__all__ = [
    "AppliedFix",
    "FixError",
    "FixResult",
    "add_fix_arguments",
    "fix_source",
    "run_fix",
]


def fix_source(source: str, *, unsafe: bool, select: Sequence[str] | None = None) -> FixResult:
    """Fix one module's source; unsafe fixes only with ``unsafe=True``; ``select`` = code prefixes.

    Raises :class:`FixError` when ``source`` does not parse.
    """
    from txo.migrate.fix.loop import fix_source as run_loop

    return run_loop(source, unsafe=unsafe, select=select)
