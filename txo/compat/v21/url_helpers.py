"""v2.1 ``utils.url_helpers`` (deprecated; removed in txo 4.0).

Served as ``utils.url_helpers`` by the compat import hook.  Names are resolved on
access: each access warns (TxoV4RemovalWarning, naming the v3 replacement)
at the caller's line, then returns the shim from
``txo.compat.v21._impl.url_helpers``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from txo.compat._exports import public_names, resolve

if TYPE_CHECKING:
    from txo.compat.v21._impl.logger import TxoLogger
    from txo.compat.v21._impl.url_helpers import (
        URLComponents as URLComponents,
    )
    from txo.compat.v21._impl.url_helpers import (
        add_query_params as add_query_params,
    )
    from txo.compat.v21._impl.url_helpers import (
        build_context_string as build_context_string,
    )
    from txo.compat.v21._impl.url_helpers import (
        build_odata_filter as build_odata_filter,
    )
    from txo.compat.v21._impl.url_helpers import (
        build_query_string as build_query_string,
    )
    from txo.compat.v21._impl.url_helpers import (
        build_url as build_url,
    )
    from txo.compat.v21._impl.url_helpers import (
        extract_path_params as extract_path_params,
    )
    from txo.compat.v21._impl.url_helpers import (
        join_url_paths as join_url_paths,
    )
    from txo.compat.v21._impl.url_helpers import (
        normalize_path as normalize_path,
    )
    from txo.compat.v21._impl.url_helpers import (
        parse_url as parse_url,
    )

    logger: TxoLogger

__all__ = public_names("url_helpers")


def __getattr__(name: str) -> Any:
    return resolve("url_helpers", name)


def __dir__() -> list[str]:
    return sorted(__all__)
