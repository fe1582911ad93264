"""v2.1 ``utils.oauth_helpers`` (deprecated; removed in txo 4.0).

Served as ``utils.oauth_helpers`` by the compat import hook.  Names are resolved on
access: each access warns (TxoV4RemovalWarning, naming the v3 replacement)
at the caller's line, then returns the shim from
``txo.compat.v21._impl.oauth_helpers``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from txo.compat._exports import public_names, resolve

if TYPE_CHECKING:
    from txo.compat.v21._impl.logger import TxoLogger
    from txo.compat.v21._impl.oauth_helpers import (
        OAuthClient as OAuthClient,
    )
    from txo.compat.v21._impl.oauth_helpers import (
        TokenCache as TokenCache,
    )
    from txo.compat.v21._impl.oauth_helpers import (
        TokenInfo as TokenInfo,
    )
    from txo.compat.v21._impl.oauth_helpers import (
        clear_token_cache as clear_token_cache,
    )
    from txo.compat.v21._impl.oauth_helpers import (
        get_client_credentials_token as get_client_credentials_token,
    )
    from txo.compat.v21._impl.oauth_helpers import (
        get_oauth_client as get_oauth_client,
    )

    logger: TxoLogger

__all__ = public_names("oauth_helpers")


def __getattr__(name: str) -> Any:
    return resolve("oauth_helpers", name)


def __dir__() -> list[str]:
    return sorted(__all__)
