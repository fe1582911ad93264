"""txo.compat: the v2.1 compatibility layer.

* ``python -m txo.compat SCRIPT.py [ARGS]`` runs an unchanged v2.1 script
  (``from utils.… import …`` is served by :mod:`txo.compat.hook`).
* :mod:`txo.compat.v21` holds one module per v2.1 module; every name warns
  with :class:`TxoV4RemovalWarning` and names its v3 replacement.
* :data:`txo.compat.registry.SHIMS` lists every v2.1 name; it drives the
  warnings, the table in migration/GUIDE.md and the migration checker.

Importing this package is cheap and never configures logging or exits.
"""

from __future__ import annotations

from txo.compat.registry import SHIMS, Shim
from txo.compat.warnings import (
    STRICT_ENV_VAR,
    TxoDeprecationWarning,
    TxoV4RemovalWarning,
)

__all__ = ["SHIMS", "STRICT_ENV_VAR", "Shim", "TxoDeprecationWarning", "TxoV4RemovalWarning"]
