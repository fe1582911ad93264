"""The published expectations.json schema accepts the hand-written corpus and rejects typos."""

from __future__ import annotations

import json
from importlib import resources
from pathlib import Path
from typing import Any

import jsonschema
import pytest

CORPUS = Path(__file__).resolve().parents[3] / "migration" / "legacy" / "expectations.json"


def _schema() -> Any:
    text = resources.files("txo.migrate.verify").joinpath("expectations.schema.json").read_text()
    return json.loads(text)


def _errors(data: Any) -> list[str]:
    validator = jsonschema.Draft202012Validator(_schema())
    return [e.message for e in validator.iter_errors(data)]


def test_schema_is_valid_and_ships_with_the_package() -> None:
    jsonschema.Draft202012Validator.check_schema(_schema())


def test_hand_written_corpus_is_valid() -> None:
    assert _errors(json.loads(CORPUS.read_text())) == []


def test_recorded_run_without_fake_bc_or_warnings_is_valid() -> None:
    data = {
        "_about": "recorded",
        "project": "..",
        "scripts": [
            {
                "script": "scripts/sync.py",
                "args": ["acme", "prod"],
                "exit_code": 0,
                "outputs": {"output/a.json": {"text": "{}", "ignore_timestamps": True}},
                "log_contains": [],
                "cassette": "cassettes/sync.yaml",
                "http_order": "multiset",
                "env": {"MODE": "dry"},
                "timeout": 30,
            }
        ],
    }
    assert _errors(data) == []


@pytest.mark.parametrize(
    ("run_patch", "fragment"),
    [
        ({"exit_code": "0"}, "is not of type 'integer'"),
        ({"http_order": "random"}, "is not one of"),
        ({"outputs": {"o.txt": {"text": "a", "hex": "00"}}}, "is valid under each of"),
        ({"exitcode": 0}, "Additional properties are not allowed"),
    ],
)
def test_mistakes_are_named(run_patch: dict[str, Any], fragment: str) -> None:
    run = {"script": "s.py", "args": ["a", "b"], "exit_code": 0, "outputs": {}, **run_patch}
    assert any(fragment in message for message in _errors({"scripts": [run]}))
