"""txo 3.0: hard-failing, secret-safe building blocks for REST/OData automation scripts.

The names below are shortcuts for a script's everyday needs, imported lazily (PEP 562) so
``import txo`` stays cheap: HTTP, schema validation and data codecs load when first used.
Each name's documented home is its sub-package (``txo.http.RestClient``,
``txo.runner.run_script``, ...); ``from txo import X`` gives the very same object.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from txo._lazy import lazy_exports

__version__ = "3.0.0.dev0"

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

__getattr__ = lazy_exports(
    __name__,
    {
        "errors": ("ConfigError", "ErrorContext", "HelpfulError", "MissingConfigError", "TxoError"),
        "config": ("ConfigLoader", "ConfigProxy"),
        "paths": ("Dir", "ProjectPaths"),
        "container": ("Container",),
        "data": ("DataHandler",),
        "log": ("SecretRegistry", "setup_logging"),
        "runner": ("ScriptContext", "run_script"),
        "http": ("RestClient", "create_rest_api"),
    },
)
