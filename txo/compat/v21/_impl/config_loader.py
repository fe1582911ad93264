"""v2.1 ``utils.config_loader`` over :class:`txo.config.ConfigLoader`.

The v3 loader reads, validates (against the project's
``schemas/org-env-config-schema.json`` as v2.1 did, or txo's bundled copy
of the same schema when the project has none) and injects secrets as
``_snake_case`` keys, registering every secret for redaction.  This module
keeps v2.1's messages and return type (a mutable ``dict``).

* Bug 2 fixed: a missing secrets file means no secrets (2.1.0 behaviour),
  not a fatal error.
* Bug 3 fixed: ``get_config_loader(use_cache=True)`` and ``ConfigContext()``
  work; loaders are cached per ``{org}_{env}``.
* A schema violation logs v2.1's three ERROR lines and raises a
  :class:`SchemaValidationError`, both v2.1's HelpfulError (the script
  boundary still exits 1) and v3.1's ValidationError (3.1 scripts catch it);
  library code never exits.
"""

from __future__ import annotations

import json
import logging
import threading
from typing import Any

from txo import config as v3config
from txo import errors as v3
from txo.compat.runtime import current
from txo.compat.v21._impl._util import v21_default
from txo.compat.v21._impl.exceptions import (
    ConfigurationError,
    FileOperationError,
    HelpfulError,
    ValidationError,
)
from txo.compat.v21._impl.path_helpers import v3_paths
from txo.compat.warnings import shim_of
from txo.config.loader import check_name

__all__ = ["ConfigContext", "ConfigLoader", "get_config_loader"]

SCHEMA_FILE = "org-env-config-schema.json"
_log = logging.getLogger("TxoApp")


def _schema(schema_filename: str) -> v3config.ConfigSchema:
    """The project's schema file (as v2.1), else txo's bundled copy (logged)."""
    path = v3_paths().path("schemas", schema_filename)
    if not path.is_file():
        _log.warning("Schema %s not found; validating with txo's bundled schema", path)
        return v3config.ConfigSchema.bundled()
    return v3config.ConfigSchema(json.loads(path.read_text(encoding="utf-8")), schema_filename)


class SchemaValidationError(HelpfulError, ValidationError):
    """A schema violation: v2.1's HelpfulError and 3.1's ValidationError at once.

    ``except HelpfulError`` (v2.1 scripts, the script boundary) and ``except
    ValidationError`` (3.1 scripts) both catch it.  ``str()`` follows the compat
    target: v2.1's Problem/Solution block, or 3.1's one-line message.
    """

    def __init__(
        self,
        what_went_wrong: str,
        how_to_fix: str,
        example: str,
        *,
        field: str,
        v31_message: str,
    ) -> None:
        HelpfulError.__init__(self, what_went_wrong, how_to_fix, example)
        self.field, self.value = field, None
        if current().target == "3.1":
            self.args = (v31_message,)


_SECRETS_EXAMPLE = '{"client-secret": "…", "az-token": "…"}'


class NestedSecretError(ConfigurationError, ValueError):
    """A nested value in the secrets file (a ValueError, as v2.1 raised)."""


def _helpful(
    error: ConfigurationError, how_to_fix: str, example: str | None = _SECRETS_EXAMPLE
) -> ConfigurationError:
    """``error`` with the exact fix and example for its problem (not the generic schema hint)."""
    error.how_to_fix, error.example = how_to_fix, example
    return error


def _where(json_path: str) -> str:
    """``$.script-behavior.api-timeouts`` → ``script-behavior > api-timeouts`` (``root``)."""
    parts = [p for p in json_path.lstrip("$").split(".") if p]
    return " > ".join(parts) if parts else "root"


@shim_of("utils.config_loader.ConfigLoader")
class ConfigLoader:
    """Loads ``config/{org}-{env}-config.json`` (+ secrets) for one org and environment."""

    __slots__ = ("_config", "_lock", "_secrets", "env_type", "org_id")

    def __init__(self, org_id: str, env_type: str) -> None:
        self.org_id = org_id
        self.env_type = env_type
        self._config: dict[str, Any] | None = None
        self._secrets: dict[str, Any] | None = None
        self._lock = threading.RLock()

    @property
    def config_filename(self) -> str:
        """``{org}-{env}-config.json``; a ConfigError for ids that would leave config/."""
        return v3config.config_filenames(*self._ids())[0]

    @property
    def secrets_filename(self) -> str:
        return v3config.config_filenames(*self._ids())[1]

    def _ids(self) -> tuple[str, str]:
        return check_name(self.org_id, "org_id"), check_name(self.env_type, "env_type")

    def _load_secrets(self) -> dict[str, Any]:
        """The flat secrets object, or ``{}`` when there is no secrets file (2.1.0)."""
        path = v3_paths().path("config", self.secrets_filename)
        if not path.is_file():
            _log.debug("No secrets file %s; continuing without secrets", path.name)
            return {}
        try:
            secrets = v3config.read_json_object(path, missing_fix="")
        except v3.ConfigError as exc:
            raise _helpful(ConfigurationError(exc.what_went_wrong), exc.how_to_fix) from exc
        for key, value in secrets.items():
            if isinstance(value, dict | list):
                raise _helpful(
                    NestedSecretError(
                        f"Secrets must be flat key-value pairs. Found complex value at key "
                        f"'{key}' in config/{self.secrets_filename}"
                    ),
                    f"Make '{key}' a string (or number) in config/{self.secrets_filename}.",
                )
            if isinstance(value, str):
                current().secrets.add(value)
        return secrets

    @staticmethod
    def _inject_secrets(config: dict[str, Any], secrets: dict[str, Any]) -> None:
        for key, value in secrets.items():
            config[v3config.secret_key(key)] = value

    def validate_schema(self, data: Any, schema_filename: str) -> None:
        """Log v2.1's three ERROR lines and raise a HelpfulError on the first violation."""
        found = _schema(schema_filename).violations(data)
        if not found:
            return
        first = found[0]
        _log.error(
            "❌ CRITICAL: Schema validation failed for %s-%s: Error at '%s' - %s",
            self.org_id, self.env_type, _where(first.path), first.message,
        )  # fmt: skip
        _log.error("Configuration file: config/%s", self.config_filename)
        _log.error("Schema file: schemas/%s (%d problem(s) in total)", schema_filename, len(found))
        raise SchemaValidationError(
            f"Schema validation failed for {self.org_id}-{self.env_type}: "
            f"Error at '{_where(first.path)}' - {first.message}",
            f"Fix config/{self.config_filename} to match schemas/{schema_filename}.",
            '{"global": {...}, "script-behavior": {...}}',
            field=_where(first.path),
            v31_message=f"Schema validation failed at '{_where(first.path)}': {first.message}",
        )

    def load_config(
        self, validate: bool = True, include_secrets: bool = True, force_reload: bool = False
    ) -> dict[str, Any]:
        """The configuration dict (cached unless ``force_reload``), secrets injected."""
        with self._lock:
            if self._config is not None and not force_reload:
                return self._config
            try:
                config = self._read_main()
                if validate:
                    self.validate_schema(config, SCHEMA_FILE)
                if include_secrets:
                    self._secrets = self._load_secrets()
                    self._inject_secrets(config, self._secrets)
            except v3.HelpfulError:
                raise
            except Exception as exc:
                _log.error("Unexpected error loading config: %s", exc)
                raise
            self._config = config
            return config

    def _read_main(self) -> dict[str, Any]:
        path = v3_paths().path("config", self.config_filename)
        if not path.is_file():
            _log.error("Unexpected error loading config: JSON file not found: %s", path.name)
            raise FileOperationError(
                f"JSON file not found: {path.name}", file_path=str(path), operation="load"
            )
        try:
            return v3config.read_json_object(path, missing_fix="")
        except v3.ConfigError as exc:
            _log.error("Unexpected error loading config: %s", exc.what_went_wrong)
            error = _helpful(ConfigurationError(exc.what_went_wrong), exc.how_to_fix, exc.example)
            raise error from exc

    def get_config_value(self, key: str, default: Any = None) -> Any:
        """A top-level value, or ``default`` (v2.1's documented signature)."""
        return v21_default(self.load_config(), key, default)

    def get_secret(self, key: str, default: Any = None) -> Any:
        """A secret by its raw (kebab-case) key, or ``default``."""
        if self._secrets is None:
            self._secrets = self._load_secrets()
        return v21_default(self._secrets, key, default)

    def clear_cache(self) -> None:
        with self._lock:
            self._config = None
            self._secrets = None

    def reload(self, validate: bool = True, include_secrets: bool = True) -> dict[str, Any]:
        self.clear_cache()
        return self.load_config(validate=validate, include_secrets=include_secrets)

    def __repr__(self) -> str:
        return f"ConfigLoader(org_id='{self.org_id}', env_type='{self.env_type}')"


@shim_of("utils.config_loader.get_config_loader")
def get_config_loader(org_id: str, env_type: str, use_cache: bool = True) -> ConfigLoader:
    """A loader; with ``use_cache`` the same one per ``{org}_{env}`` (bug 3 fixed)."""
    if not use_cache:
        return ConfigLoader(org_id, env_type)
    cache = current().loader_cache
    with cache.lock:
        key = f"{org_id}_{env_type}"
        if key not in cache.items:
            cache.items[key] = ConfigLoader(org_id, env_type)
        loader: ConfigLoader = cache.items[key]
        return loader


@shim_of("utils.config_loader.ConfigContext")
class ConfigContext:
    """``with ConfigContext(org, env) as config:`` — the loaded config dict."""

    def __init__(
        self,
        org_id: str,
        env_type: str,
        validate: bool = True,
        include_secrets: bool = True,
        use_cache: bool = True,
    ) -> None:
        self.loader = get_config_loader(org_id, env_type, use_cache=use_cache)
        self.validate = validate
        self.include_secrets = include_secrets
        self.config: dict[str, Any] | None = None

    def __enter__(self) -> dict[str, Any]:
        self.config = self.loader.load_config(self.validate, self.include_secrets)
        return self.config

    def __exit__(self, *_exc: object) -> None:
        """Nothing to release (as v2.1)."""
