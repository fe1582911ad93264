"""Small helpers shared by the compat implementation modules."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

__all__ = ["v21_default"]


def v21_default(mapping: Mapping[str, Any] | None, key: str, default: Any) -> Any:
    """``mapping[key]``, or ``default`` where v2.1's own signature documents one.

    Only for v2.1 APIs whose documented behaviour is a default (jitter
    factors, ``get_config_value(key, default)``); never for v3 configuration.
    """
    if not mapping or key not in mapping:
        return default
    return mapping[key]
