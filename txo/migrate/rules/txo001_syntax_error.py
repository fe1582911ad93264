"""TXO001: a file that does not parse."""

from __future__ import annotations

from txo.migrate.rules.base import Rule

__all__ = ["SyntaxErrorRule"]


class SyntaxErrorRule(Rule):
    """The file does not parse (or cannot be read or decoded).

    Why: a file the checker cannot parse cannot be checked; saying so is
    better than skipping it or crashing.  The finding is reported at the
    position Python's parser names.  The engine emits it; the rule has no
    handlers, and it cannot be suppressed with a comment.
    """

    code = "TXO001"
    name = "syntax-error"
    summary = "File does not parse"
    inspects_tree = False
    flagged = ("def broken(:\n    pass\n", "print 'python 2'\n", "x = (1,\n")
    accepted = ("x = 1\n",)
