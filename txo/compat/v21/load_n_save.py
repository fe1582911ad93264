"""v2.1 ``utils.load_n_save`` (deprecated; removed in txo 4.0).

Served as ``utils.load_n_save`` by the compat import hook.  Names are resolved on
access: each access warns (TxoV4RemovalWarning, naming the v3 replacement)
at the caller's line, then returns the shim from
``txo.compat.v21._impl.load_n_save``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from txo.compat._exports import public_names, resolve

if TYPE_CHECKING:
    from txo.compat.v21._impl.load_n_save import (
        DecimalEncoder as DecimalEncoder,
    )
    from txo.compat.v21._impl.load_n_save import (
        FileFormat as FileFormat,
    )
    from txo.compat.v21._impl.load_n_save import (
        TxoDataHandler as TxoDataHandler,
    )
    from txo.compat.v21._impl.logger import TxoLogger

    logger: TxoLogger

__all__ = public_names("load_n_save")


def __getattr__(name: str) -> Any:
    return resolve("load_n_save", name)


def __dir__() -> list[str]:
    return sorted(__all__)
