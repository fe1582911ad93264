"""The redaction engine's decisions: overlapping rules, templates, ungated rules, the gate."""

from __future__ import annotations

import re

import pytest

from txo.log import (
    RedactionPatterns,
    RedactionRule,
    Redactor,
    SecretRegistry,
    load_redaction_patterns,
)


def bundled() -> Redactor:
    return Redactor(load_redaction_patterns(None), SecretRegistry())


def only(*rules: RedactionRule) -> Redactor:
    return Redactor(RedactionPatterns(rules), SecretRegistry())


def one_after_another(rules: tuple[RedactionRule, ...], text: str) -> str:
    """The reference: each rule applied to what the earlier ones left (as v2.1 did)."""
    for rule in rules:
        text = re.sub(rule.pattern, rule.replacement, text, flags=re.IGNORECASE)
    return text


# --- overlapping matches --------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("token=Bearer abc123def", "token=[REDACTED] [REDACTED]"),
        ("password=Bearer abc123def", "password=[REDACTED] [REDACTED]"),
        ("headers: token=Bearer abc123def next", "headers: token=[REDACTED] [REDACTED] next"),
    ],
)
def test_a_match_of_one_rule_never_hides_a_secret_another_rule_matches(
    text: str, expected: str
) -> None:
    """A keyword rule eating ``Bearer`` must not leave the bearer token itself in the line."""
    out = bundled().redact(text)
    assert "abc123def" not in out
    assert out == expected


def test_each_rule_sees_what_the_earlier_rules_left() -> None:
    rules = (
        RedactionRule("token", r"token \S+", "token [T]", ("token ",)),
        RedactionRule("user", r"user=\S+", "user=[U]", ("user=",)),
    )
    text = "user=token SECRET-1 and token SECRET-2"
    assert only(*rules).redact(text) == one_after_another(rules, text)
    assert only(*rules).redact(text) == "user=[U] [T] and token [T]"
