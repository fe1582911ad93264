"""v2.1 ``utils.logger`` (deprecated; removed in txo 4.0).

Served as ``utils.logger`` by the compat import hook.  Names are resolved on
access: each access warns (TxoV4RemovalWarning, naming the v3 replacement)
at the caller's line, then returns the shim from
``txo.compat.v21._impl.logger``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from txo.compat._exports import public_names, resolve

if TYPE_CHECKING:
    from txo.compat.v21._impl.logger import (
        ContextFilter as ContextFilter,
    )
    from txo.compat.v21._impl.logger import (
        TokenRedactionFilter as TokenRedactionFilter,
    )
    from txo.compat.v21._impl.logger import (
        TxoLogger as TxoLogger,
    )
    from txo.compat.v21._impl.logger import (
        UTCFormatter as UTCFormatter,
    )
    from txo.compat.v21._impl.logger import (
        setup_logger as setup_logger,
    )

__all__ = public_names("logger")


def __getattr__(name: str) -> Any:
    return resolve("logger", name)


def __dir__() -> list[str]:
    return sorted(__all__)
