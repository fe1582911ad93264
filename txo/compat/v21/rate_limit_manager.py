"""v2.1 ``utils.rate_limit_manager`` (deprecated; removed in txo 4.0).

Served as ``utils.rate_limit_manager`` by the compat import hook.  Names are resolved on
access: each access warns (TxoV4RemovalWarning, naming the v3 replacement)
at the caller's line, then returns the shim from
``txo.compat.v21._impl.rate_limit_manager``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from txo.compat._exports import public_names, resolve

if TYPE_CHECKING:
    from txo.compat.v21._impl.rate_limit_manager import (
        EndpointLimits as EndpointLimits,
    )
    from txo.compat.v21._impl.rate_limit_manager import (
        RateLimitManager as RateLimitManager,
    )

__all__ = public_names("rate_limit_manager")


def __getattr__(name: str) -> Any:
    return resolve("rate_limit_manager", name)


def __dir__() -> list[str]:
    return sorted(__all__)
