"""v2.1 ``utils`` (deprecated; removed in txo 4.0).

Served as ``utils`` by the compat import hook.  Names are resolved on
access: each access warns (TxoV4RemovalWarning, naming the v3 replacement)
at the caller's line, then returns the shim from
``txo.compat.v21._impl``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from txo.compat._exports import public_names, resolve

if TYPE_CHECKING:
    from txo.compat.v21._impl.api_factory import (
        create_rest_api as create_rest_api,
    )
    from txo.compat.v21._impl.exceptions import (
        ApiOperationError as ApiOperationError,
    )
    from txo.compat.v21._impl.exceptions import (
        HelpfulError as HelpfulError,
    )
    from txo.compat.v21._impl.load_n_save import (
        TxoDataHandler as TxoDataHandler,
    )
    from txo.compat.v21._impl.logger import (
        setup_logger as setup_logger,
    )
    from txo.compat.v21._impl.package import (
        __version__ as __version__,
    )
    from txo.compat.v21._impl.script_runner import (
        parse_args_and_load_config as parse_args_and_load_config,
    )

__all__ = public_names("")


def __getattr__(name: str) -> Any:
    return resolve("", name)


def __dir__() -> list[str]:
    return sorted(__all__)
