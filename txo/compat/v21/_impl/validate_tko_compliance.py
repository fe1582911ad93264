"""v3.1's ``utils.validate_tko_compliance`` (a pattern-checking CLI) under txo.

Decision: txo ships no copy of the 3.1 pattern validator.  ``txo-migrate
check`` is its successor (it checks the same habits and more, with rule
codes and fixes), so running the 3.1 CLI under compat delegates to it with a
deprecation warning saying so; ``TkoComplianceValidator`` was an internal
class of that CLI, so importing it raises an ImportError naming the
replacement instead of returning a look-alike with different findings.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence

from txo.compat.warnings import shim_of

__all__ = ["main"]  # TkoComplianceValidator: ImportError, see __getattr__

REPLACEMENT = "txo-migrate check"


@shim_of("utils.validate_tko_compliance.main")
def main(argv: Sequence[str] | None = None) -> int:
    """``txo-migrate check [paths]`` (default: the current folder); returns its exit code."""
    from txo.migrate.cli import main as migrate_main

    paths = list(sys.argv[1:] if argv is None else argv) or ["."]
    print(
        "utils.validate_tko_compliance is replaced by `txo-migrate check`; running: "
        f"txo-migrate check {' '.join(paths)}",
        file=sys.stderr,
    )
    return migrate_main(["check", *paths])


def __getattr__(name: str) -> object:
    if name == "TkoComplianceValidator":
        raise ImportError(
            "utils.validate_tko_compliance.TkoComplianceValidator (template v3.1) is not "
            f"provided by txo.compat: use `{REPLACEMENT}` (or txo.migrate's check API) instead.",
            name=name,
        )
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
