"""v2.1 ``utils.api_common`` (deprecated; removed in txo 4.0).

Served as ``utils.api_common`` by the compat import hook.  Names are resolved on
access: each access warns (TxoV4RemovalWarning, naming the v3 replacement)
at the caller's line, then returns the shim from
``txo.compat.v21._impl.api_common``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from txo.compat._exports import public_names, resolve

if TYPE_CHECKING:
    from txo.compat.v21._impl.api_common import (
        APIMetrics as APIMetrics,
    )
    from txo.compat.v21._impl.api_common import (
        CircuitBreaker as CircuitBreaker,
    )
    from txo.compat.v21._impl.api_common import (
        RateLimiter as RateLimiter,
    )
    from txo.compat.v21._impl.api_common import (
        apply_jitter as apply_jitter,
    )
    from txo.compat.v21._impl.api_common import (
        manual_retry as manual_retry,
    )
    from txo.compat.v21._impl.logger import TxoLogger

    logger: TxoLogger

__all__ = public_names("api_common")


def __getattr__(name: str) -> Any:
    return resolve("api_common", name)


def __dir__() -> list[str]:
    return sorted(__all__)
