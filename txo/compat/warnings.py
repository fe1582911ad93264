"""Deprecation warnings for the v2.1 names (SQLAlchemy 2.0 migration-mode style).

* One warning class per removal version: :class:`TxoV4RemovalWarning` for
  names removed in txo 4.0.  All derive from :class:`TxoDeprecationWarning`
  (a ``DeprecationWarning``), so ``-W error::DeprecationWarning`` works too.
* The message names the v3 replacement, taken from :data:`SHIMS`.
* The warning is attributed to the first frame outside ``txo.compat`` and
  the import machinery: the line of the legacy script, never txo's own.
* Python's warning registry shows each call site once under the
  ``"default"`` action, which the compat runner installs for these classes.
* ``TXO_WARN_V21=error`` in the environment raises the warning instead, so
  CI can prove a migration is finished.
"""

from __future__ import annotations

import os
import sys
import warnings
from collections.abc import Callable, Mapping
from types import FrameType, MappingProxyType
from typing import ClassVar, TypeVar

from txo.compat.registry import SHIMS, Shim

__all__ = [
    "REMOVAL_WARNINGS",
    "STRICT_ENV_VAR",
    "TxoDeprecationWarning",
    "TxoV4RemovalWarning",
    "enable_warnings",
    "message_for",
    "shim_note",
    "shim_of",
    "strict_mode",
    "warn_deprecated",
    "warning_class",
]

STRICT_ENV_VAR = "TXO_WARN_V21"
_INTERNAL_PREFIXES = ("txo.compat", "importlib", "_frozen_importlib")


class TxoDeprecationWarning(DeprecationWarning):
    """Base of txo's removal warnings; never raised itself."""

    removal: ClassVar[str] = ""


class TxoV4RemovalWarning(TxoDeprecationWarning):
    """The name goes away in txo 4.0."""

    removal = "4.0"


REMOVAL_WARNINGS: Mapping[str, type[TxoDeprecationWarning]] = MappingProxyType(
    {TxoV4RemovalWarning.removal: TxoV4RemovalWarning}
)


def warning_class(removal: str) -> type[TxoDeprecationWarning]:
    """The warning class for a removal version (``"4.0"`` → TxoV4RemovalWarning)."""
    return REMOVAL_WARNINGS[removal]


def message_for(shim: Shim) -> str:
    """The warning text: the v2.1 name, its removal version and its replacement."""
    return (
        f"{shim.v21_name} is deprecated and will be removed in txo {shim.removal}; "
        f"use {shim.replacement} instead [{shim.code}]"
    )


_T = TypeVar("_T")


def shim_note(shim: Shim) -> str:
    """The ``__deprecated__`` text of a shim object (PEP 702's attribute), from SHIMS."""
    return f"v2.1 shim: use {shim.replacement} (removed in txo {shim.removal})"


def shim_of(v21_name: str) -> Callable[[_T], _T]:
    """Decorator: mark a compat object as the shim of ``v21_name`` (a SHIMS key).

    Sets ``__deprecated__`` (as ``typing_extensions.deprecated(category=None)``
    would: no runtime warning; the facades warn on access) with the text
    derived from the registry, so a replacement is written in one place.  An
    unknown name fails at import time.
    """
    note = shim_note(SHIMS[v21_name])

    def mark(obj: _T) -> _T:
        setattr(obj, "__deprecated__", note)  # noqa: B010 - the PEP 702 attribute
        return obj

    return mark


def strict_mode(environ: Mapping[str, str] | None = None) -> bool:
    """True when ``TXO_WARN_V21=error`` (case-insensitive) is set."""
    env = os.environ if environ is None else environ
    return STRICT_ENV_VAR in env and env[STRICT_ENV_VAR].strip().lower() == "error"


def warn_deprecated(v21_name: str, *, environ: Mapping[str, str] | None = None) -> None:
    """Warn (or, in strict mode, raise) that ``v21_name`` is deprecated.

    The warning points at the caller's line: the first frame that is not
    part of ``txo.compat`` or the import system.
    """
    shim = SHIMS[v21_name]
    category = warning_class(shim.removal)
    message = message_for(shim)
    if strict_mode(environ):
        raise category(message)
    warnings.warn(message, category, stacklevel=_caller_stacklevel(sys._getframe(1)))


def enable_warnings(environ: Mapping[str, str] | None = None) -> None:
    """Show txo's removal warnings once per call site (errors in strict mode).

    Only txo's own warning classes are affected; other filters stay as they are.
    """
    if strict_mode(environ):
        warnings.filterwarnings("error", category=TxoDeprecationWarning)
    else:
        warnings.filterwarnings("default", category=TxoDeprecationWarning)


def _caller_stacklevel(frame: FrameType | None) -> int:
    """The ``stacklevel`` (relative to ``warn_deprecated``) of the first outside frame."""
    level = 2  # 1 is warn_deprecated itself; ``frame`` is its caller
    while frame is not None and _is_internal(frame):
        frame = frame.f_back
        level += 1
    return level


def _is_internal(frame: FrameType) -> bool:
    if frame.f_code.co_filename.startswith("<frozen importlib"):
        return True
    module = frame.f_globals["__name__"] if "__name__" in frame.f_globals else ""  # noqa: SIM401
    return isinstance(module, str) and (
        module in _INTERNAL_PREFIXES
        or module.startswith(tuple(p + "." for p in _INTERNAL_PREFIXES))
    )
