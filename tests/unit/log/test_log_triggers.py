"""Triggers derived from a rule's regex: useful for v2.1 files, and never hiding a match."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from txo.log import RedactionPatterns, RedactionRule, Redactor, SecretRegistry
from txo.log import load_redaction_patterns as load
from txo.log.engine import _fold, _RuleSet, _shape
from txo.log.triggers import derive_triggers

LEGACY_PATTERNS = Path(__file__).parents[3] / "migration/legacy/config/log-redaction-patterns.json"


@pytest.mark.parametrize(
    ("pattern", "expected"),
    [
        (r"(x-order-key=)[^&\s]+", ("x-order-key=",)),
        (r"\bEMP-\d{6}\b", ("emp-######",)),
        (r"(?:password|pwd)=\S+", ("password=", "pwd=")),
        (r"(?-i:(?<![A-Za-z0-9])[A-Za-z0-9]{40,})", ("@" * 40,)),
        (r"_?[Aa]pi[-_]?key", ("api-key", "api_key", "apikey")),
        (r"ey[A-Za-z0-9\-_]+\.ey[A-Za-z0-9\-_]+", (".ey",)),
        (r".*secret", ("secret",)),
        (r"a|bc", ()),  # too short to be worth a check
        (r"\w+@\w+", ()),
        (r"(", ()),  # does not parse: searched for, as before
        (r"xyz(?:a+){2}yz", ("xyz",)),  # a varying repeat inside a fixed one ends the run
        (r"xyz(?:ab){2}c", ("xyzababc",)),
    ],
)
def test_derived_triggers(pattern: str, expected: tuple[str, ...]) -> None:
    assert derive_triggers(pattern) == expected


def test_bundled_rules_stripped_of_triggers_are_all_gated_again() -> None:
    """A v2.1 file reusing every bundled name without triggers keeps the fast path."""
    stripped = tuple(
        RedactionRule(r.name, r.pattern, r.replacement) if r.kind == "regex" else r
        for r in load(None)
    )
    rules = _RuleSet(stripped)
    assert rules.ungated.indexes == frozenset()
    assert rules.apply("GET https://example.com/api/v2.0/customers -> 200") is not None
    assert rules._select("Processed 250 customers in 1.23s") is None


def test_legacy_corpus_patterns_are_gated() -> None:
    patterns = load(LEGACY_PATTERNS)
    rules = _RuleSet(patterns.rules)
    assert rules.ungated.indexes == frozenset()
    redactor = Redactor(patterns, SecretRegistry())
    assert redactor.redact("EMP-123456 used x-order-key=abc&y=1") == (
        "[REDACTED_EMPLOYEE] used x-order-key=[REDACTED]&y=1"
    )
    assert json.loads(LEGACY_PATTERNS.read_text(encoding="utf-8"))  # the file is the corpus's


_PIECES = st.sampled_from(
    ["a", "B", "1", "-", "=", "_", '"', "'", "\\.", "key", "Pin", "ey", " ", "\u0130", "xyz", "abc"]
)
_CLASSES = st.sampled_from(
    ["[Bb]", "[-_]", "[\"']", "\\d", "[0-9]", "[A-Za-z0-9]", "[^&\\s]", "\\s", ".", "\\w"]
)
_SIMPLE_ATOMS = st.one_of(_PIECES, _CLASSES)
# Varying quantifiers only on atoms (nested ones backtrack exponentially in re.search).
_ATOMS = st.one_of(
    _SIMPLE_ATOMS,
    st.tuples(_SIMPLE_ATOMS, st.sampled_from(["+", "*", "{1,3}"])).map(
        lambda p: f"(?:{p[0]}){p[1]}"
    ),
    _SIMPLE_ATOMS.map(lambda a: f"(?:{a}+){{2}}"),  # varying inside fixed
)


def _quantified(atom: str, quantifier: str) -> str:
    return f"(?:{atom}){quantifier}"


_REGEXES = st.recursive(
    st.lists(_ATOMS, min_size=1, max_size=6).map("".join),
    lambda inner: st.one_of(
        st.lists(inner, min_size=2, max_size=3).map("|".join).map(lambda r: f"(?:{r})"),
        st.tuples(inner, st.sampled_from(["?", "{2}"])).map(lambda p: _quantified(*p)),
        st.lists(inner, min_size=2, max_size=3).map("".join),
        inner.map(lambda r: f"(?-i:{r})"),
        inner.map(lambda r: f"\\b{r}"),
    ),
    max_leaves=8,
)


@settings(max_examples=300, deadline=None)
@given(data=st.data(), pattern=_REGEXES)
def test_a_derived_trigger_is_in_every_text_the_rule_matches(
    data: st.DataObject, pattern: str
) -> None:
    triggers = derive_triggers(pattern)
    compiled = re.compile(pattern, re.IGNORECASE)
    text = data.draw(st.from_regex(compiled, fullmatch=True))  # a match by construction
    if not triggers:
        return
    views = (_shape(text) if "@" in t else _fold(text) for t in triggers)
    assert any(t in view for t, view in zip(triggers, views, strict=True)), (pattern, text)


@settings(max_examples=200, deadline=None)
@given(text=st.text(st.sampled_from("ab1-=_\"' .\u0130kKeyPinEMP"), max_size=40))
def test_gated_and_ungated_rules_redact_alike(text: str) -> None:
    rules = (
        RedactionRule("emp", r"\bEMP-?\d{2}\b", "[E]"),
        RedactionRule("pin", r"(p[i1]n=)[^ ]+", r"\1[P]"),
        RedactionRule("key", r"(?:api|app)[-_]?key", "[K]"),
    )
    gated = Redactor(RedactionPatterns(rules), SecretRegistry())
    reference = text
    for rule in rules:
        reference = re.sub(rule.pattern, rule.replacement, reference, flags=re.IGNORECASE)
    assert gated.redact(text) == reference
