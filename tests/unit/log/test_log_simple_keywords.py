"""Simple patterns: a keyword that starts with punctuation marks its own word start."""

from __future__ import annotations

from txo.log import RedactionPatterns, RedactionRule, Redactor, SecretRegistry


def redact(keyword: str, text: str) -> str:
    rule = RedactionRule.simple("kw", [keyword], "[R]")
    return Redactor(RedactionPatterns((rule,)), SecretRegistry()).redact(text)


def test_a_keyword_opening_with_punctuation_fires_after_a_letter_or_digit() -> None:
    """``&pin=`` in a query string follows a value such as ``a=1``: it must still fire."""
    assert redact("&pin=", "GET /door?a=1&pin=1234") == "GET /door?a=1&pin=[R]"
    assert redact("&pin=", "GET /door?pin=9&x=a&pin=1234") == "GET /door?pin=9&x=a&pin=[R]"
    assert redact(";Password=", "Server=db1;Password=hunter2;x") == "Server=db1;Password=[R];x"
    assert redact('"pin": ', '{"a":1,"pin": "1234"}') == '{"a":1,"pin": [R]}'


def test_a_keyword_opening_with_a_letter_still_needs_a_word_start() -> None:
    assert redact("pin=", "apin=1 b1pin=2") == "apin=1 b1pin=2"
    assert redact("pin=", "bPin=2 b_pin=3 pin=4") == "bPin=[R] b_pin=[R] pin=[R]"
    assert redact("1pin=", "a1pin=5 x-1pin=6") == "a1pin=5 x-1pin=[R]"


def test_a_keyword_rule_built_in_code_has_no_description_unless_given() -> None:
    assert RedactionRule.simple("kw", ["pin="], "[R]").description == ""
    assert RedactionRule.simple("kw", ["pin="], "[R]", "door PINs").description == "door PINs"
