"""Which v2.1 names ``fix`` moves to v3, and which stay on the compat layer.

Policy (TXO501):

* A v2.1 name moves to its v3 replacement only when it is a *drop-in*: the
  ``SHIMS`` registry (read at run time, never copied) gives a replacement
  that is an importable dotted ``txo.*`` name, **and** the name is in the
  explicit allow-list :data:`DROP_INS` below, **and** the file uses it the
  way the allow-list says is safe.  The registry has no drop-in marker of
  its own (its replacements are often instructions such as "ctx.paths.path(...)"),
  so the allow-list is the one place that decides; each entry says why.
* Every other name imported from ``utils`` or ``utils.<module>`` moves to
  ``txo.compat.v21`` / ``txo.compat.v21.<module>`` with the same name: the
  very module the ``utils`` import hook would have served, so behaviour is
  unchanged (the deprecation warnings still name the replacement) and the
  script no longer needs the hook.

Usage kinds:

* ``ANY`` - the v3 object accepts every v2.1 use (same constructor, values
  and ``except`` behaviour), apart from the listed ``forbidden_attributes``.
* ``CATCH`` - exception classes whose constructors differ, but whose compat
  class *subclasses* the v3 class: safe where the name is only caught
  (``except``) or tested (``isinstance``/``issubclass``), so the file keeps
  catching everything the compat layer raises.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from enum import StrEnum
from types import MappingProxyType
from typing import Protocol

__all__ = [
    "COMPAT_PACKAGE",
    "DROP_INS",
    "DropIn",
    "ShimLike",
    "Usage",
    "compat_module",
    "dropin_target",
]

COMPAT_PACKAGE = "txo.compat.v21"
_IMPORTABLE = re.compile(r"^txo(\.[a-z_][a-z0-9_]*)+\.[A-Za-z_][A-Za-z0-9_]*$")


class ShimLike(Protocol):
    """The part of ``txo.compat.registry.Shim`` this module reads."""

    @property
    def replacement(self) -> str: ...


class Usage(StrEnum):
    ANY = "any"
    CATCH = "catch"


@dataclass(frozen=True, slots=True)
class DropIn:
    usage: Usage
    reason: str
    forbidden_attributes: frozenset[str] = frozenset()


_CATCH_REASON = "compat class subclasses the v3 class; constructors differ"
_EXCEPTIONS = (
    "ApiError",
    "ApiOperationError",
    "ApiTimeoutError",
    "ApiRateLimitError",
    "ApiAuthenticationError",
    "ApiNotFoundError",
    "ApiValidationError",
    "EntityNotFoundError",
    "ConfigurationError",
    "ValidationError",
    "FileOperationError",
    "TxoBaseError",
)
_HELPFUL_REASON = (
    "compat HelpfulError subclasses the v3 one, but its str() keeps the v2.1 layout that "
    "scripts print or save: only moving catch sites preserves behaviour"
)

#: v2.1 dotted name -> how it may move to its v3 replacement.
DROP_INS: Mapping[str, DropIn] = MappingProxyType(
    {
        "utils.path_helpers.Dir": DropIn(
            Usage.ANY,
            "members equal the v2.1 strings (StrEnum); Dir.all/Dir.validate do not exist in v3",
            frozenset({"all", "validate"}),
        ),
        "utils.exceptions.HelpfulError": DropIn(Usage.CATCH, _HELPFUL_REASON),
        "utils.HelpfulError": DropIn(Usage.CATCH, _HELPFUL_REASON),
        "utils.ApiOperationError": DropIn(Usage.CATCH, _CATCH_REASON),
        **{f"utils.exceptions.{name}": DropIn(Usage.CATCH, _CATCH_REASON) for name in _EXCEPTIONS},
    }
)


def dropin_target(v21_name: str, shims: Mapping[str, ShimLike]) -> tuple[str, DropIn] | None:
    """(v3 dotted name, allow-list entry) when ``v21_name`` may move to v3, else None."""
    entry = DROP_INS.get(v21_name)
    shim = shims.get(v21_name)
    if entry is None or shim is None or not _IMPORTABLE.match(shim.replacement):
        return None
    return shim.replacement, entry


def compat_module(v21_module: str) -> str:
    """``utils.logger`` -> ``txo.compat.v21.logger``; ``utils`` -> ``txo.compat.v21``."""
    head, _, tail = v21_module.partition(".")
    if head != "utils":
        raise ValueError(f"not a v2.1 module: {v21_module!r}")
    return f"{COMPAT_PACKAGE}.{tail}" if tail else COMPAT_PACKAGE
