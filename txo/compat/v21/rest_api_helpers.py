"""v2.1 ``utils.rest_api_helpers`` (deprecated; removed in txo 4.0).

Served as ``utils.rest_api_helpers`` by the compat import hook.  Names are resolved on
access: each access warns (TxoV4RemovalWarning, naming the v3 replacement)
at the caller's line, then returns the shim from
``txo.compat.v21._impl.rest_api_helpers``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from txo.compat._exports import public_names, resolve

if TYPE_CHECKING:
    from txo.compat.v21._impl.logger import TxoLogger
    from txo.compat.v21._impl.rest_api_helpers import (
        RestOperationResult as RestOperationResult,
    )
    from txo.compat.v21._impl.rest_api_helpers import (
        SessionManager as SessionManager,
    )
    from txo.compat.v21._impl.rest_api_helpers import (
        TxoRestAPI as TxoRestAPI,
    )
    from txo.compat.v21._impl.rest_api_helpers import (
        retry_rest_call as retry_rest_call,
    )

    logger: TxoLogger

__all__ = public_names("rest_api_helpers")


def __getattr__(name: str) -> Any:
    return resolve("rest_api_helpers", name)


def __dir__() -> list[str]:
    return sorted(__all__)
