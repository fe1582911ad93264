"""``txo-migrate fix``: libcst codemods that move v2.1 scripts toward txo 3.0.

Public API (libcst is imported only when a source is actually fixed):

* :func:`add_fix_arguments` / :func:`run_fix` - the CLI sub-command
  (``PATH... [--diff|--write] [--unsafe-fixes] [--select CODES]``; exit 0/1/2);
* :func:`fix_source` - the same pipeline on a string, returning a
  :class:`FixResult` (``new_source``, ``applied``: list of :class:`AppliedFix`).

Codemods (``txo/migrate/fix/codemods/``, one module each): TXO501 (safe)
v2.1 ``utils`` imports to v3 drop-ins or ``txo.compat.v21``; TXO101
(unsafe) soft config ``.get()`` chains to ``[]``; TXO502 (safe) string
directory categories to ``Dir`` members.
"""

from __future__ import annotations

from collections.abc import Sequence

from txo.migrate.fix.model import FIXES, AppliedFix, FixError, FixResult
from txo.migrate.fix.runner import add_fix_arguments, run_fix

__all__ = [
    "FIXES",
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
    from txo.migrate.fix.pipeline import fix_source as run_pipeline

    return run_pipeline(source, unsafe=unsafe, select=select)
