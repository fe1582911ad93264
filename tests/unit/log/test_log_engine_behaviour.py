"""The redaction engine's decisions: overlapping rules, templates, ungated rules, the gate."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from txo.log import (
    REDACTED,
    RedactionPatterns,
    RedactionRule,
    Redactor,
    SecretRegistry,
    load_redaction_patterns,
)
from txo.log.engine import _fold, _literal_union, _RuleSet, _Secrets, _shape
from txo.log.registry import WITHHELD


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


# --- templates and rules that cannot share a regex --------------------------------------


def test_templates_expand_group_references_and_escapes_of_their_own_rule() -> None:
    rules = (
        RedactionRule("escaped", r"(tab)=(\w+)", r"\t\1\t", ("tab=",)),
        RedactionRule("named", r"(?P<key>pin)=(\d+)", r"\g<key>=\g<2>#\n", ("pin=",)),
        RedactionRule("lead", r"(code)=\w+", r"<\1>", ("code=",)),
        RedactionRule("global-flag", r"(?x) user = \w+", "user=[U]", ("user",)),
    )
    text = "tab=x pin=12 code=zz user=bob"
    assert only(*rules).redact(text) == "\ttab\t pin=12#\n <code> user=[U]"
    assert only(*rules).redact(text) == one_after_another(rules, text)


# --- rules without triggers --------------------------------------------------------------


EMAIL = RedactionRule("email", r"\w+@\w+\.\w+", "[EMAIL]")  # no trigger can be derived
USER_AT = RedactionRule("user-at", r"(?P<user>\w+)@\w+", r"\g<user>@[HOST]")  # named group


def test_a_rule_without_triggers_is_searched_for() -> None:
    redactor = only(EMAIL)
    assert redactor.redact("mail bob@example.com now") == "mail [EMAIL] now"
    text = "no address here"
    assert redactor.redact(text) is text
    assert _RuleSet((EMAIL,))._select(text) is None


def test_a_rule_that_cannot_join_the_search_regex_is_always_tried() -> None:
    rules = _RuleSet((EMAIL, USER_AT))
    assert rules._select("no address here") == frozenset({0, 1})
    assert rules.apply("ann@host and bob@example.com") == "ann@[HOST] and [EMAIL]"
    assert _RuleSet((USER_AT,))._select("nothing") == frozenset({0})


LOWER_AT = RedactionRule("lower-at", r"[a-z]+@[a-z]+", "[AT]")  # no trigger either


def test_rules_without_triggers_are_searched_for_case_insensitively_together() -> None:
    assert only(LOWER_AT).redact("to BOB@HOST now") == "to [AT] now"
    rules = _RuleSet((EMAIL, LOWER_AT))
    assert rules._select("BOB@HOST") == frozenset({0, 1})
    assert rules._select("bob@example.com") == frozenset({0, 1})
    assert rules._select("no at sign") is None


def test_a_rule_with_a_global_flag_and_no_triggers_runs_on_its_own() -> None:
    verbose = RedactionRule("verbose", r"(?x) [a-z]+ @ [a-z]+", "[X]")
    assert only(EMAIL, verbose).redact("to bob@host") == "to [X]"


def test_rules_with_and_without_triggers_are_selected_together() -> None:
    token = RedactionRule("token", r"(token=)\S+", r"\1[T]", ("token=",))
    rules = _RuleSet((token, EMAIL))
    assert rules._select("token=1 bob@example.com") == frozenset({0, 1})
    assert rules._select("token=1") == frozenset({0})
    assert rules._select("bob@example.com") == frozenset({1})
    assert rules._select("plain") is None


# --- the gate ------------------------------------------------------------------------------


GATED = (
    RedactionRule("token", r"(token=)\S+", r"\1[T]", ("Token=", "token=")),
    RedactionRule("secret-json", r"secret\"\s*:\s*\"[^\"]*\"", "[S]", ('secret"',)),
    RedactionRule("emp", r"emp-\d{6}", "[E]", ("EMP-######",)),
    RedactionRule("serial", r"\b[A-Z0-9]{4}-[A-Z0-9]{4}\b", "[SN]", ("@@@@-@@@@",)),
    RedactionRule("key", r"(key=)\S+", r"\1[K]", ("key=",)),
    RedactionRule("api-key", r"(api-key=)\S+", r"\1[A]", ("api-key=",)),
    RedactionRule("card", r"\d{4} \d{4}", "[C]", ("#### ####",)),
    RedactionRule("derived", r"(order-no=)\d+", r"\1[O]"),  # trigger derived: order-no=#
)


@pytest.mark.parametrize(
    ("text", "selected"),
    [
        ("nothing to see", None),
        ("TOKEN=abc", {0}),
        ('x secret": "y"', {1}),
        ("EMP-123456", {2}),
        ("emp-12345", None),  # five digits: no "emp-######"
        ("AB12-CD34", {3}),  # exactly as long as the shaped trigger
        ("AB1-CD34", None),
        ("a-b", None),  # shorter than any shaped trigger
        ("api-key=1", {4, 5}),
        ("key=1", {4}),
        ("card 4111 1111", {6}),
        ("card 4111-1111", {3}),
        ("ORDER-NO=7", {7}),
        ("order-no=x", None),
    ],
)
def test_the_gate_selects_exactly_the_rules_whose_triggers_occur(
    text: str, selected: set[int] | None
) -> None:
    rules = _RuleSet(GATED)
    assert rules._select(text) == (None if selected is None else frozenset(selected))


def test_given_triggers_are_folded_deduplicated_and_trusted() -> None:
    rules = _RuleSet(GATED)
    assert rules.rules[0].triggers == ("token=",)
    assert rules.rules[2].triggers == ("emp-######",)
    assert rules.rules[3].triggers == ("@@@@-@@@@",)
    assert rules.rules[7].triggers == ("order-no=#",)
    # The file's triggers are trusted over the regex: "abc1" alone does not select the rule.
    trusted = _RuleSet((RedactionRule("abc", r"abc\d", "[X]", ("zzz",)),))
    assert trusted._select("abc1") is None
    assert trusted.apply("abc1 zzz") == "[X] zzz"


def test_a_trigger_mixing_letters_and_placeholders_is_checked_in_the_shaped_view() -> None:
    rule = RedactionRule("serial", r"SN\d{4}", "[SN]", ("SN@@@@",))
    assert _RuleSet((rule,)).rules[0].triggers == ("@@@@@@",)
    assert only(rule).redact("x SN1234 y") == "x [SN] y"


_FRAGMENTS = ["token=", "TOKEN", "secret", '"', "emp-", "EMP", "1234", "56", "AB12", "-", "CD",
              "key=", "api-", " ", "x", "order-no=", "\u0130", "\u212a", "\u0664"]  # fmt: skip


def _reference_fold(text: str) -> str:
    lowered = text.replace("\u0130", "i").lower().replace("\u0131", "i").replace("\u017f", "s")
    return re.sub(r"\d", "#", lowered)


def _reference_select(rules: tuple[RedactionRule, ...], text: str) -> frozenset[int] | None:
    folded, shaped = _reference_fold(text), re.sub(r"[^\W_]", "@", text)
    chosen = {
        index
        for index, rule in enumerate(_RuleSet(rules).rules)
        for trigger in rule.triggers
        if trigger in (shaped if "@" in trigger else folded)
    }
    return frozenset(chosen) if chosen else None


@settings(max_examples=300, deadline=None)
@given(st.lists(st.sampled_from(_FRAGMENTS), max_size=8).map("".join))
def test_the_coarse_checks_select_what_checking_every_trigger_would(text: str) -> None:
    assert _RuleSet(GATED)._select(text) == _reference_select(GATED, text)


@pytest.mark.parametrize(
    ("text", "folded", "folded_keeping_digits", "shaped"),
    [
        ("AbC-123_x", "abc-###_x", "abc-123_x", "@@@-@@@_@"),
        ("P\u0130N=\u0664\u0661 \u017fecret \u212a\u0131", "pin=## secret ki", None, None),
        ("\u00e9\u0664_", "\u00e9#_", "\u00e9\u0664_", "@@_"),
    ],
)
def test_the_views_the_gate_checks(
    text: str, folded: str, folded_keeping_digits: str | None, shaped: str | None
) -> None:
    assert _fold(text) == folded
    if folded_keeping_digits is not None:
        assert _fold(text, False) == folded_keeping_digits
    if shaped is not None:
        assert _shape(text) == shaped


# --- registered secrets ---------------------------------------------------------------------


@pytest.mark.parametrize("count", [1, 4, 5, 30])
def test_every_registered_secret_is_replaced_however_many_there_are(count: int) -> None:
    values = [f"secret-{i:03d}-value" for i in range(count)]
    redactor = Redactor(RedactionPatterns(()), SecretRegistry(values))
    for value in values:
        assert redactor.redact(f"a {value} b") == f"a {REDACTED} b"
    text = "secret-none-value"
    assert redactor.redact(text) is text


def test_a_secret_that_re_forms_is_removed_for_three_passes_then_the_text_is_withheld() -> None:
    redactor = Redactor(RedactionPatterns(()), SecretRegistry(["[REDACTED]x"]))
    assert redactor.redact("[REDACTED]xxxx") == REDACTED  # one plus three passes
    assert redactor.redact("[REDACTED]xxxxx") == WITHHELD
    assert redactor.redact("x [REDACTED]x y") == f"x {REDACTED} y"


def test_a_rule_that_re_forms_a_secret_cannot_leak_it() -> None:
    rule = RedactionRule("pin", r"pin=\d+", "abc", ("pin=",))
    redactor = Redactor(RedactionPatterns((rule,)), SecretRegistry(["abcdef"]))
    assert redactor.redact("pin=1def") == REDACTED
    plain = Redactor(RedactionPatterns((rule,)), SecretRegistry())
    assert plain.redact("pin=1def") == "abcdef"  # no secrets: nothing to settle


def test_hundreds_of_nested_secrets_fall_back_to_a_flat_regex() -> None:
    """Values that are prefixes of each other nest the trie too deep for the regex parser."""
    secrets = _Secrets("x" * n for n in range(4, 1000))
    assert secrets.regex.pattern.startswith("x" * 999 + "|")  # flat, longest first
    assert secrets.replace("a " + "x" * 1003 + " b") == f"a {REDACTED}{REDACTED} b"
    assert _literal_union(("ab(", "ab")).pattern == "ab(?:\\()?"


def test_a_line_holding_every_form_of_a_secret_loses_them_all() -> None:
    # "abcd" travels as itself and as base64 "YWJjZA==" / "YWJjZA": few enough to scan for.
    redactor = Redactor(RedactionPatterns(()), SecretRegistry(["abcd"]))
    assert redactor.redact("abcd YWJjZA==") == f"{REDACTED} {REDACTED}"


def test_the_secret_matcher_is_rebuilt_only_when_the_registry_changes() -> None:
    registry = SecretRegistry(["first-secret"])
    redactor = Redactor(RedactionPatterns(()), registry)
    redactor.redact("one")
    matcher = redactor._secret_state[1]
    redactor.redact("two")
    assert redactor._secret_state[1] is matcher
    registry.add("second-secret")
    assert redactor.redact("second-secret") == REDACTED
    assert redactor._secret_state[1] is not matcher


def test_a_line_without_keywords_costs_a_dozen_substring_checks() -> None:
    """The gate's first tier for the bundled rules: each fine trigger contains one of these."""
    rules = _RuleSet(load_redaction_patterns(None).rules)
    assert sorted(coarse for coarse, _ in rules.words) == sorted([
        ".ey", "key", "pwd", "pass", "auth", "####", "basic", "token", "bearer", "secret",
        "credential", "defaultendpointsprotocol",
    ])  # fmt: skip
    assert [coarse for coarse, _ in rules.shapes] == ["@" * 40]
    assert rules.digits and rules.shape_min == 40
