"""SHIMS: the one registry of every v2.1 public name and its v3 replacement.

It drives the deprecation warnings, the name-by-name table in
migration/GUIDE.md and the migration checker's deprecated-name rule.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from types import MappingProxyType

__all__ = ["SHIMS", "Shim"]


@dataclass(frozen=True, slots=True)
class Shim:
    """One v2.1 name: what replaces it, the rule code that flags it, when it goes."""

    v21_name: str  # dotted, e.g. "utils.logger.setup_logger"
    replacement: str  # v3 name or short instruction, e.g. "txo.log.setup_logging"
    code: str  # migration rule code, e.g. "TXO501"
    removal: str  # removal version, e.g. "4.0"
    note: str = ""

    @property
    def module(self) -> str:
        return self.v21_name.rpartition(".")[0]

    @property
    def name(self) -> str:
        return self.v21_name.rpartition(".")[2]


def _build(shims: tuple[Shim, ...]) -> Mapping[str, Shim]:
    return MappingProxyType({s.v21_name: s for s in shims})


SHIMS: Mapping[str, Shim] = _build(
    (
        Shim("utils.logger.setup_logger", "txo.log.setup_logging", "TXO501", "4.0"),
        Shim("utils.path_helpers.Dir", "txo.paths.Dir", "TXO501", "4.0"),
        Shim("utils.exceptions.HelpfulError", "txo.errors.HelpfulError", "TXO501", "4.0"),
    )
)
