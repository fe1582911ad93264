"""Hard-fail configuration: loading, schema validation and read-only access."""

from txo.config.loader import (
    ConfigLoader,
    ConfigSchema,
    LoadedConfig,
    SecretSink,
    config_filenames,
    read_json_object,
    secret_key,
    validate_ids,
)
from txo.config.proxy import ConfigProxy

__all__ = [
    "ConfigLoader",
    "ConfigProxy",
    "ConfigSchema",
    "LoadedConfig",
    "SecretSink",
    "config_filenames",
    "read_json_object",
    "secret_key",
    "validate_ids",
]
