"""v2.1 ``utils.script_runner`` (deprecated; removed in txo 4.0).

Served as ``utils.script_runner`` by the compat import hook.  Names are resolved on
access: each access warns (TxoV4RemovalWarning, naming the v3 replacement)
at the caller's line, then returns the shim from
``txo.compat.v21._impl.script_runner``.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from txo.compat._exports import public_names, resolve

if TYPE_CHECKING:
    from txo.compat.v21._impl.logger import TxoLogger
    from txo.compat.v21._impl.script_runner import (
        ArgumentDefinition as ArgumentDefinition,
    )
    from txo.compat.v21._impl.script_runner import (
        ScriptRunner as ScriptRunner,
    )
    from txo.compat.v21._impl.script_runner import (
        parse_args_and_load_config as parse_args_and_load_config,
    )
    from txo.compat.v21._impl.script_runner import (
        parse_custom_args_and_load_config as parse_custom_args_and_load_config,
    )

    logger: TxoLogger

__all__ = public_names("script_runner")


def __getattr__(name: str) -> Any:
    return resolve("script_runner", name)


def __dir__() -> list[str]:
    return sorted(__all__)
