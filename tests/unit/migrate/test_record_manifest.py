"""Which runs ``record`` makes: ``--run`` text, the manifest, and the starter manifest."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from txo.errors import HelpfulError
from txo.migrate.record.manifest import (
    MANIFEST_FILE,
    RunSpec,
    load_manifest,
    parse_run,
    starter_manifest,
)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "sync.py").write_text("")
    (tmp_path / "scripts" / "__init__.py").write_text("")
    (tmp_path / "utils").mkdir()
    (tmp_path / "utils" / "helpers.py").write_text("")
    (tmp_path / "config").mkdir()
    (tmp_path / "config" / "acme-eu-prod-config.json").write_text("{}")
    return tmp_path


def test_run_text_is_split_like_a_shell(project: Path) -> None:
    spec = parse_run("scripts/sync.py acme prod 'two words'", project)
    assert spec == RunSpec("scripts/sync.py", ("acme", "prod", "two words"))
    assert spec.id == "sync-two_words"


@pytest.mark.parametrize("text", ["scripts/sync.py acme", "scripts/nope.py acme prod"])
def test_bad_run_text_is_a_helpful_error(project: Path, text: str) -> None:
    with pytest.raises(HelpfulError) as caught:
        parse_run(text, project)
    assert "--run" in str(caught.value) and "Example:" in str(caught.value)


def test_manifest_runs_with_env_and_timeout(project: Path) -> None:
    runs = [{"script": "scripts/sync.py", "args": ["a", "b"], "env": {"X": "1"}, "timeout": 5}]
    (project / MANIFEST_FILE).write_text(json.dumps({"runs": runs}))
    assert load_manifest(project) == (RunSpec("scripts/sync.py", ("a", "b"), (("X", "1"),), 5),)


def test_manifest_runs_can_name_the_target_release(project: Path) -> None:
    runs = [{"script": "scripts/sync.py", "args": ["a", "b"], "target": "3.1"}]
    (project / MANIFEST_FILE).write_text(json.dumps({"runs": runs}))
    (spec,) = load_manifest(project)
    assert spec.target == "3.1" and spec.id == "sync@3.1"  # its own cassette per target


@pytest.mark.parametrize(
    ("runs", "fragment"),
    [
        ([], "non-empty 'runs'"),
        ([{"script": "scripts/sync.py", "args": ["a"]}], "at least ORG and ENV"),
        ([{"script": "scripts/sync.py", "args": ["a", "b"], "timeout": 0}], "'timeout'"),
        ([{"script": "scripts/sync.py", "args": ["a", "b"], "target": "3"}], "one of 2.1, 3.1"),
    ],
)
def test_manifest_mistakes_are_named(project: Path, runs: list[object], fragment: str) -> None:
    (project / MANIFEST_FILE).write_text(json.dumps({"runs": runs}))
    with pytest.raises(HelpfulError, match=fragment):
        load_manifest(project)


def test_missing_manifest_says_how_to_start(project: Path) -> None:
    with pytest.raises(HelpfulError, match="--init"):
        load_manifest(project)


def test_starter_lists_scripts_not_the_library(project: Path) -> None:
    data = starter_manifest(project)
    assert [r["script"] for r in data["runs"]] == ["scripts/sync.py"]
    assert data["runs"][0]["args"] == ["acme-eu", "prod"]


def test_unknown_legacy_python_is_a_usage_error(project: Path) -> None:
    from txo.migrate.cli import main

    argv = ["record", str(project), "--run", "scripts/sync.py a b", "--legacy-python", "nopython9"]
    assert main(argv) == 2
