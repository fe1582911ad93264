"""v2.1 ``utils.api_factory`` (deprecated; removed in txo 4.0).

Served as ``utils.api_factory`` by the compat import hook.  Names are resolved on
access: each access warns (TxoV4RemovalWarning, naming the v3 replacement)
at the caller's line, then returns the shim from
``txo.compat.v21._impl.api_factory``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from txo.compat._exports import public_names, resolve

if TYPE_CHECKING:
    from txo.compat.v21._impl.api_factory import (
        ApiManager as ApiManager,
    )
    from txo.compat.v21._impl.api_factory import (
        clear_api_cache as clear_api_cache,
    )
    from txo.compat.v21._impl.api_factory import (
        create_rest_api as create_rest_api,
    )
    from txo.compat.v21._impl.api_factory import (
        get_batch_config as get_batch_config,
    )
    from txo.compat.v21._impl.logger import TxoLogger

    logger: TxoLogger

__all__ = public_names("api_factory")


def __getattr__(name: str) -> Any:
    return resolve("api_factory", name)


def __dir__() -> list[str]:
    return sorted(__all__)
