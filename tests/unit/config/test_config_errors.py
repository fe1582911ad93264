"""Config and secrets files: a UTF-8 BOM is accepted; every error names its own file, the
exact problem (line and column for JSON, as a whole sentence) and the fix for that problem."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from txo.config import ConfigLoader
from txo.errors import ConfigError
from txo.paths import ProjectPaths

VALID: dict[str, Any] = {
    "global": {"api-base-url": "https://api.example.com", "api-version": "v2"},
    "script-behavior": {"api-timeouts": {"rest-timeout-seconds": 60}},
}
BOM = b"\xef\xbb\xbf"
SECRET = "s3cr3t-Value-987"


class Sink:
    def __init__(self) -> None:
        self.values: list[str] = []

    def add(self, value: str) -> None:
        self.values.append(value)


def project(tmp_path: Path, main: bytes, secrets: bytes | None = None) -> ProjectPaths:
    folder = tmp_path / "config"
    folder.mkdir()
    (folder / "txo-test-config.json").write_bytes(main)
    if secrets is not None:
        (folder / "txo-test-config-secrets.json").write_bytes(secrets)
    return ProjectPaths(tmp_path)


def encoded(value: Any) -> bytes:
    return json.dumps(value).encode("utf-8")


def load_error(paths: ProjectPaths) -> ConfigError:
    with pytest.raises(ConfigError) as info:
        ConfigLoader(paths).load("txo", "test")
    return info.value


def test_bom_config_and_secrets_load(tmp_path: Path) -> None:
    sink = Sink()
    paths = project(tmp_path, BOM + encoded(VALID), BOM + encoded({"client-secret": SECRET}))
    loaded = ConfigLoader(paths, secrets=sink).load("txo", "test")
    assert loaded.config.require("global", "api-version") == "v2"
    assert loaded.config["_client_secret"] == SECRET and SECRET in sink.values


def test_bad_secrets_file_names_itself_and_shows_a_secrets_example(tmp_path: Path) -> None:
    bad = b'{"client-secret": "' + SECRET.encode() + b'",\n "az-token": }'
    error = load_error(project(tmp_path, encoded(VALID), bad))
    assert "txo-test-config-secrets.json" in error.what_went_wrong
    assert "line 2, column 14" in error.what_went_wrong
    assert error.example is not None and "client-secret" in error.example
    assert "script-behavior" not in error.example  # not the main config's example
    assert SECRET not in str(error)


def test_secrets_file_that_is_not_an_object_shows_a_secrets_example(tmp_path: Path) -> None:
    error = load_error(project(tmp_path, encoded(VALID), b'["a"]'))
    assert "txo-test-config-secrets.json" in error.what_went_wrong
    assert error.example is not None and "client-secret" in error.example


@pytest.mark.parametrize(
    ("text", "where", "problem", "fix"),
    [
        ('{"global": "x', "line 1, column 12", "never closed", "closing double quote"),
        ('{"a": 1,\n "b": 2,\n}', "line 3, column 1", "trailing comma", "Remove the comma"),
        ('{"a": 1\n "b": 2}', "line 2, column 2", "comma is missing", "Add a comma"),
        ("{'a': 1}", "line 1, column 2", "double quotes", "double quotes"),
        ('{"a" 1}', "line 1, column 6", "colon is missing", "colon"),
        ('{"a": [1, 2,]}', "line 1, column 13", "trailing comma", "Remove the comma"),
        ('{"a": 1} {"b": 2}', "line 1, column 10", "more text after", "one top-level"),
        ('{"p": "C:\\data"}', "line 1, column 10", "backslash", "\\\\"),
        ('{"a": "x\ny"}', "line 1, column 9", "line break or tab", "\\n"),
        ('{"a": yes}', "line 1, column 7", "not a JSON value", "true/false/null"),
        ("", "line 1, column 1", "empty", "{"),
        ('{"a": }', "line 1, column 7", "value after a key's colon", "null"),
        ('{"a": [1, 2', "line 1, column 12", "ends before every", "closing } or ]"),
    ],
)
def test_json_errors_are_whole_sentences_with_a_fix_for_that_problem(
    tmp_path: Path, text: str, where: str, problem: str, fix: str
) -> None:
    error = load_error(project(tmp_path, text.encode()))
    assert "txo-test-config.json" in error.what_went_wrong
    assert where in error.what_went_wrong
    assert problem in error.what_went_wrong
    assert fix in error.how_to_fix
    assert not error.what_went_wrong.rstrip(".").endswith((" at", " starting at"))


def test_a_file_that_is_not_utf8_says_so(tmp_path: Path) -> None:
    error = load_error(project(tmp_path, '{"name": "café"}'.encode("cp1252")))
    assert "txo-test-config.json" in error.what_went_wrong
    assert "not UTF-8" in error.what_went_wrong
    assert "UTF-8" in error.how_to_fix and "chmod" not in error.how_to_fix
