"""v2.1 ``utils.validate_tko_compliance`` (deprecated; removed in txo 4.0) (compat import hook).

Its names are SHIMS' names for ``utils.validate_tko_compliance``; each access warns at the
caller's line and returns the shim (see :mod:`txo.compat._exports`).
"""

from __future__ import annotations

from txo.compat._exports import facade

__all__, __getattr__, __dir__ = facade(__name__)
