"""PEP 562 lazy exports: the one helper behind every package's deferred public names.

A package lists which of its modules holds each public name; that module is imported on
first use, so ``import txo.http`` does not load the OAuth providers and ``txo-migrate check``
does not pay for sub-commands it does not run.  Used by ``txo.http``, ``txo.testing``,
``txo.migrate.scorecard`` and ``txo.migrate.verify``.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from types import MappingProxyType
from typing import Any

__all__ = ["lazy_exports"]


def lazy_exports(package: str, homes: Mapping[str, tuple[str, ...]]) -> Callable[[str], Any]:
    """A module ``__getattr__`` for `package`: `homes` maps a sub-module to the names it holds."""
    where = MappingProxyType({name: module for module, names in homes.items() for name in names})

    def __getattr__(name: str) -> Any:
        if name not in where:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        return getattr(importlib.import_module(f"{package}.{where[name]}"), name)

    return __getattr__
