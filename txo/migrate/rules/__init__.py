"""The rule registry: every rule class, in code order, and code selection.

Codes are stable: a code is never reused for a different check.  ``TXO0xx``
are engine findings (syntax errors, unused suppressions); the hundreds group
the roadmap's principles: 1 configuration, 2 exits, 3 global state,
4 function size, 5 v2.1 API, 6 secrets.
"""

from __future__ import annotations

from collections.abc import Iterable

from txo.migrate.rules.base import FileContext, Rule
from txo.migrate.rules.txo001_syntax_error import SyntaxErrorRule
from txo.migrate.rules.txo002_unused_suppression import UnusedSuppression
from txo.migrate.rules.txo101_config_get import SoftConfigGet
from txo.migrate.rules.txo201_exit import ExitInLibrary
from txo.migrate.rules.txo301_mutable_state import MutableGlobalState
from txo.migrate.rules.txo401_long_function import LongFunction
from txo.migrate.rules.txo501_deprecated_names import DeprecatedName
from txo.migrate.rules.txo502_dir_categories import StringCategory
from txo.migrate.rules.txo601_secret_logging import SecretInOutput

__all__ = [
    "KNOWN_CODES",
    "RULES",
    "SYNTAX_ERROR_CODE",
    "FileContext",
    "Rule",
    "rule_for",
    "select_codes",
]

RULES: tuple[type[Rule], ...] = (
    SyntaxErrorRule,
    UnusedSuppression,
    SoftConfigGet,
    ExitInLibrary,
    MutableGlobalState,
    LongFunction,
    DeprecatedName,
    StringCategory,
    SecretInOutput,
)
KNOWN_CODES = frozenset(rule.code for rule in RULES)
SYNTAX_ERROR_CODE = SyntaxErrorRule.code


def rule_for(code: str) -> type[Rule]:
    """The rule class with this code (KeyError if there is none)."""
    for rule in RULES:
        if rule.code == code.upper():
            return rule
    raise KeyError(code)


def _expand(selectors: Iterable[str]) -> set[str]:
    codes: set[str] = set()
    for raw in selectors:
        selector = raw.strip().upper()
        if not selector:
            continue
        matched = {c for c in KNOWN_CODES if selector == "ALL" or c.startswith(selector)}
        if not matched:
            known = ", ".join(sorted(KNOWN_CODES))
            raise ValueError(f"unknown rule selector {raw!r}; known codes: {known}")
        codes |= matched
    return codes


def select_codes(select: Iterable[str] | None, ignore: Iterable[str] = ()) -> frozenset[str]:
    """Codes enabled by ``--select`` (prefixes; default all) minus ``--ignore`` (prefixes)."""
    chosen = _expand(select) if select is not None else set(KNOWN_CODES)
    return frozenset(chosen - _expand(ignore))
