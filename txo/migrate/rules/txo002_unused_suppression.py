"""TXO002: a suppression comment that suppresses nothing."""

from __future__ import annotations

from txo.migrate.rules.base import Rule

__all__ = ["UnusedSuppression"]


class UnusedSuppression(Rule):
    """Unused ``# txo: ignore[...]`` suppression.

    Why: a suppression outlives the code it excused; left in place it would
    silently hide the next real finding on that line.  Suppressions are also
    counted by the scorecard, so each must earn its place.

    How it decides: after the rules ran, each ``# txo: ignore[CODE, ...]`` whose
    CODE produced no finding on that line is reported, and so is a bare
    ``# txo: ignore`` (which hides every code on its line) that hid nothing,
    and an unknown code.  A code whose rule is not selected in this run is
    never reported as unused.  The comment must be a real comment: the same
    text inside a string is ignored.  The engine emits this finding.
    """

    code = "TXO002"
    name = "unused-suppression"
    summary = "Suppression comment that suppresses nothing"
    level = "warning"
    inspects_tree = False
    flagged = (
        "x = 1  # txo: ignore[TXO101]\n",
        "y = 2  # txo: ignore\n",
        "z = 3  # txo: ignore[TXO999]\n",
        'def f(config):\n    return config.get("a")  # txo: ignore[TXO101, TXO601]\n',
    )
    accepted = (
        'def f(config):\n    return config.get("a")  # txo: ignore[TXO101] optional by design\n',
        'def f(config):\n    return config.get("a")  # txo: ignore\n',
        's = "# txo: ignore[TXO101]"\n',
    )
