"""v2.1 ``utils.concurrency`` (deprecated; removed in txo 4.0).

Served as ``utils.concurrency`` by the compat import hook.  Names are resolved on
access: each access warns (TxoV4RemovalWarning, naming the v3 replacement)
at the caller's line, then returns the shim from
``txo.compat.v21._impl.concurrency``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from txo.compat._exports import public_names, resolve

if TYPE_CHECKING:
    from txo.compat.v21._impl.concurrency import (
        ProcessingResult as ProcessingResult,
    )
    from txo.compat.v21._impl.concurrency import (
        ProgressTracker as ProgressTracker,
    )
    from txo.compat.v21._impl.concurrency import (
        T as T,
    )
    from txo.compat.v21._impl.concurrency import (
        batch_process as batch_process,
    )
    from txo.compat.v21._impl.concurrency import (
        parallel_aggregate as parallel_aggregate,
    )
    from txo.compat.v21._impl.concurrency import (
        parallel_map as parallel_map,
    )
    from txo.compat.v21._impl.concurrency import (
        rate_limited_parallel as rate_limited_parallel,
    )
    from txo.compat.v21._impl.concurrency import (
        run_parallel as run_parallel,
    )
    from txo.compat.v21._impl.concurrency import (
        run_parallel_environments as run_parallel_environments,
    )
    from txo.compat.v21._impl.concurrency import (
        with_timeout as with_timeout,
    )
    from txo.compat.v21._impl.logger import TxoLogger

    logger: TxoLogger

__all__ = public_names("concurrency")


def __getattr__(name: str) -> Any:
    return resolve("concurrency", name)


def __dir__() -> list[str]:
    return sorted(__all__)
