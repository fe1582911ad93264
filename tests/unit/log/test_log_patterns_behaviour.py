"""The patterns file, sentence by sentence: every mistake's exact problem, fix and example."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from txo.errors import ConfigError
from txo.log import RedactionPatterns, RedactionRule, Redactor, SecretRegistry
from txo.log import load_redaction_patterns as load
from txo.log.patterns import DEFAULT_PATTERNS_SOURCE, parse_redaction_document

SOURCE = "config/log-redaction-patterns.json"
ENTRY_FIX = (
    'Give every entry "name", "pattern" and "replacement" strings ("description" and '
    '"triggers" are optional); simple patterns need "name", "contains" and "replacement".'
)
COMPILE_FIX = (
    'Correct the regular expression; in JSON every backslash is doubled ("\\\\s+" means the '
    'regex \\s+). Test it with python -c "import re; re.compile(...)".'
)
TEMPLATE_FIX = (
    "Refer only to groups the pattern has (\\\\1 is the first (...) group) and double every "
    "other backslash."
)
TRIGGERS_FIX = (
    "List words of which every match contains at least one (any case), or leave "
    '"triggers" out to try the pattern on every message, e.g. "triggers": ["order-key="].'
)
CONTAINS_FIX = 'List the keywords that precede a secret, e.g. "contains": ["pin=", "pincode="].'
UNIQUE_FIX = (
    "Give every entry its own name (a project entry with a bundled name replaces the bundled one)."
)


def doc(*patterns: Any, simple: Any = None) -> str:
    body: dict[str, Any] = {"patterns": list(patterns)}
    if simple is not None:
        body["simple-patterns"] = simple
    return json.dumps({"redaction-patterns": body})


def rule(name: Any = "n", pattern: Any = "x+", replacement: Any = "y", **more: Any) -> Any:
    return {"name": name, "pattern": pattern, "replacement": replacement, **more}


OK = rule("ok", "ok=\\w+", "ok=[R]")
PIN = {"name": "pin", "contains": ["pin="], "replacement": "[R]", "description": "door PINs"}

MISTAKES: list[tuple[str, str, str]] = [
    (
        "{not json",
        "is not valid JSON: Expecting property name enclosed in double quotes at line 1, column 2.",
        "Correct the JSON syntax: a missing comma or quote, or a single backslash in a regex "
        "(JSON needs \\\\d for the regex \\d).",
    ),
    ("[1, 2]", 'has no "redaction-patterns" object at the top level.', "Put the rules inside"),
    ('{"other": {}}', 'has no "redaction-patterns" object at the top level.', "Put the rules"),
    ('{"redaction-patterns": []}', 'has no "redaction-patterns" object', "Put the rules inside"),
    (
        '{"redaction-patterns": {"simple-patterns": []}}',
        '"redaction-patterns" has no "patterns" list.',
        'Add "patterns": [...] inside "redaction-patterns" (it may be empty: []).',
    ),
    (
        '{"redaction-patterns": {"patterns": {}}}',
        '"redaction-patterns" has no "patterns" list.',
        "",
    ),
    (
        '{"redaction-patterns": {"patterns": [], "simple-patterns": {}}}',
        '"redaction-patterns"."simple-patterns" is not a list.',
        'Make "simple-patterns" a list of {"name", "contains", "replacement"} objects.',
    ),
    (doc(OK, "text"), "entry patterns[2] is not an object.", ENTRY_FIX),
    (doc({"pattern": "x+"}), 'entry patterns[1] has no "name" (a non-empty string).', ENTRY_FIX),
    (doc(rule(5)), 'entry patterns[1] has no "name" (a non-empty string).', ENTRY_FIX),
    (doc(rule(" ")), 'entry patterns[1] has no "name" (a non-empty string).', ENTRY_FIX),
    (
        doc(rule("d", enabled="no")),
        "entry patterns[1] ('d') has \"enabled\" that is not true or false.",
        'Write "enabled": false to switch a bundled pattern off, or leave the key out.',
    ),
    (doc({"name": "n"}), "entry patterns[1] ('n') has no \"pattern\" string.", ENTRY_FIX),
    (doc(rule(pattern=5)), "entry patterns[1] ('n') has no \"pattern\" string.", ENTRY_FIX),
    (doc(rule(pattern="")), "entry patterns[1] ('n') has an empty \"pattern\".", ENTRY_FIX),
    (doc({"name": "n", "pattern": "x+"}), "('n') has no \"replacement\" string.", ENTRY_FIX),
    (doc(rule(replacement=None)), "('n') has no \"replacement\" string.", ENTRY_FIX),
    (
        doc(rule(description=5)),
        "entry patterns[1] ('n') has a \"description\" that is not a string.",
        ENTRY_FIX,
    ),
    (
        doc(OK, rule(triggers="ab")),
        "entry patterns[2] ('n') has \"triggers\" that is not a list of non-empty strings.",
        TRIGGERS_FIX,
    ),
    (doc(rule(triggers=["ab", ""])), "('n') has \"triggers\" that is not a list", TRIGGERS_FIX),
    (doc(rule(triggers=[1])), "('n') has \"triggers\" that is not a list", TRIGGERS_FIX),
    (
        doc(rule("broken", "(unclosed")),
        "entry patterns[1] ('broken') has a \"pattern\" that does not compile: "
        "missing ), unterminated subpattern at position 0.",
        COMPILE_FIX,
    ),
    (
        doc(rule("b", "(?<=a+)b")),
        "entry patterns[1] ('b') has a \"pattern\" that does not compile: "
        "look-behind requires fixed-width pattern.",
        COMPILE_FIX,
    ),
    (
        doc(rule("e", "x*")),
        "entry patterns[1] ('e') has a \"pattern\" that matches empty text, "
        "so it would fire everywhere.",
        "Make the pattern require at least one character: [^&\\\\s]+, not [^&\\\\s]*.",
    ),
    (
        doc(rule("g", "(a)b", "\\2")),
        "entry patterns[1] ('g') has a \"replacement\" that does not fit its pattern: "
        "invalid group reference 2 at position 1.",
        TEMPLATE_FIX,
    ),
    (
        doc(rule("g", "ab", "\\1")),
        "('g') has a \"replacement\" that does not fit its pattern: "
        "invalid group reference 1 at position 1.",
        TEMPLATE_FIX,
    ),
    (
        doc(rule("g", "(?P<k>a)b", "\\g<nope>")),
        "('g') has a \"replacement\" that does not fit its pattern: unknown group name 'nope'.",
        TEMPLATE_FIX,
    ),
    (
        doc(rule("g", "(a)b", "\\q")),
        "('g') has a \"replacement\" that does not fit its pattern: bad escape \\q at position 0.",
        TEMPLATE_FIX,
    ),
    (
        doc(simple=[PIN, {"name": "s", "contains": [], "replacement": "y"}]),
        "entry simple-patterns[2] ('s') needs \"contains\": a non-empty list of non-empty strings.",
        CONTAINS_FIX,
    ),
    (doc(simple=[{"name": "s", "contains": "pin=", "replacement": "y"}]), "needs", CONTAINS_FIX),
    (doc(simple=[{"name": "s", "contains": ["a", ""], "replacement": "y"}]), "needs", ""),
    (doc(simple=[{"name": "s", "contains": ["a", 1], "replacement": "y"}]), "needs", ""),
    (doc(simple=[{"name": "s", "replacement": "y"}]), "('s') needs \"contains\"", CONTAINS_FIX),
    (
        doc(rule("g", "(a)(b)", "\\3")),
        "('g') has a \"replacement\" that does not fit its pattern: "
        "invalid group reference 3 at position 1.",
        TEMPLATE_FIX,
    ),
    (
        doc(simple=[{**PIN, "description": ["x"]}]),
        "entry simple-patterns[1] ('pin') has a \"description\" that is not a string.",
        ENTRY_FIX,
    ),
    (
        doc(simple=[{"name": "s", "contains": ["pin="]}]),
        "entry simple-patterns[1] ('s') has no \"replacement\" string.",
        ENTRY_FIX,
    ),
    (
        doc(simple=[PIN, {"contains": ["a="], "replacement": "y"}]),
        'entry simple-patterns[2] has no "name" (a non-empty string).',
        ENTRY_FIX,
    ),
    (doc(rule("t"), rule("t", "b+")), "has two entries named 't'.", UNIQUE_FIX),
    (doc(rule("t"), {"name": "t", "enabled": False}), "has two entries named 't'.", UNIQUE_FIX),
    (doc(rule("t"), simple=[{**PIN, "name": "t"}]), "has two entries named 't'.", UNIQUE_FIX),
]


@pytest.mark.parametrize(("text", "what", "fix"), MISTAKES)
def test_each_mistake_is_one_exact_sentence_with_its_fix_and_an_example(
    text: str, what: str, fix: str
) -> None:
    with pytest.raises(ConfigError) as caught:
        parse_redaction_document(text, SOURCE)
    error = caught.value
    assert error.what_went_wrong.startswith(f"Redaction patterns file {SOURCE} ")
    assert what in error.what_went_wrong
    assert error.what_went_wrong.endswith(what) or not what.endswith(".")
    assert error.how_to_fix.startswith(fix)
    assert error.example is not None
    assert_example_is_a_working_file(error.example)


def assert_example_is_a_working_file(example: str) -> None:
    """The example in every error is a file a user can copy: it loads and redacts."""
    patterns = parse_redaction_document(example, "example")
    assert patterns.names() == ("order-key", "pin")
    redactor = Redactor(patterns, SecretRegistry())
    assert redactor.redact("GET /o?x-order-key=k-123&pin=42") == (
        "GET /o?x-order-key=[REDACTED]&pin=[REDACTED]"
    )


# --- reading the file ----------------------------------------------------------------


def test_a_missing_file_names_the_error_and_how_to_do_without_it(tmp_path: Path) -> None:
    path = tmp_path / "log-redaction-patterns.json"
    with pytest.raises(ConfigError) as caught:
        load(path)
    error = caught.value
    assert error.what_went_wrong == (
        f"Cannot read the redaction patterns file {path}: FileNotFoundError: "
        f"[Errno 2] No such file or directory: '{path}'"
    )
    assert error.how_to_fix == (
        f"Make sure {path} exists, is readable and is UTF-8 JSON, or delete it to use "
        "the bundled patterns only."
    )
    assert error.example is not None
    assert_example_is_a_working_file(error.example)
    assert caught.value.__cause__ is None and caught.value.__suppress_context__


def test_a_file_that_is_not_utf8_is_explained(tmp_path: Path) -> None:
    path = tmp_path / "log-redaction-patterns.json"
    path.write_bytes(b'{"redaction-patterns": {"patterns": [\xff]}}')
    with pytest.raises(ConfigError) as caught:
        load(path)
    assert caught.value.what_went_wrong.startswith(
        f"Cannot read the redaction patterns file {path}: UnicodeDecodeError: 'utf-8' codec"
    )


def test_a_utf8_file_with_non_ascii_rules_loads(tmp_path: Path) -> None:
    path = tmp_path / "log-redaction-patterns.json"
    entry = rule("kennwort", "(kennwort=)\\S+", "\\1[GEHEIM]", description="Kennwörter")
    path.write_text(doc(entry), encoding="utf-8")
    patterns = load(path)
    assert patterns.rules[patterns.names().index("kennwort")] == RedactionRule(
        "kennwort", "(kennwort=)\\S+", "\\1[GEHEIM]", (), "Kennwörter"
    )
    assert patterns.sources == (DEFAULT_PATTERNS_SOURCE, str(path))


def test_without_a_project_file_the_bundled_rules_come_from_the_bundled_source() -> None:
    patterns = load(None)
    assert patterns.sources == (DEFAULT_PATTERNS_SOURCE,)
    assert patterns.names()[:2] == ("bearer-token", "jwt-token")
    assert patterns.disabled == frozenset()


# --- what a valid entry becomes ------------------------------------------------------------


def test_a_regex_entry_keeps_its_fields_and_lowercases_its_triggers() -> None:
    text = doc(
        rule("k", "(key=)\\w+", "\\1[K]", triggers=["Key=", "KEY=", "k@y"], description="d"),
        rule("plain", "abc", "", enabled=True),
    )
    patterns = parse_redaction_document(text, SOURCE)
    assert patterns.rules == (
        RedactionRule("k", "(key=)\\w+", "\\1[K]", ("key=", "k@y"), "d", "regex", ()),
        RedactionRule("plain", "abc", "", (), "", "regex", ()),
    )
    assert patterns.sources == (SOURCE,)
    assert patterns.disabled == frozenset()
    assert Redactor(patterns, SecretRegistry()).redact("x abc y") == "x  y"  # "" deletes


def test_named_groups_may_be_referred_to_by_name_or_number() -> None:
    text = doc(rule("pair", "(?P<k>pin)=(\\d+)", "\\g<k>=\\2#"))
    patterns = parse_redaction_document(text, SOURCE)
    assert Redactor(patterns, SecretRegistry()).redact("pin=42") == "pin=42#"


def test_simple_entries_become_keyword_rules_after_the_regex_rules() -> None:
    text = doc(
        OK,
        simple=[
            {**PIN, "contains": ["PIN=", "pin=", "pincode="], "replacement": "<\\p>"},
            {"name": "off", "enabled": False},
        ],
    )
    patterns = parse_redaction_document(text, SOURCE)
    assert patterns.names() == ("ok", "pin")
    assert patterns.disabled == frozenset({"off"})
    pin = patterns.rules[1]
    assert (pin.kind, pin.contains, pin.triggers) == ("simple", ("pin=", "pincode="), pin.contains)
    assert pin.description == "door PINs"
    redactor = Redactor(patterns, SecretRegistry())
    assert redactor.redact("PINCODE=1234 pin='a b'") == "PINCODE=<\\p> pin=<\\p>"


def test_the_longest_keyword_is_tried_first() -> None:
    rule_ = RedactionRule.simple("pass", ["pass", "password="], "[R]", "keywords")
    assert rule_.description == "keywords"
    redactor = Redactor(RedactionPatterns((rule_,)), SecretRegistry())
    assert redactor.redact("password=hunter2") == "password=[R]"
    assert redactor.redact("pass=hunter2") == "pass[R]"


# --- merging a project's file into the bundled one ---------------------------------------


def rules(*names: str, kind: str = "regex") -> tuple[RedactionRule, ...]:
    return tuple(RedactionRule(n, n, f"[{n}]", kind=kind) for n in names)


def test_merging_replaces_in_place_appends_new_and_drops_disabled() -> None:
    bundled = RedactionPatterns((*rules("a", "b", "c"), *rules("s", kind="simple")), ("bundled",))
    replacement = RedactionRule("b", "bee", "[B2]")
    project = RedactionPatterns(
        (replacement, *rules("new"), *rules("t", kind="simple")), ("project",), frozenset({"c"})
    )
    merged = bundled.merged(project)
    assert merged.names() == ("a", "b", "new", "s", "t")
    assert merged.rules[1] is replacement
    assert merged.sources == ("bundled", "project")
    assert len(merged) == 5 and [r.name for r in merged] == list(merged.names())


def test_a_project_may_switch_off_a_name_that_is_not_bundled() -> None:
    bundled = RedactionPatterns(rules("a"), ("bundled",))
    merged = bundled.merged(RedactionPatterns((), ("project",), frozenset({"zzz"})))
    assert merged.names() == ("a",)


def test_a_project_regex_with_a_simple_rules_name_moves_before_the_simple_rules() -> None:
    bundled = RedactionPatterns((*rules("a"), *rules("s", "t", kind="simple")))
    merged = bundled.merged(RedactionPatterns(rules("s")))
    assert merged.names() == ("a", "s", "t")
    assert [r.kind for r in merged] == ["regex", "regex", "simple"]
