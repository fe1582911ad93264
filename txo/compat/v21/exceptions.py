"""v2.1 ``utils.exceptions`` (deprecated; removed in txo 4.0).

Served as ``utils.exceptions`` by the compat import hook.  Names are resolved on
access: each access warns (TxoV4RemovalWarning, naming the v3 replacement)
at the caller's line, then returns the shim from
``txo.compat.v21._impl.exceptions``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from txo.compat._exports import public_names, resolve

if TYPE_CHECKING:
    from txo.compat.v21._impl.exceptions import (
        ApiAuthenticationError as ApiAuthenticationError,
    )
    from txo.compat.v21._impl.exceptions import (
        ApiError as ApiError,
    )
    from txo.compat.v21._impl.exceptions import (
        ApiNotFoundError as ApiNotFoundError,
    )
    from txo.compat.v21._impl.exceptions import (
        ApiOperationError as ApiOperationError,
    )
    from txo.compat.v21._impl.exceptions import (
        ApiRateLimitError as ApiRateLimitError,
    )
    from txo.compat.v21._impl.exceptions import (
        ApiTimeoutError as ApiTimeoutError,
    )
    from txo.compat.v21._impl.exceptions import (
        ApiValidationError as ApiValidationError,
    )
    from txo.compat.v21._impl.exceptions import (
        ConfigurationError as ConfigurationError,
    )
    from txo.compat.v21._impl.exceptions import (
        EntityNotFoundError as EntityNotFoundError,
    )
    from txo.compat.v21._impl.exceptions import (
        ErrorContext as ErrorContext,
    )
    from txo.compat.v21._impl.exceptions import (
        FileOperationError as FileOperationError,
    )
    from txo.compat.v21._impl.exceptions import (
        HelpfulError as HelpfulError,
    )
    from txo.compat.v21._impl.exceptions import (
        TxoBaseError as TxoBaseError,
    )
    from txo.compat.v21._impl.exceptions import (
        ValidationError as ValidationError,
    )

__all__ = public_names("exceptions")


def __getattr__(name: str) -> Any:
    return resolve("exceptions", name)


def __dir__() -> list[str]:
    return sorted(__all__)
