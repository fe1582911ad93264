"""txo 3.0: hard-failing, secret-safe building blocks for REST/OData automation scripts.

The public names below are imported lazily (PEP 562) so ``import txo`` stays
cheap: HTTP, schema validation and data codecs load when first used.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING, Any

__version__ = "3.0.0.dev0"

_EXPORTS = {
    "HelpfulError": "txo.errors",
    "TxoError": "txo.errors",
    "ErrorContext": "txo.errors",
    "ConfigError": "txo.errors",
    "MissingConfigError": "txo.errors",
    "ConfigProxy": "txo.config",
    "ConfigLoader": "txo.config",
    "Dir": "txo.paths",
    "ProjectPaths": "txo.paths",
    "Container": "txo.container",
    "DataHandler": "txo.data",
    "SecretRegistry": "txo.log",
    "setup_logging": "txo.log",
    "ScriptContext": "txo.runner",
    "run_script": "txo.runner",
    "RestClient": "txo.http",
    "create_rest_api": "txo.http",
}

__all__ = [
    "ConfigError",
    "ConfigLoader",
    "ConfigProxy",
    "Container",
    "DataHandler",
    "Dir",
    "ErrorContext",
    "HelpfulError",
    "MissingConfigError",
    "ProjectPaths",
    "RestClient",
    "ScriptContext",
    "SecretRegistry",
    "TxoError",
    "__version__",
    "create_rest_api",
    "run_script",
    "setup_logging",
]

if TYPE_CHECKING:
    from txo.config import ConfigLoader, ConfigProxy
    from txo.container import Container
    from txo.data import DataHandler
    from txo.errors import ConfigError, ErrorContext, HelpfulError, MissingConfigError, TxoError
    from txo.http import RestClient, create_rest_api
    from txo.log import SecretRegistry, setup_logging
    from txo.paths import Dir, ProjectPaths
    from txo.runner import ScriptContext, run_script


def __getattr__(name: str) -> Any:
    if name not in _EXPORTS:
        raise AttributeError(f"module 'txo' has no attribute {name!r}")
    return getattr(import_module(_EXPORTS[name]), name)
