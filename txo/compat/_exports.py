"""The public v2.1 modules are facades built from SHIMS: warn, then hand out the shim.

Each public module under ``txo.compat.v21`` is one line,
``__all__, __getattr__, __dir__ = facade(__name__)``: its names are SHIMS'
names for that module, never module globals, so every access (``from
utils.logger import setup_logger`` or ``utils.logger.setup_logger``) goes
through :func:`resolve`, which emits the deprecation warning at the caller's
line and returns the implementation from ``txo.compat.v21._impl``.  Code
inside the compat layer imports ``_impl`` directly and never warns.  Type
checkers see the facades' names as ``Any`` (module ``__getattr__``).
"""

from __future__ import annotations

from collections.abc import Callable
from importlib import import_module
from types import MappingProxyType
from typing import Any

from txo.compat.registry import SHIMS, names_in, v21_module
from txo.compat.warnings import warn_deprecated

__all__ = ["dotted_name", "facade", "implementation", "public_names", "resolve"]

_PUBLIC = "txo.compat.v21"
_IMPL = "txo.compat.v21._impl"
#: Where the package's own re-exports (``from utils import X``) live.
_PACKAGE_SOURCES = MappingProxyType(
    {
        "__version__": "package",
        "setup_logger": "logger",
        "parse_args_and_load_config": "script_runner",
        "TxoDataHandler": "load_n_save",
        "create_rest_api": "api_factory",
        "HelpfulError": "exceptions",
        "ApiOperationError": "exceptions",
    }
)


def dotted_name(module: str, name: str) -> str:
    """``("logger", "setup_logger")`` → ``"utils.logger.setup_logger"``."""
    return f"{v21_module(module)}.{name}"


def public_names(module: str) -> list[str]:
    """The ``__all__`` of a public v2.1 module."""
    return list(names_in(module))


def implementation(module: str, name: str) -> Any:
    """The object behind a v2.1 name, without a warning (for txo.compat itself)."""
    if name == "logger":  # v2.1: ``logger = setup_logger()`` at module level
        return import_module(f"{_IMPL}.logger").setup_logger()
    if name == "data_handler":  # v2.1 config_loader: ``data_handler = TxoDataHandler()``
        return import_module(f"{_IMPL}.load_n_save").TxoDataHandler()
    source = module if module else _PACKAGE_SOURCES[name]
    return getattr(import_module(f"{_IMPL}.{source}"), name)


def resolve(module: str, name: str) -> Any:
    """Module ``__getattr__``: warn at the caller's line, then return the shim."""
    dotted = dotted_name(module, name)
    if dotted not in SHIMS:
        raise AttributeError(f"module {v21_module(module)!r} has no attribute {name!r}")
    warn_deprecated(dotted)
    return implementation(module, name)


def facade(
    module_name: str,
) -> tuple[list[str], Callable[[str], Any], Callable[[], list[str]]]:
    """``__all__``, ``__getattr__`` and ``__dir__`` of the facade module ``module_name``.

    ``"txo.compat.v21.logger"`` serves ``utils.logger``; ``"txo.compat.v21"`` serves ``utils``.
    """
    module = module_name.removeprefix(_PUBLIC).lstrip(".")
    names = public_names(module)

    def getattr_(name: str) -> Any:
        return resolve(module, name)

    def dir_() -> list[str]:
        return sorted(names)

    return names, getattr_, dir_
