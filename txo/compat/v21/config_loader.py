"""v2.1 ``utils.config_loader`` (deprecated; removed in txo 4.0).

Served as ``utils.config_loader`` by the compat import hook.  Names are resolved on
access: each access warns (TxoV4RemovalWarning, naming the v3 replacement)
at the caller's line, then returns the shim from
``txo.compat.v21._impl.config_loader``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from txo.compat._exports import public_names, resolve

if TYPE_CHECKING:
    from txo.compat.v21._impl.config_loader import (
        ConfigContext as ConfigContext,
    )
    from txo.compat.v21._impl.config_loader import (
        ConfigLoader as ConfigLoader,
    )
    from txo.compat.v21._impl.config_loader import (
        get_config_loader as get_config_loader,
    )
    from txo.compat.v21._impl.logger import TxoLogger

    logger: TxoLogger
    from txo.compat.v21._impl.load_n_save import TxoDataHandler

    data_handler: TxoDataHandler

__all__ = public_names("config_loader")


def __getattr__(name: str) -> Any:
    return resolve("config_loader", name)


def __dir__() -> list[str]:
    return sorted(__all__)
