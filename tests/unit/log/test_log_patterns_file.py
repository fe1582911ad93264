"""A project's log-redaction-patterns.json: merged with the bundled one, every mistake explained."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from txo.errors import HelpfulError
from txo.log import Redactor, SecretRegistry, load_redaction_patterns


def write(tmp_path: Path, document: Any) -> Path:
    path = tmp_path / "log-redaction-patterns.json"
    path.write_text(document if isinstance(document, str) else json.dumps(document))
    return path


def section(*patterns: Any, simple: list[Any] | None = None) -> dict[str, Any]:
    body: dict[str, Any] = {"patterns": list(patterns)}
    if simple is not None:
        body["simple-patterns"] = simple
    return {"_comment": "ignored", "redaction-patterns": body}


def test_project_rules_are_added_replaced_and_switched_off(tmp_path: Path) -> None:
    path = write(
        tmp_path,
        section(
            {"name": "order-key", "pattern": r"(order-key=)\w+", "replacement": r"\1[HIDDEN]"},
            {"name": "credit-card", "enabled": False},
            {"name": "ssn-us", "pattern": r"\bSSN:\d{9}\b", "replacement": "[SSN]"},
            simple=[{"name": "pin", "contains": ["pin="], "replacement": "[PIN]"}],
        ),
    )
    patterns = load_redaction_patterns(path)
    names = patterns.names()
    assert "credit-card" not in names
    assert names.index("ssn-us") < names.index("order-key") < names.index("pin")
    assert patterns.sources[-1] == str(path)
    redactor = Redactor(patterns, SecretRegistry())
    out = redactor.redact("order-key=abc SSN:123456789 pin=42 card 4111111111111111")
    assert out == "order-key=[HIDDEN] [SSN] pin=[PIN] card 4111111111111111"


def test_v21_shipped_file_loads_unchanged(tmp_path: Path) -> None:
    bundled = Path(__file__).parents[3] / "txo" / "log" / "default_redaction_patterns.json"
    patterns = load_redaction_patterns(write(tmp_path, bundled.read_text()))
    assert patterns.names() == load_redaction_patterns(None).names()


BAD_ENTRY = {"name": "broken", "pattern": "(unclosed", "replacement": "[X]"}


@pytest.mark.parametrize(
    ("document", "expected"),
    [
        ("{not json", ["is not valid JSON", "line 1"]),
        ([1, 2], ['no "redaction-patterns" object']),
        ({"redaction-patterns": {"simple-patterns": []}}, ['no "patterns" list']),
        (section("just a string"), ["entry patterns[1] is not an object"]),
        (section({"pattern": "x+", "replacement": "y"}), ['patterns[1] has no "name"']),
        (section({"name": "n", "replacement": "y"}), ["patterns[1] ('n')", '"pattern"']),
        (section({"name": "n", "pattern": "x+"}), ["patterns[1] ('n')", '"replacement"']),
        (
            section(BAD_ENTRY),
            ["patterns[1] ('broken')", "does not compile", "missing ), unterminated subpattern"],
        ),
        (
            section({"name": "empty", "pattern": "x*", "replacement": "y"}),
            ["('empty')", "matches empty text"],
        ),
        (
            section({"name": "grp", "pattern": "(a)b", "replacement": r"\2"}),
            ["('grp')", '"replacement" that does not fit', "invalid group reference 2"],
        ),
        (
            section({"name": "t", "pattern": "ab", "replacement": "y", "triggers": "ab"}),
            ["('t')", '"triggers"'],
        ),
        (
            section(simple=[{"name": "s", "contains": [], "replacement": "y"}]),
            ["simple-patterns[1] ('s')", '"contains"'],
        ),
        (
            section({"name": "d", "pattern": "a+", "replacement": "y", "enabled": "no"}),
            ["('d')", '"enabled"'],
        ),
        (
            section(
                {"name": "twice", "pattern": "a+", "replacement": "y"},
                {"name": "twice", "pattern": "b+", "replacement": "y"},
            ),
            ["two entries named 'twice'"],
        ),
    ],
)
def test_each_mistake_names_file_entry_fix_and_example(
    tmp_path: Path, document: Any, expected: list[str]
) -> None:
    path = write(tmp_path, document)
    with pytest.raises(HelpfulError) as caught:
        load_redaction_patterns(path)
    message = str(caught.value)
    assert str(path) in message
    for part in expected:
        assert part in message
    assert "Fix: " in message
    assert '"redaction-patterns"' in message and '"replacement"' in message  # the example


def test_missing_project_file_is_explained(tmp_path: Path) -> None:
    with pytest.raises(HelpfulError) as caught:
        load_redaction_patterns(tmp_path / "nope.json")
    assert "nope.json" in str(caught.value) and "Fix: " in str(caught.value)
