"""The ``utils`` import alias: ``utils`` and ``utils.X`` resolve to ``txo.compat.v21``.

v2.1 scripts say ``from utils.logger import setup_logger``.  No top-level
``utils`` package is installed; instead :class:`UtilsAliasFinder`, put on
``sys.meta_path`` by the compat runner, serves the compat modules under
their v2.1 names.  The alias and the compat module are the same object, so
state and ``isinstance`` checks agree whichever name a script uses.  Every
other import is left to the normal finders.
"""

from __future__ import annotations

import importlib
import importlib.abc
import importlib.machinery
import sys
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from types import ModuleType

from txo.compat.registry import V21_MODULES

__all__ = [
    "ALIAS",
    "TARGET",
    "UtilsAliasFinder",
    "install_utils_alias",
    "uninstall_utils_alias",
    "utils_alias",
]

ALIAS = "utils"
TARGET = "txo.compat.v21"
_SUBMODULES = frozenset(m for m in V21_MODULES if m)


class _AliasLoader(importlib.abc.Loader):
    """Returns the already-importable compat module instead of creating a new one."""

    def __init__(self, target: str) -> None:
        self.target = target

    def create_module(self, spec: importlib.machinery.ModuleSpec) -> ModuleType:
        return importlib.import_module(self.target)

    def exec_module(self, module: ModuleType) -> None:
        """Nothing to run: the compat module executed when it was imported."""


class UtilsAliasFinder(importlib.abc.MetaPathFinder):
    """Maps ``utils`` and the thirteen ``utils.<module>`` names onto ``txo.compat.v21``."""

    def target_for(self, fullname: str) -> str | None:
        """The compat module that serves ``fullname``, or None if it is not ours."""
        if fullname == ALIAS:
            return TARGET
        head, dot, tail = fullname.partition(".")
        if head == ALIAS and dot and tail in _SUBMODULES:
            return f"{TARGET}.{tail}"
        return None

    def find_spec(
        self,
        fullname: str,
        path: Sequence[str] | None,
        target: ModuleType | None = None,
    ) -> importlib.machinery.ModuleSpec | None:
        module = self.target_for(fullname)
        if module is None:
            return None
        return importlib.machinery.ModuleSpec(
            fullname, _AliasLoader(module), is_package=(module == TARGET)
        )


def install_utils_alias() -> UtilsAliasFinder:
    """Put the alias finder first on ``sys.meta_path`` (idempotent); return it."""
    for finder in sys.meta_path:
        if isinstance(finder, UtilsAliasFinder):
            return finder
    finder = UtilsAliasFinder()
    sys.meta_path.insert(0, finder)
    return finder


def uninstall_utils_alias() -> None:
    """Remove the finder and forget the ``utils`` aliases already imported."""
    sys.meta_path[:] = [f for f in sys.meta_path if not isinstance(f, UtilsAliasFinder)]
    for name in [n for n in sys.modules if n == ALIAS or n.startswith(ALIAS + ".")]:
        if sys.modules[name].__name__.startswith(TARGET):
            del sys.modules[name]


@contextmanager
def utils_alias() -> Iterator[UtilsAliasFinder]:
    """The alias for the duration of a block (used by tests and embedders)."""
    finder = install_utils_alias()
    try:
        yield finder
    finally:
        uninstall_utils_alias()
