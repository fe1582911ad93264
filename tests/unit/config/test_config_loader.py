"""Config loading: every failure is a HelpfulError naming file, key path, fix and example."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from txo.config import ConfigLoader, ConfigSchema
from txo.errors import ConfigError, ConfigSchemaError, HelpfulError
from txo.paths import ProjectPaths

VALID: dict[str, Any] = {
    "global": {"api-base-url": "https://api.example.com", "api-version": "v2"},
    "script-behavior": {
        "api-timeouts": {"rest-timeout-seconds": 60},
        "retry-strategy": {"max-retries": 3, "backoff-factor": 2.0},
    },
}


class Sink:
    def __init__(self) -> None:
        self.values: list[str] = []

    def add(self, value: str) -> None:
        self.values.append(value)


def _project(tmp_path: Path, config: Any = VALID, secrets: Any = None) -> ProjectPaths:
    (tmp_path / "config").mkdir()
    if config is not None:
        text = config if isinstance(config, str) else json.dumps(config)
        (tmp_path / "config" / "txo-test-config.json").write_text(text)
    if secrets is not None:
        (tmp_path / "config" / "txo-test-config-secrets.json").write_text(json.dumps(secrets))
    return ProjectPaths(tmp_path)


def test_loads_validates_and_injects_secrets(tmp_path: Path) -> None:
    sink = Sink()
    secrets = {"client-secret": "cs-value-123", "az-token": "tok-value-456"}
    loaded = ConfigLoader(_project(tmp_path, secrets=secrets), secrets=sink).load("txo", "test")
    assert loaded.config.require("global", "api-version") == "v2"
    assert loaded.config["_client_secret"] == "cs-value-123"
    assert loaded.config["_az_token"] == "tok-value-456"
    assert loaded.secret_keys == ("_client_secret", "_az_token")
    assert sink.values == ["cs-value-123", "tok-value-456"]


def test_secrets_file_is_optional(tmp_path: Path) -> None:
    loaded = ConfigLoader(_project(tmp_path)).load("txo", "test")
    assert loaded.secrets_file is None and loaded.secret_keys == ()


def test_missing_file_names_file_fix_and_example(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        ConfigLoader(_project(tmp_path, config=None)).load("txo", "test")
    message = str(info.value)
    assert "txo-test-config.json" in message
    assert "Fix: Create config/txo-test-config.json" in message
    assert '"script-behavior"' in message


def test_bad_json_names_line_and_column(tmp_path: Path) -> None:
    with pytest.raises(ConfigError) as info:
        ConfigLoader(_project(tmp_path, config='{"global": {},\n "x": }')).load("txo", "test")
    assert "line 2, column 7" in str(info.value)
    assert "value after a key's colon is missing" in str(info.value)


def test_top_level_must_be_an_object(tmp_path: Path) -> None:
    with pytest.raises(ConfigError, match="must hold a JSON object, not a list"):
        ConfigLoader(_project(tmp_path, config=[1, 2])).load("txo", "test")


def test_helpful_error_on_schema_missing(tmp_path: Path) -> None:
    """The roadmap's test: a schema violation lists every problem with its JSON path."""
    bad = {
        "global": {"tenant-id": 5},
        "environments": {},
        "script-behavior": {
            "retry-strategy": {"max-retries": 99},
            "api-timeouts": {"rest-timeout-seconds": "sixty", "bogus": 1},
        },
    }
    with pytest.raises(ConfigSchemaError) as info:
        ConfigLoader(_project(tmp_path, config=bad)).load("txo", "test")
    paths = [v.path for v in info.value.violations]
    assert paths == [
        "$",
        "$.global.tenant-id",
        "$.script-behavior.api-timeouts",
        "$.script-behavior.api-timeouts.rest-timeout-seconds",
        "$.script-behavior.retry-strategy.max-retries",
    ]
    message = str(info.value)
    assert "(5 problem(s))" in message and "org-env-config-schema.json" in message
    assert "'environments' was unexpected" in message
    assert "'sixty'" not in message  # string values are never echoed
    assert isinstance(info.value, HelpfulError) and "Example:" in message


def test_required_sections_reported_together(tmp_path: Path) -> None:
    with pytest.raises(ConfigSchemaError) as info:
        ConfigLoader(_project(tmp_path, config={})).load("txo", "test")
    messages = " ".join(v.message for v in info.value.violations)
    assert "'global' is a required property" in messages
    assert "'script-behavior' is a required property" in messages


def test_nested_secret_is_rejected_without_echoing_it(tmp_path: Path) -> None:
    project = _project(tmp_path, secrets={"client-secret": {"nested": "hidden-value-1"}})
    with pytest.raises(ConfigError) as info:
        ConfigLoader(project).load("txo", "test")
    assert "client-secret" in str(info.value)
    assert "hidden-value-1" not in str(info.value)


@pytest.mark.parametrize("org", ["../etc", "a/b", "", "-x"])
def test_unsafe_names_are_rejected(tmp_path: Path, org: str) -> None:
    with pytest.raises(ConfigError, match="becomes part of a file name"):
        ConfigLoader(_project(tmp_path)).load(org, "test")


def test_validator_is_compiled_once_and_reused(tmp_path: Path) -> None:
    loader = ConfigLoader(_project(tmp_path))
    loader.load("txo", "test")
    first = loader._schema  # built and kept by the first load, not by reading .schema
    assert first is not None
    loader.load("txo", "test")
    assert loader.schema is first

    class Recording(ConfigSchema):
        validated = 0

        def validate(self, data: Any, source: str) -> None:
            self.validated += 1
            super().validate(data, source)

    given = Recording.bundled()
    assert isinstance(given, Recording)
    reuser = ConfigLoader(ProjectPaths(tmp_path), schema=given)
    reuser.load("txo", "test")
    reuser.load("txo", "test")
    assert given.validated == 2 and reuser.schema is given


def test_bundled_schema_is_valid_draft_2020_12() -> None:
    """The bundled schema skips check_schema at run time, so it is checked here."""
    from importlib import resources

    from jsonschema import Draft202012Validator

    text = resources.files("txo.config").joinpath("schemas", "org-env-config-schema.json")
    Draft202012Validator.check_schema(json.loads(text.read_text("utf-8")))
    assert ConfigSchema.bundled().violations(VALID) == []


def test_untrusted_schema_is_checked() -> None:
    with pytest.raises(ConfigError) as info:
        ConfigSchema({"type": "no-such-type"}, "custom.json")
    assert "custom.json is not a valid JSON schema" in str(info.value)
    assert "Fix:" in str(info.value)


def test_missing_file_points_at_the_project_template_when_there_is_one(tmp_path: Path) -> None:
    project = _project(tmp_path, config=None)
    template = tmp_path / "config" / "templates" / "org-env-config_example.json"
    template.parent.mkdir()
    template.write_text("{}")
    with pytest.raises(ConfigError) as info:
        ConfigLoader(project).load("txo", "test")
    assert f"copy {template}" in info.value.how_to_fix
