"""What a user of the config loader sees: exact problem/fix/example texts, file names,
which inputs are refused, how secrets are injected and registered, and schema errors."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from txo.config import ConfigLoader, ConfigSchema
from txo.config.loader import EXAMPLE_SECRETS, check_name
from txo.errors import ConfigError, ConfigSchemaError, InvalidIdError
from txo.paths import ProjectPaths

VALID: dict[str, Any] = {
    "global": {"api-base-url": "https://api.example.com", "client-id": "app-id-1"},
    "script-behavior": {"api-timeouts": {"rest-timeout-seconds": 60}},
}
NAME_FIX = "Use letters, digits, '-', '_' or '.', starting with a letter or digit."


class Sink:
    """A secret registry without ``add_pair``: every value arrives through ``add``."""

    def __init__(self) -> None:
        self.values: list[str] = []

    def add(self, value: str) -> None:
        self.values.append(value)


class PairSink(Sink):
    """A secret registry that also registers the Basic-auth form of client id and secret."""

    def __init__(self) -> None:
        super().__init__()
        self.pairs: list[tuple[str, str]] = []

    def add_pair(self, client_id: str, secret: str) -> None:
        self.pairs.append((client_id, secret))


def project(tmp_path: Path, config: Any = VALID, secrets: Any = None) -> ProjectPaths:
    (tmp_path / "config").mkdir()
    if config is not None:
        text = config if isinstance(config, str) else json.dumps(config)
        (tmp_path / "config" / "txo-test-config.json").write_text(text, encoding="utf-8")
    if secrets is not None:
        text = secrets if isinstance(secrets, str) else json.dumps(secrets)
        (tmp_path / "config" / "txo-test-config-secrets.json").write_text(text, encoding="utf-8")
    return ProjectPaths(tmp_path)


def main_file(tmp_path: Path) -> Path:
    return ProjectPaths(tmp_path).path("config", "txo-test-config.json")


def secrets_file(tmp_path: Path) -> Path:
    return ProjectPaths(tmp_path).path("config", "txo-test-config-secrets.json")


def load_error(paths: ProjectPaths, org: str = "txo", env: str = "test") -> ConfigError:
    with pytest.raises(ConfigError) as info:
        ConfigLoader(paths).load(org, env)
    return info.value


# --- ids that become part of a file name -------------------------------------


def test_a_bad_org_id_is_named_as_org_id_with_fix_and_example(tmp_path: Path) -> None:
    error = load_error(project(tmp_path), org="../etc")
    assert isinstance(error, InvalidIdError)
    assert error.what_went_wrong == (
        "Invalid org_id '../etc': it becomes part of a file name (the config file's), "
        "so it may not contain '/', '\\' or '..', nor start with '-' or '.'."
    )
    assert error.how_to_fix == NAME_FIX
    assert error.example == "python my_script.py txo test"


def test_a_bad_env_is_named_as_env_type(tmp_path: Path) -> None:
    error = load_error(project(tmp_path), env=".hidden")
    assert isinstance(error, InvalidIdError)
    assert error.what_went_wrong.startswith("Invalid env_type '.hidden'")
    assert error.how_to_fix == NAME_FIX
    assert error.example == "python my_script.py txo test"


def test_check_name_returns_a_safe_name_and_names_what_it_checked() -> None:
    assert check_name("txo-2.prod_x", "org") == "txo-2.prod_x"
    with pytest.raises(ConfigError) as info:
        check_name("a/b", "organisation")
    assert info.value.what_went_wrong.startswith("Invalid organisation 'a/b'")
    assert info.value.how_to_fix == NAME_FIX


# --- reading the files ---------------------------------------------------------


def test_a_missing_config_without_template_says_which_sections_it_needs(
    tmp_path: Path,
) -> None:
    error = load_error(project(tmp_path, config=None))
    assert error.what_went_wrong == f"Configuration file not found: {main_file(tmp_path)}"
    assert error.how_to_fix == (
        "Create config/txo-test-config.json with at least the 'global' and "
        "'script-behavior' sections (see the example)."
    )
    assert error.example is not None
    ConfigSchema.bundled().validate(json.loads(error.example), "the example")


def test_a_config_path_that_cannot_be_read_suggests_chmod(tmp_path: Path) -> None:
    paths = project(tmp_path, config=None)
    main_file(tmp_path).mkdir()  # a directory where the file should be: an OSError
    error = load_error(paths)
    assert error.what_went_wrong == f"Cannot read {main_file(tmp_path)}: Is a directory."
    assert error.how_to_fix == "Check that the file is readable by the user running the script."
    assert error.example == f"chmod u+r {main_file(tmp_path)}"


def test_a_config_that_is_not_utf8_says_which_byte_and_how_to_save_it(tmp_path: Path) -> None:
    paths = project(tmp_path, config=None)
    main_file(tmp_path).write_bytes('{"name": "café"}'.encode("cp1252"))
    error = load_error(paths)
    assert error.what_went_wrong == (
        f"{main_file(tmp_path)} is not UTF-8 text (byte 0xe9 at offset 13 cannot be decoded)."
    )
    assert error.how_to_fix == (
        "Save the file as UTF-8 (with or without BOM); in Notepad or VS Code choose "
        "the UTF-8 encoding when saving."
    )
    assert error.example is not None and '"script-behavior"' in error.example


def test_invalid_json_in_the_config_shows_a_valid_config_example(tmp_path: Path) -> None:
    error = load_error(project(tmp_path, config='{"global": {},}'))
    assert error.what_went_wrong.startswith(f"Invalid JSON in {main_file(tmp_path)} at line 1")
    assert error.how_to_fix
    assert error.example is not None
    ConfigSchema.bundled().validate(json.loads(error.example), "the example")


def test_a_config_that_is_not_an_object_says_to_wrap_it(tmp_path: Path) -> None:
    error = load_error(project(tmp_path, config="[1, 2]"))
    assert error.what_went_wrong == f"{main_file(tmp_path)} must hold a JSON object, not a list."
    assert error.how_to_fix == "Wrap the settings in { … }, as in the example."
    assert error.example is not None and '"script-behavior"' in error.example


def test_invalid_json_in_the_secrets_file_shows_a_secrets_example(tmp_path: Path) -> None:
    error = load_error(project(tmp_path, secrets='{"client-secret": }'))
    assert str(secrets_file(tmp_path)) in error.what_went_wrong
    assert error.example == EXAMPLE_SECRETS


def test_a_byte_order_mark_is_skipped_in_config_and_secrets(tmp_path: Path) -> None:
    paths = project(tmp_path, config=None)
    main_file(tmp_path).write_bytes(b"\xef\xbb\xbf" + json.dumps(VALID).encode())
    secrets_file(tmp_path).write_bytes(b"\xef\xbb\xbf" + b'{"client-secret": "s-1"}')
    loaded = ConfigLoader(paths).load("txo", "test")
    assert loaded.config.require("global", "client-id") == "app-id-1"
    assert loaded.config["_client_secret"] == "s-1"


# --- what a successful load reports --------------------------------------------


def test_a_load_reports_the_files_it_read(tmp_path: Path) -> None:
    loaded = ConfigLoader(project(tmp_path, secrets={"az-token": "t-1"})).load("txo", "test")
    assert loaded.main_file == main_file(tmp_path)
    assert loaded.secrets_file == secrets_file(tmp_path)
    assert loaded.config.source == str(main_file(tmp_path))
    assert loaded.secret_keys == ("_az_token",)


def test_secrets_can_be_left_out(tmp_path: Path) -> None:
    paths = project(tmp_path, secrets={"az-token": "t-1"})
    loaded = ConfigLoader(paths).load("txo", "test", include_secrets=False)
    assert loaded.secrets_file is None and loaded.secret_keys == ()
    assert "_az_token" not in loaded.config


def test_validation_can_be_skipped(tmp_path: Path) -> None:
    loaded = ConfigLoader(project(tmp_path, config={"anything": 1})).load(
        "txo", "test", validate=False
    )
    assert loaded.config.require("anything") == 1


# --- secrets -------------------------------------------------------------------


def test_a_nested_secret_error_has_the_exact_fix_and_example(tmp_path: Path) -> None:
    error = load_error(project(tmp_path, secrets={"client-secret": ["hidden-1"]}))
    assert error.what_went_wrong == (
        f"Secrets must be flat key-value pairs: key 'client-secret' in "
        f"{secrets_file(tmp_path)} holds a nested value."
    )
    assert error.how_to_fix == "Make every value in the secrets file a string (or number)."
    assert error.example == '{"client-secret": "…", "az-token": "…"}'
    assert "hidden-1" not in str(error)


def test_secret_values_are_registered_by_text_but_booleans_are_not(tmp_path: Path) -> None:
    sink = Sink()
    config = {**VALID, "global": {"api-base-url": "https://api.example.com"}}
    secrets = {"client-secret": "s-1", "pin": 1234, "flag": True}
    loaded = ConfigLoader(project(tmp_path, config, secrets), secrets=sink).load("txo", "test")
    assert sink.values == ["s-1", "1234"]
    assert loaded.config["_pin"] == 1234 and loaded.config["_flag"] is True


def test_with_a_client_id_the_secret_is_registered_as_a_pair(tmp_path: Path) -> None:
    sink = PairSink()
    loaded = ConfigLoader(project(tmp_path, secrets={"client-secret": "s-1"}), secrets=sink)
    loaded.load("txo", "test")
    assert sink.pairs == [("app-id-1", "s-1")]
    assert sink.values == []


def test_an_empty_client_id_registers_the_secret_alone(tmp_path: Path) -> None:
    sink = PairSink()
    config = {**VALID, "global": {"client-id": ""}}
    ConfigLoader(project(tmp_path, config, {"client-secret": "s-1"}), secrets=sink).load(
        "txo", "test"
    )
    assert sink.pairs == [] and sink.values == ["s-1"]


def test_without_a_global_section_the_secret_is_registered_alone(tmp_path: Path) -> None:
    sink = PairSink()
    paths = project(tmp_path, {"script-behavior": {}}, {"client-secret": "s-1"})
    ConfigLoader(paths, secrets=sink).load("txo", "test", validate=False)
    assert sink.pairs == [] and sink.values == ["s-1"]


# --- schema errors ---------------------------------------------------------------


def test_a_schema_error_names_the_config_file(tmp_path: Path) -> None:
    bad = {**VALID, "script-behavior": {"api-timeouts": {"rest-timeout-seconds": "sixty"}}}
    with pytest.raises(ConfigSchemaError) as info:
        ConfigLoader(project(tmp_path, bad)).load("txo", "test")
    assert info.value.source == str(main_file(tmp_path))
    assert info.value.what_went_wrong.startswith(f"{main_file(tmp_path)} does not match")
    [violation] = info.value.violations
    assert violation.path == "$.script-behavior.api-timeouts.rest-timeout-seconds"
    assert violation.message == "the string value is not of type 'integer'"


def test_list_items_are_shown_with_their_index() -> None:
    schema = ConfigSchema(
        {"type": "object", "properties": {"hosts": {"type": "array", "items": {"type": "string"}}}},
        "hosts.json",
    )
    [violation] = schema.violations({"hosts": ["a", 5]})
    assert violation.path == "$.hosts[1]"
    assert violation.message == "5 is not of type 'string'"


def test_a_valid_project_schema_is_accepted_and_used() -> None:
    schema = ConfigSchema({"type": "object", "required": ["global"]}, "mine.json")
    assert schema.name == "mine.json"
    schema.validate({"global": {}}, "cfg.json")
    with pytest.raises(ConfigSchemaError) as info:
        schema.validate({}, "cfg.json")
    assert info.value.source == "cfg.json"
    assert "mine.json" in info.value.what_went_wrong


def test_an_invalid_schema_says_where_with_fix_and_a_usable_example() -> None:
    with pytest.raises(ConfigError) as info:
        ConfigSchema({"properties": {"global": {"type": "nope"}}}, "mine.json")
    error = info.value
    assert error.what_went_wrong.startswith("mine.json is not a valid JSON schema: ")
    assert error.what_went_wrong.endswith("(at properties/global/type)")
    assert error.how_to_fix == (
        "Correct the schema file, or delete it to use the schema bundled with txo."
    )
    assert error.example == '{"type": "object", "required": ["global", "script-behavior"]}'
    ConfigSchema(json.loads(error.example), "example.json")
