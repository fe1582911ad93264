"""Load ``config/{org}-{env}-config.json`` plus its optional secrets file.

Every failure is a :class:`~txo.errors.ConfigError` that names the file,
the key path, the fix and an example; schema validation reports every
violation at once.  Secrets are injected as ``_snake_case`` keys (as v2.1
did) and registered with the secret registry so they never reach a log.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, Protocol, Self

from jsonschema import Draft202012Validator
from jsonschema import ValidationError as JsonSchemaError
from jsonschema.exceptions import SchemaError

from txo.config.proxy import ConfigProxy
from txo.errors import (
    ConfigError,
    ConfigSchemaError,
    InvalidIdError,
    SchemaViolation,
    describe_json_error,
)
from txo.paths import Dir, ProjectPaths

__all__ = [
    "EXAMPLE_SECRETS",
    "SCHEMA_NAME",
    "ConfigLoader",
    "ConfigSchema",
    "LoadedConfig",
    "SecretSink",
    "check_name",
    "config_filenames",
    "read_json_object",
    "secret_key",
    "validate_ids",
]

SCHEMA_NAME = "org-env-config-schema.json"
_SAFE_NAME = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
_EXAMPLE_CONFIG = (
    '{\n  "global": {"api-base-url": "https://api.example.com", "api-version": "v2"},\n'
    '  "script-behavior": {"api-timeouts": {"rest-timeout-seconds": 60}}\n}'
)
EXAMPLE_SECRETS = '{\n  "client-secret": "your-client-secret",\n  "az-token": "your-token"\n}'


class SecretSink(Protocol):
    """Anything that accepts secret values (``txo.log.SecretRegistry``)."""

    def add(self, value: str) -> None: ...


def secret_key(name: str) -> str:
    """The injected config key for a secrets-file key: ``client-secret`` → ``_client_secret``."""
    return "_" + name.replace("-", "_")


def config_filenames(org_id: str, env_type: str) -> tuple[str, str]:
    """The main and secrets file names for an organisation and environment."""
    return f"{org_id}-{env_type}-config.json", f"{org_id}-{env_type}-config-secrets.json"


@dataclass(frozen=True, slots=True)
class LoadedConfig:
    """A validated configuration, where it came from and which keys are secrets."""

    config: ConfigProxy
    main_file: Path
    secrets_file: Path | None
    secret_keys: tuple[str, ...]


class ConfigSchema:
    """A JSON schema with its validator compiled once and reused for every load."""

    def __init__(self, schema: Mapping[str, Any], name: str, *, trusted: bool = False) -> None:
        if not trusted:  # checking a schema costs ~30x a validation; the bundled one is tested
            _check_schema(schema, name)
        self.name = name
        self._validator = Draft202012Validator(schema)

    @classmethod
    def bundled(cls) -> Self:
        """The schema shipped with txo (same shape as v2.1's)."""
        text = resources.files("txo.config").joinpath("schemas", SCHEMA_NAME).read_text("utf-8")
        return cls(json.loads(text), SCHEMA_NAME, trusted=True)

    def violations(self, data: Any) -> list[SchemaViolation]:
        """Every violation, sorted by path; messages never echo string values."""
        found = [_violation(err) for err in self._validator.iter_errors(data)]
        return sorted(found, key=lambda v: (v.path, v.message))

    def validate(self, data: Any, source: str) -> None:
        """Raise ConfigSchemaError listing every violation, if there are any."""
        found = self.violations(data)
        if found:
            raise ConfigSchemaError(source, found, self.name)


def _check_schema(schema: Mapping[str, Any], name: str) -> None:
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError as exc:
        raise ConfigError(
            f"{name} is not a valid JSON schema: {exc.message} (at {'/'.join(map(str, exc.path))})",
            "Correct the schema file, or delete it to use the schema bundled with txo.",
            '{"type": "object", "required": ["global", "script-behavior"]}',
        ) from None


def _violation(err: JsonSchemaError) -> SchemaViolation:
    message = err.message
    if isinstance(err.instance, str):  # the value may be a secret: never echo it
        message = message.replace(repr(err.instance), "the string value")
    path = "$" + "".join(f"[{k}]" if isinstance(k, int) else f".{k}" for k in err.absolute_path)
    return SchemaViolation(path, message)


class ConfigLoader:
    """Loads, validates and secret-injects configuration for one project."""

    def __init__(
        self,
        paths: ProjectPaths,
        *,
        secrets: SecretSink | None = None,
        schema: ConfigSchema | None = None,
    ) -> None:
        self._paths = paths
        self._secrets = secrets
        self._schema = schema

    @property
    def schema(self) -> ConfigSchema:
        """The validator, built on first use and then reused."""
        if self._schema is None:
            self._schema = ConfigSchema.bundled()
        return self._schema

    def load(
        self,
        org_id: str,
        env_type: str,
        *,
        validate: bool = True,
        include_secrets: bool = True,
    ) -> LoadedConfig:
        """Read, validate and inject secrets; raise a ConfigError on any problem."""
        main_name, secrets_name = config_filenames(*validate_ids(org_id, env_type))
        main_file = self._paths.path(Dir.CONFIG, main_name)
        data = read_json_object(main_file, missing_fix=self._missing_config_fix(main_name))
        if validate:
            self.schema.validate(data, str(main_file))
        secrets_file = self._paths.path(Dir.CONFIG, secrets_name)
        present = secrets_file if include_secrets and secrets_file.is_file() else None
        injected = () if present is None else self._inject_secrets(data, present)
        return LoadedConfig(ConfigProxy(data, str(main_file)), main_file, present, injected)

    def _missing_config_fix(self, main_name: str) -> str:
        template = self._paths.path(Dir.CONFIG, "templates/org-env-config_example.json")
        if template.is_file():
            return f"Create config/{main_name}: copy {template} and fill in your values."
        return (
            f"Create config/{main_name} with at least the 'global' and 'script-behavior' "
            "sections (see the example)."
        )

    def _inject_secrets(self, data: dict[str, Any], secrets_file: Path) -> tuple[str, ...]:
        secrets = read_json_object(secrets_file, missing_fix="", example=EXAMPLE_SECRETS)
        keys = []
        for name, value in secrets.items():
            if isinstance(value, dict | list):
                raise ConfigError(
                    f"Secrets must be flat key-value pairs: key '{name}' in {secrets_file} "
                    "holds a nested value.",
                    "Make every value in the secrets file a string (or number).",
                    '{"client-secret": "…", "az-token": "…"}',
                )
            if self._secrets is not None:
                _register_secret(self._secrets, value, _client_id(data))
            key = secret_key(name)
            data[key] = value
            keys.append(key)
        return tuple(keys)


def _register_secret(sink: SecretSink, value: object, client_id: str | None) -> None:
    """Register a secrets-file value: strings and numbers by their text, never booleans.

    With the client id known, a sink that offers ``add_pair`` (``SecretRegistry``)
    also registers the HTTP Basic form ``base64(client_id:secret)`` of the value.
    """
    if isinstance(value, bool) or not isinstance(value, str | int | float):
        return
    add_pair = getattr(sink, "add_pair", None)
    if client_id is not None and callable(add_pair):
        add_pair(client_id, str(value))
    else:
        sink.add(str(value))


def _client_id(data: Mapping[str, Any]) -> str | None:
    """``global.client-id`` when the main file has one."""
    if "global" not in data or not isinstance(data["global"], dict):
        return None
    section = data["global"]
    if "client-id" not in section or not isinstance(section["client-id"], str):
        return None
    return section["client-id"] or None


def read_json_object(
    path: Path, *, missing_fix: str, example: str = _EXAMPLE_CONFIG
) -> dict[str, Any]:
    """Parse a JSON file that must hold an object; helpful errors for every failure.

    A UTF-8 BOM (Windows editors write one) is skipped.  ``example`` is what a
    correct file of this kind looks like (the main config's by default).
    """
    try:
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(
            f"Configuration file not found: {path}",
            missing_fix or f"Create {path.name} in {path.parent}.",
            example,
        ) from None
    except UnicodeDecodeError as exc:
        raise ConfigError(
            f"{path} is not UTF-8 text (byte 0x{exc.object[exc.start]:02x} at offset "
            f"{exc.start} cannot be decoded).",
            "Save the file as UTF-8 (with or without BOM); in Notepad or VS Code choose "
            "the UTF-8 encoding when saving.",
            example,
        ) from None
    except OSError as exc:
        raise ConfigError(
            f"Cannot read {path}: {exc.strerror or exc.__class__.__name__}.",
            "Check that the file is readable by the user running the script.",
            f"chmod u+r {path}",
        ) from None
    return _parse_object(text, path, example)


def _parse_object(text: str, path: Path, example: str) -> dict[str, Any]:
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        problem, fix = describe_json_error(exc)
        raise ConfigError(
            f"Invalid JSON in {path} at line {exc.lineno}, column {exc.colno}: {problem}.",
            fix,
            example,
        ) from None
    if not isinstance(data, dict):
        raise ConfigError(
            f"{path} must hold a JSON object, not a {type(data).__name__}.",
            "Wrap the settings in { … }, as in the example.",
            example,
        )
    return data


def validate_ids(org_id: str, env_type: str) -> tuple[str, str]:
    """Both ids, unchanged; an id that cannot be part of a file name raises InvalidIdError."""
    return _safe(org_id, "org_id"), _safe(env_type, "env_type")


def _safe(value: str, what: str) -> str:
    if not _SAFE_NAME.match(value):
        raise InvalidIdError(
            f"Invalid {what} {value!r}: it becomes part of a file name (the config "
            "file's), so it may not contain '/', '\\' or '..', nor start with '-' or '.'.",
            "Use letters, digits, '-', '_' or '.', starting with a letter or digit.",
            "python my_script.py txo test",
        )
    return value


def check_name(value: str, what: str) -> str:
    """``value`` if it is safe inside a config file name, else a ConfigError (for txo.compat)."""
    return _safe(value, what)
